"""Suggest an intent taxonomy from the topics of unlabelled contacts (`voc intents suggest`).

The path for a team without labelled data: discover the topics of its own contacts, write them
as a taxonomy in the format of voc/nlp/intent/taxonomy.yaml (name, description, example phrases),
let a person rename, merge and delete entries, then use it for zero-shot intents
(``intent.taxonomy: taxonomy.yaml``).

Per discovered topic (the 'unassigned' outliers are never an intent):

* ``name``: the topic label as a snake_case identifier ("card payment · pending" ->
  ``card_payment_pending``), made unique;
* ``description``: "The customer writes about <the label's keywords>." -- a placeholder for the person
  to rewrite (the zero-shot classifier embeds it as one more example);
* ``examples``: the topic's ``n_examples`` distinct contacts closest to its centroid, in the
  customers' own (redacted) words, cut at ``max_example_chars``.

``threshold`` is set so that ``unknown_share`` (5% by default) of the contacts the taxonomy was
suggested from fall below it when the suggested taxonomy is applied to them: a number calibrated
on the user's own data, not one carried over from another domain.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Optional, Sequence

import numpy as np
import yaml

from voc.config import EmbedConfig, TopicsConfig
from voc.nlp.topics.labels import SEPARATOR
from voc.nlp.topics.model import TopicModel, representative_docs

DEFAULT_UNKNOWN_SHARE = 0.05


@dataclass
class Suggestion:
    data: dict[str, Any]          # the taxonomy mapping (parse_taxonomy accepts it)
    sizes: dict[str, int]         # intent name -> contacts of the source corpus in its topic
    keywords: dict[str, list[str]]
    model: TopicModel
    n_docs: int


def slug(label: str) -> str:
    s = re.sub(r"[^0-9a-z]+", "_", label.replace(SEPARATOR, " ").lower()).strip("_")
    return s or "topic"


def _examples(docs: Sequence[str], k: int, max_chars: int) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    for d in docs:
        d = " ".join(str(d).split())
        if len(d) > max_chars:
            d = d[:max_chars].rsplit(" ", 1)[0] + " ..."
        key = d.lower()
        if d and key not in seen:
            seen.add(key)
            out.append(d)
        if len(out) == k:
            break
    return out


def suggest_taxonomy(texts: Sequence[str], embeddings: np.ndarray, *, topics: Optional[TopicsConfig] = None,
                     embed: Optional[EmbedConfig] = None, n_examples: int = 8, max_example_chars: int = 240,
                     unknown_share: float = DEFAULT_UNKNOWN_SHARE, name: str = "suggested") -> Suggestion:
    """Fit a topic model on ``texts`` (redacted customer texts) and turn its topics into a taxonomy."""
    texts = [str(t) for t in texts]
    from voc.nlp.embed import get_embedder

    model = TopicModel(topics or TopicsConfig()).fit(texts, embeddings, embed_fn=get_embedder(embed or EmbedConfig()).encode)
    ids = model.topic_ids_.tolist()
    if not ids:
        raise ValueError("; ".join(model.notes_) or "no topic was found")
    x = np.asarray(embeddings, dtype=np.float32)
    x = x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)
    reps = representative_docs(texts, x, model.topics_, ids, model.centroids_, k=n_examples * 3)
    sizes = {int(t): int(np.sum(model.topics_ == t)) for t in ids}
    intents, out_sizes, out_kw = [], {}, {}
    used: set[str] = set()
    for t in sorted(ids, key=lambda t: (-sizes[t], t)):
        examples = _examples(reps.get(t, []), n_examples, max_example_chars)
        if not examples:
            continue
        base = slug(model.labels_[t])
        nm, j = base, 2
        while nm in used or nm == "unknown":
            nm, j = f"{base}_{j}", j + 1
        used.add(nm)
        kws = [k for k in model.labels_[t].split(SEPARATOR) if k][:3] or model.keywords_.get(t, [])[:3]
        about = ", ".join(kws[:-1]) + " or " + kws[-1] if len(kws) > 1 else (kws[0] if kws else nm.replace("_", " "))
        desc = f"The customer writes about {about}."
        intents.append({"name": nm, "description": desc, "examples": examples})
        out_sizes[nm] = sizes[t]
        out_kw[nm] = model.keywords_.get(t, [])
    data: dict[str, Any] = {"version": 1, "name": name, "unknown_label": "unknown", "threshold": None, "intents": intents}
    data["threshold"] = calibrate_threshold(data, x, embed=embed, unknown_share=unknown_share)
    return Suggestion(data=data, sizes=out_sizes, keywords=out_kw, model=model, n_docs=len(texts))


def calibrate_threshold(data: dict[str, Any], embeddings: np.ndarray, *, embed: Optional[EmbedConfig] = None,
                        unknown_share: float = DEFAULT_UNKNOWN_SHARE) -> float:
    """The zero-shot threshold below which ``unknown_share`` of ``embeddings`` fall under this taxonomy."""
    from voc.nlp.intent.taxonomy import parse_taxonomy
    from voc.nlp.intent.zero_shot import ZeroShotIntentClassifier

    clf = ZeroShotIntentClassifier(parse_taxonomy({**data, "threshold": None}), embed=embed).fit()
    best = clf.scores(embeddings).max(axis=1)
    return round(float(np.clip(np.quantile(best, unknown_share), 0.0, 1.0)), 3)


def taxonomy_yaml(s: Suggestion, *, source: str = "") -> str:
    """The suggestion as a commented YAML file a person edits (same format as voc's taxonomy.yaml)."""
    d = s.data
    lines = [
        f"# Intent taxonomy suggested by `voc intents suggest` from {s.n_docs:,} contacts{f' in {source}' if source else ''}.",
        "# Each intent is a topic found in those contacts; its examples are the contacts closest to the topic's centre.",
        "# Edit before use: rename intents, rewrite descriptions, delete or merge intents (move the examples),",
        "# then point intent.taxonomy at this file (`voc eval intents DATA --zero-shot --taxonomy FILE` measures it).",
        f"version: {d['version']}",
        f"name: {yaml.safe_dump(d['name'], width=10_000).splitlines()[0]}",
        f"unknown_label: {d['unknown_label']}",
        f"# Calibrated on the same contacts: {DEFAULT_UNKNOWN_SHARE:.0%} of them score below it ('unknown').",
        f"threshold: {d['threshold']}",
        "intents:",
    ]
    total = max(s.n_docs, 1)
    for it in d["intents"]:
        n = s.sizes.get(it["name"], 0)
        body = yaml.safe_dump([it], sort_keys=False, allow_unicode=True, width=10_000).rstrip("\n").splitlines()
        lines.append(f"  # {n:,} contacts ({n / total:.1%}); keywords: {', '.join(s.keywords.get(it['name'], [])[:8])}")
        lines += ["  " + ln for ln in body]
    return "\n".join(lines) + "\n"
