"""The saved form of an IntentClassifier: a folder, written atomically.

    meta.json     format, format_version, voc_version, created_at, the embedding model (id and path) and
                  the precision its training vectors were made in (``embed_precision``: fp32, int8 or fp16;
                  absent from older artifacts: read as unknown), ``params`` (the estimator's get_params(), the
                  encoder aside) and ``fitted`` (its fitted state, IntentClassifier.fitted_state(): one entry
                  per attribute, each tagged with how it is stored)
    weights.npz   the fitted arrays (coef, intercept, tfidf_vocab, tfidf_idf, tfidf_coef, ...): plain
                  arrays, no pickle
    encoder/      the fine-tuned sentence encoder (only with --finetune)

Reading rebuilds the estimator with IntentClassifier.from_fitted(params, state), the one place that
knows its fitted attributes. Loading checks format_version (E205 when this voc cannot read it) and
that the embedding model is the one the classifier was trained on (E202 otherwise); a run that encodes
in another precision than the recorded one is judged by voc.nlp.intent.precision (E209). Older formats are
still read (the precision unknown): format 2 (voc 0.1.0, fixed keys per attribute) and format 1 when it holds the embedding
head alone.
"""
from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

import voc
from voc.config import EmbedConfig
from voc.datasets import atomic_dir
from voc.errors import Errors, VocError
from voc.nlp.embed.resolve import DEFAULT_MODEL, model_id_for
from voc.nlp.intent import features
from voc.nlp.intent.ensemble import StackedHeads
from voc.nlp.intent.ood import DistanceScorer, OodRule

if TYPE_CHECKING:  # pragma: no cover
    from voc.nlp.intent.classifier import IntentClassifier

FORMAT = "voc-intent-classifier"
PRECISIONS = ("fp32", "int8", "fp16")   # what an encoder precision resolves to (voc.nlp.embed.resolve.resolve_precision)
FORMAT_VERSION = 3
READABLE_VERSIONS = (1, 2, 3)
ENCODER_DIR = "encoder"
# The encoder reference is resolved against this machine on load, not stored as a value; the training precision
# is stored beside it in meta.json (embed_precision), not among the fitted values.
_ENCODER_STATE = ("embed_config_", "model_id_", "embed_precision_", "encoder_dir_")


# -- one fitted attribute <-> a JSON entry (+ arrays) -------------------------------------------------
def _encode(name: str, value: Any, arrays: dict[str, np.ndarray]) -> dict[str, Any]:
    key = name.rstrip("_")
    if isinstance(value, np.ndarray):
        if value.dtype == object or value.dtype.kind in "US":
            return {"strings": [str(v) for v in value]}
        arrays[key] = value
        return {"array": key}
    if isinstance(value, TfidfVectorizer):
        arrays[f"{key}_vocab"], arrays[f"{key}_idf"] = features.tfidf_to_arrays(value)
        return {"tfidf": key}
    if isinstance(value, DistanceScorer):
        arrays[f"{key}_means"], arrays[f"{key}_precision"] = value.means, value.precision
        return {"distance": key}
    if isinstance(value, StackedHeads):
        arrays.update(value.to_arrays(prefix=f"{key}_"))
        return {"stacked": {"prefix": f"{key}_", "params": json.loads(json.dumps(value.get_params(), default=_plain))}}
    if isinstance(value, OodRule):
        return {"ood_rule": {"weight": value.weight, "threshold": value.threshold, "norm": list(value.norm)}}
    if value is None or isinstance(value, (bool, int, float, str, dict, list)):
        # numpy scalars (e.g. in cv_) become Python numbers; anything JSON cannot hold fails here, at save
        return {"value": json.loads(json.dumps(value, default=_plain))}
    raise TypeError(f"fitted attribute {name} of type {type(value).__name__} has no saved form")


def _plain(v: Any) -> Any:
    if isinstance(v, np.generic):
        return v.item()
    raise TypeError(f"{type(v).__name__} is not JSON")


def _decode(entry: dict[str, Any], arrays: dict[str, np.ndarray]) -> Any:
    if not isinstance(entry, dict) or len(entry) != 1:
        raise ValueError(f"an entry {entry!r} is not one tagged value")
    (kind, v), = entry.items()
    if kind == "value":
        return v
    if kind == "strings":
        return np.asarray(v, dtype=object)
    if kind == "array":
        return arrays[v]
    if kind == "tfidf":
        return features.tfidf_from_arrays(arrays[f"{v}_vocab"], arrays[f"{v}_idf"])
    if kind == "distance":
        return DistanceScorer(arrays[f"{v}_means"], arrays[f"{v}_precision"])
    if kind == "stacked":
        params = {k: (tuple(x) if isinstance(x, list) else x) for k, x in v["params"].items()}
        return StackedHeads.from_arrays(params, arrays, prefix=v["prefix"])
    if kind == "ood_rule":
        return OodRule(float(v["weight"]), float(v["threshold"]), tuple(float(x) for x in v["norm"]))
    raise ValueError(f"unknown kind of saved value {kind!r}")


