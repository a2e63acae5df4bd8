"""A topic labels file: the names a person gives to discovered topics, and which topics are one.

    # topic_labels.yaml -- ids are those `voc topics show <out>/topic_model` prints
    version: 1
    topics:
      3: Card not arrived                       # rename topic 3
      5:                                        # topics 7 and 9 join topic 5, all named "Refunds"
        name: Refunds
        merge: [7, 9]

Applied to a fitted or loaded ``TopicModel`` (``apply_labels``; ``topics.labels`` in the pipeline
config; ``voc topics label``): a merged topic keeps the first id, its centroid becomes the
size-weighted mean of the merged centroids (so later contacts are assigned to it), its keywords
and representative documents are those of its parts, largest first. The result is saved with the
model (labels, centroids and the ``merged`` map in voc_topics.json), so a model saved after
labelling assigns and names the same way after load. Applying the same file again is a no-op.
The BERTopic part saved beside it keeps the topics as fitted (for inspection only).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import yaml

from voc.errors import Errors, VocError
from voc.nlp.topics.labels import OUTLIER_ID


@dataclass(frozen=True)
class TopicLabels:
    names: dict[int, str] = field(default_factory=dict)          # topic id -> name
    merges: dict[int, tuple[int, ...]] = field(default_factory=dict)  # kept id -> ids merged into it
    path: str = "<labels>"


def _fail(path: str, detail: str) -> VocError:
    return VocError(Errors.E233, path=path, detail=detail)


def _as_id(value: Any, path: str, where: str) -> int:
    if isinstance(value, bool):
        raise _fail(path, f"{where}: {value!r} is not a topic id")
    try:
        return int(str(value).strip())
    except ValueError:
        raise _fail(path, f"{where}: {value!r} is not a topic id (a whole number)") from None


def parse_labels(data: Any, *, path: str = "<labels>") -> TopicLabels:
    """Validate a labels mapping (as read from YAML); every problem is an E233 naming the entry."""
    if not isinstance(data, dict) or not isinstance(data.get("topics"), dict) or not data["topics"]:
        raise _fail(path, "the top level must be a mapping with a non-empty 'topics' mapping (topic id -> name)")
    extra = set(data) - {"version", "topics"}
    if extra:
        raise _fail(path, f"unknown key(s) {sorted(extra)}")
    names: dict[int, str] = {}
    merges: dict[int, tuple[int, ...]] = {}
    merged_where: dict[int, int] = {}
    for key, entry in data["topics"].items():
        tid = _as_id(key, path, f"entry {key!r}")
        if tid == OUTLIER_ID:
            raise _fail(path, "topic -1 ('unassigned') cannot be renamed or merged")
        if isinstance(entry, str):
            entry = {"name": entry}
        if not isinstance(entry, dict):
            raise _fail(path, f"topic {tid}: give a name, or a mapping with name and merge")
        bad = set(entry) - {"name", "merge"}
        if bad:
            raise _fail(path, f"topic {tid}: unknown key(s) {sorted(bad)} (use name, merge)")
        name = entry.get("name")
        if name is not None:
            if not isinstance(name, str) or not name.strip():
                raise _fail(path, f"topic {tid}: the name must be non-empty text")
            names[tid] = " ".join(name.split())
        m = entry.get("merge", [])
        if not isinstance(m, list):
            m = [m]
        ids = tuple(_as_id(v, path, f"topic {tid} merge") for v in m)
        for j in ids:
            if j == tid or j == OUTLIER_ID:
                raise _fail(path, f"topic {tid}: cannot merge topic {j} into it")
            if j in merged_where:
                raise _fail(path, f"topic {j} is merged twice (into {merged_where[j]} and {tid})")
            merged_where[j] = tid
        if ids:
            merges[tid] = ids
    both = set(merged_where) & (set(merges) | set(names))
    if both:
        raise _fail(path, f"topic(s) {sorted(both)} are merged into another topic and also named or merged into: "
                          "name only the topic they are merged into")
    seen: dict[str, int] = {}
    for tid, name in names.items():
        if name in seen:
            raise _fail(path, f"topics {seen[name]} and {tid} have the same name {name!r}: merge them instead")
        seen[name] = tid
    return TopicLabels(names=names, merges=merges, path=path)


def read_labels(path: str | Path) -> TopicLabels:
    p = Path(path)
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except OSError as e:
        raise _fail(str(p), f"cannot be read ({e.strerror or e})") from None
    except yaml.YAMLError as e:
        raise _fail(str(p), f"is not valid YAML ({str(e).splitlines()[0]})") from None
    return parse_labels(data, path=str(p))


def apply_labels(model: Any, labels: TopicLabels | str | Path) -> Any:
    """Rename and merge the topics of a fitted or loaded ``TopicModel`` in place; returns it."""
    if not isinstance(labels, TopicLabels):
        labels = read_labels(labels)
    model._check_fitted()
    merged_into: dict[int, int] = dict(getattr(model, "merged_", {}) or {})
    ids = [int(t) for t in model.topic_ids_.tolist()]
    known = set(ids) | set(merged_into)
    unknown = sorted((set(labels.names) | set(labels.merges) | {j for v in labels.merges.values() for j in v}) - known)
    if unknown:
        raise _fail(labels.path, f"topic id(s) {unknown} are not in this model (its topics: {ids}; "
                                 "ids change when a model is refitted: label a saved model)")
    info = model.topic_info_.set_index("topic_id")
    sizes = {t: int(info["size"].get(t, 0)) for t in ids}
    for keep, parts in labels.merges.items():
        keep = merged_into.get(keep, keep)
        group = [keep] + [p for p in parts if merged_into.get(p, p) != keep and p in ids]
        group = [g for g in group if g in ids]
        if len(group) < 2:
            continue  # already merged (the same file applied again)
        rows = [ids.index(g) for g in group]
        w = np.array([max(sizes[g], 1) for g in group], dtype=np.float32)
        c = (model.centroids_[rows] * w[:, None]).sum(axis=0)
        model.centroids_[rows[0]] = c / max(float(np.linalg.norm(c)), 1e-12)
        by_size = sorted(group, key=lambda g: -sizes[g])
        kws: list[str] = []
        for g in by_size:
            kws += [k for k in model.keywords_.get(g, []) if k not in kws]
        model.keywords_[keep] = kws[:len(model.keywords_.get(keep, [])) or 10]
        reps: list[str] = []
        for g in by_size:
            reps += [d for d in info.at[g, "representative_docs"] if d not in reps]
        info.at[keep, "representative_docs"] = reps[:len(info.at[keep, "representative_docs"]) or 3]
        info.at[keep, "keywords"] = model.keywords_[keep]
        info.at[keep, "size"] = sum(sizes[g] for g in group)
        sizes[keep] = int(info.at[keep, "size"])
        for g in group[1:]:
            merged_into[g] = keep
            for k, v in list(merged_into.items()):
                if v == g:
                    merged_into[k] = keep
            keep_mask = model.topic_ids_ != g
            model.centroids_ = model.centroids_[keep_mask]
            model.topic_ids_ = model.topic_ids_[keep_mask]
            model.keywords_.pop(g, None)
            model.labels_.pop(g, None)
            info = info.drop(index=g)
            ids.remove(g)
            if getattr(model, "topics_", None) is not None:
                model.topics_[model.topics_ == g] = keep
    for tid, name in labels.names.items():
        tid = merged_into.get(tid, tid)
        clash = [t for t, label in model.labels_.items() if label == name and t != tid]
        for t in clash:  # a generated label equal to a chosen name: the person's name wins
            model.labels_[t] = f"{model.labels_[t]} ({t})"
        model.labels_[tid] = name
        info.at[tid, "label"] = name
    model.merged_ = merged_into
    model.labels_file_ = labels.path
    model.topic_info_ = info.reset_index().astype({"topic_id": "int32", "size": "int64"})
    model.notes_.append(f"topic labels from {labels.path}: {len(labels.names)} named, "
                        f"{sum(len(v) for v in labels.merges.values())} merged")
    return model


def labels_template(model: Any) -> str:
    """A labels YAML listing every topic of ``model`` with its current label, for a person to edit."""
    lines = ["# Topic labels: rename a topic by editing its name; merge topics with `merge: [ids]`.",
             "# Apply with `voc topics label MODEL_DIR THIS_FILE` or topics.labels in the pipeline config.",
             "version: 1", "topics:"]
    info = model.topic_info_.set_index("topic_id")
    for t in model.topic_ids_.tolist():
        size = int(info["size"].get(t, 0))
        name = yaml.safe_dump(model.labels_[int(t)], default_style=None).strip().removesuffix("...").strip()
        lines.append(f"  {int(t)}: {name}"
                     f"    # {size} docs; {', '.join(model.keywords_.get(int(t), [])[:5])}")
    return "\n".join(lines) + "\n"


def merged_map(meta: Mapping[str, Any]) -> dict[int, int]:
    return {int(k): int(v) for k, v in (meta.get("merged") or {}).items()}