def save(clf: "IntentClassifier", path: Path) -> Path:
    state = clf.fitted_state()
    finetuned = state["encoder_dir_"] is not None
    arrays: dict[str, np.ndarray] = {}
    fitted = {name: _encode(name, value, arrays) for name, value in state.items() if name not in _ENCODER_STATE}
    params = {k: (list(v) if isinstance(v, tuple) else v) for k, v in clf.get_params(deep=False).items() if k != "embed"}
    meta: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "voc_version": voc.__version__,
        "created_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "embedding_model": state["model_id_"],
        "embed_model_path": ENCODER_DIR if finetuned else state["embed_config_"].model,
        "embed_precision": state["embed_precision_"],
        "finetuned": finetuned,
        "params": params,
        "fitted": fitted,
    }
    with atomic_dir(path, dataset="intent model") as tmp:
        np.savez_compressed(tmp / "weights.npz", **arrays)
        if finetuned:
            shutil.copytree(state["encoder_dir_"], tmp / ENCODER_DIR)
        (tmp / "meta.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
    return path


def read_meta(path: Path) -> dict[str, Any]:
    mp = path / "meta.json"
    if not path.is_dir() or not mp.is_file():
        raise VocError(Errors.E201, path=str(path))
    try:
        meta = json.loads(mp.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise VocError(Errors.E202, name=str(path), detail=f"meta.json is unreadable ({e})") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        found = meta.get("format") if isinstance(meta, dict) else type(meta).__name__
        raise VocError(Errors.E205, path=str(path), found=f"format {found!r}", expected=f"format {FORMAT!r}")
    old_tfidf = meta.get("format_version") == 1 and meta.get("feature_set", "embedding") != "embedding"
    if meta.get("format_version") not in READABLE_VERSIONS or old_tfidf:
        raise VocError(Errors.E205, path=str(path), expected=f"format_version {FORMAT_VERSION}",
                       found=f"format_version {meta.get('format_version')!r}, voc {meta.get('voc_version', '?')}")
    return meta


def _state_format_2(meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(params, fitted state) of a format 1 or 2 artifact, whose meta.json had one fixed key per attribute."""
    params = dict(meta.get("params") or {})
    weight = meta.get("tfidf_weight")
    rule = meta.get("ood_rule")
    has_tfidf = "tfidf_vocab" in arrays
    has_ood = bool(rule) and "ood_means" in arrays
    state = {
        "classes_": np.asarray(meta["labels"], dtype=object),
        "temperature_": float(meta["temperature"]),
        "threshold_": float(meta["threshold"]),
        "tfidf_weight_": 1.0 if weight is None else float(weight),   # 0 is a valid weight
        "coef_": arrays["coef"],
        "intercept_": arrays["intercept"],
        "tfidf_": features.tfidf_from_arrays(arrays["tfidf_vocab"], arrays["tfidf_idf"]) if has_tfidf else None,
        "tfidf_coef_": arrays["tfidf_coef"] if has_tfidf else None,
        "tfidf_intercept_": arrays["tfidf_intercept"] if has_tfidf else None,
        "ood_rule_": _decode({"ood_rule": rule}, arrays) if has_ood else None,
        "distance_": DistanceScorer(arrays["ood_means"], arrays["ood_precision"]) if has_ood else None,
        "holdout_": meta.get("holdout") or {},
        "n_train_": int(meta.get("n_train", 0)),
        "n_oos_train_": int(meta.get("n_oos_train", 0)),
        "class_counts_": meta.get("class_counts") or {},
        "cv_": meta.get("cv"),
        "fit_seconds_": meta.get("fit_seconds"),
        "stacked_": None,   # the stacked heads came with format 3
    }
    # the feature set of an artifact written before "stacked" became the default: what its arrays hold
    params.setdefault("feature_set", "embedding+tfidf" if has_tfidf else "embedding")
    return params, state


def load(cls: type, path: Path, *, embed: Optional[EmbedConfig] = None) -> "IntentClassifier":
    meta = read_meta(path)
    try:
        with np.load(path / "weights.npz", allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
    except (OSError, ValueError) as e:
        raise VocError(Errors.E202, name=str(path), detail=f"weights.npz is unreadable ({e})") from None
    model = meta["embed_model_path"]
    model_path = str(path / ENCODER_DIR) if model == ENCODER_DIR else model
    found_id = model_id_for(model_path) if model != DEFAULT_MODEL else DEFAULT_MODEL
    if found_id != meta["embedding_model"]:
        raise VocError(Errors.E202, name=str(path),
                       detail=f"it was trained on embedding model {meta['embedding_model']}, but {model_path} is now {found_id}")
    try:
        if meta["format_version"] >= 3:
            params = dict(meta["params"])
            state = {name: _decode(entry, arrays) for name, entry in meta["fitted"].items()}
        else:
            params, state = _state_format_2(meta, arrays)
    except (KeyError, TypeError, ValueError) as e:
        raise VocError(Errors.E202, name=str(path),
                       detail=f"meta.json and weights.npz do not match ({type(e).__name__}: {e})") from None
    embed_config = (embed or EmbedConfig()).model_copy(update={"model": model_path})
    params = {k: (tuple(v) if isinstance(v, list) else v) for k, v in params.items()} | {"embed": embed_config}
    precision = meta.get("embed_precision")   # None: an artifact written before voc recorded it
    state |= {"embed_config_": embed_config, "model_id_": found_id,
              "embed_precision_": precision if precision in PRECISIONS else None,
              "encoder_dir_": path / ENCODER_DIR if model == ENCODER_DIR else None}
    try:
        return cls.from_fitted(params, state)
    except ValueError as e:
        raise VocError(Errors.E202, name=str(path), detail=str(e)) from None
