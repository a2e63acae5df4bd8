"""The saved form of an IntentClassifier: a folder, written atomically.

    meta.json     format, format_version, voc_version, embedding model id, labels, threshold,
                  temperature, training size and class counts, held-out and CV figures, parameters
    weights.npz   coef, intercept (+ tfidf_vocab, tfidf_idf, tfidf_coef, tfidf_intercept): plain arrays,
                  no pickle
    encoder/      the fine-tuned sentence encoder (only with --finetune)

Loading checks format_version (E205 when this voc cannot read it) and that the embedding model
is the one the classifier was trained on (E202 otherwise). Format 1 (voc 0.1.0 before the late-fused
n-gram head) is still read when it holds the embedding head alone.
"""
from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

import numpy as np

import voc
from voc.config import EmbedConfig
from voc.datasets import atomic_dir
from voc.errors import Errors, VocError
from voc.nlp.embed.resolve import DEFAULT_MODEL, model_id_for
from voc.nlp.intent import features

if TYPE_CHECKING:  # pragma: no cover
    from voc.nlp.intent.classifier import IntentClassifier

FORMAT = "voc-intent-classifier"
FORMAT_VERSION = 2
READABLE_VERSIONS = (1, 2)
ENCODER_DIR = "encoder"


def save(clf: "IntentClassifier", path: Path) -> Path:
    finetuned = clf.encoder_dir_ is not None
    embed_model = ENCODER_DIR if finetuned else clf.embed_config_.model
    meta: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "voc_version": voc.__version__,
        "created_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "embedding_model": clf.model_id_,
        "embed_model_path": embed_model,
        "finetuned": finetuned,
        "labels": [str(c) for c in clf.classes_],
        "unknown_label": clf.unknown_label,
        "threshold": clf.threshold_,
        "temperature": clf.temperature_,
        "feature_set": clf.feature_set,
        "tfidf_weight": clf.tfidf_weight_,
        "n_train": clf.n_train_,
        "n_oos_train": clf.n_oos_train_,
        "class_counts": clf.class_counts_,
        "holdout": clf.holdout_,
        "cv": clf.cv_,
        "fit_seconds": clf.fit_seconds_,
        "params": clf._params(),
        "ood_rule": None if getattr(clf, "ood_rule_", None) is None else
                    {"weight": clf.ood_rule_.weight, "threshold": clf.ood_rule_.threshold, "norm": list(clf.ood_rule_.norm)},
    }
    arrays = {"coef": clf.coef_, "intercept": clf.intercept_}
    if clf.tfidf_ is not None:
        arrays["tfidf_vocab"], arrays["tfidf_idf"] = features.tfidf_to_arrays(clf.tfidf_)
        arrays["tfidf_coef"], arrays["tfidf_intercept"] = clf.tfidf_coef_, clf.tfidf_intercept_
    if getattr(clf, "distance_", None) is not None:
        arrays["ood_means"], arrays["ood_precision"] = clf.distance_.means, clf.distance_.precision
    with atomic_dir(path, dataset="intent model") as tmp:
        np.savez_compressed(tmp / "weights.npz", **arrays)
        if finetuned:
            shutil.copytree(clf.encoder_dir_, tmp / ENCODER_DIR)
        (tmp / "meta.json").write_text(json.dumps(meta, indent=2, default=str), encoding="utf-8")
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


def load(cls: type, path: Path, *, embed: Optional[EmbedConfig] = None) -> "IntentClassifier":
    meta = read_meta(path)
    try:
        with np.load(path / "weights.npz", allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
    except (OSError, ValueError) as e:
        raise VocError(Errors.E202, name=str(path), detail=f"weights.npz is unreadable ({e})") from None
    params = dict(meta.get("params") or {})
    params["oos_labels"] = tuple(params.get("oos_labels") or ())
    known = set(cls.__init__.__code__.co_varnames)
    clf = cls(**{k: v for k, v in params.items() if k in known})
    model = meta["embed_model_path"]
    model_path = str(path / ENCODER_DIR) if model == ENCODER_DIR else model
    clf.embed_config_ = (embed or EmbedConfig()).model_copy(update={"model": model_path})
    found_id = model_id_for(model_path) if model != DEFAULT_MODEL else DEFAULT_MODEL
    if found_id != meta["embedding_model"]:
        raise VocError(Errors.E202, name=str(path),
                       detail=f"it was trained on embedding model {meta['embedding_model']}, but {model_path} is now {found_id}")
    clf.embed = clf.embed_config_
    clf.model_id_ = found_id
    clf.encoder_dir_ = None
    clf.classes_ = np.asarray(meta["labels"], dtype=object)
    clf.threshold_ = float(meta["threshold"])
    clf.temperature_ = float(meta["temperature"])
    clf.coef_ = arrays["coef"]
    clf.intercept_ = arrays["intercept"]
    if clf.coef_.shape[0] != len(clf.classes_):
        raise VocError(Errors.E202, name=str(path), detail=f"weights have {clf.coef_.shape[0]} "
                                                           f"classes, meta.json {len(clf.classes_)}")
    clf.tfidf_ = clf.tfidf_coef_ = clf.tfidf_intercept_ = None
    weight = meta.get("tfidf_weight")
    clf.tfidf_weight_ = 1.0 if weight is None else float(weight)   # 0 is a valid weight
    if "tfidf_vocab" in arrays:
        clf.tfidf_ = features.tfidf_from_arrays(arrays["tfidf_vocab"], arrays["tfidf_idf"])
        clf.tfidf_coef_, clf.tfidf_intercept_ = arrays["tfidf_coef"], arrays["tfidf_intercept"]
        if clf.tfidf_coef_.shape != (len(clf.classes_), len(clf.tfidf_.vocabulary_)):
            raise VocError(Errors.E202, name=str(path), detail=f"n-gram weights have shape {clf.tfidf_coef_.shape}, expected "
                                                               f"{(len(clf.classes_), len(clf.tfidf_.vocabulary_))}")
    clf.n_train_ = int(meta.get("n_train", 0))
    clf.n_oos_train_ = int(meta.get("n_oos_train", 0))
    clf.class_counts_ = meta.get("class_counts") or {}
    clf.holdout_ = meta.get("holdout") or {}
    clf.cv_ = meta.get("cv")
    clf.fit_seconds_ = meta.get("fit_seconds")
    clf.ood_rule_ = clf.distance_ = None
    rule = meta.get("ood_rule")
    if rule and "ood_means" in arrays:
        from voc.nlp.intent.ood import DistanceScorer, OodRule

        clf.ood_rule_ = OodRule(float(rule["weight"]), float(rule["threshold"]), tuple(float(v) for v in rule["norm"]))
        clf.distance_ = DistanceScorer(arrays["ood_means"], arrays["ood_precision"])
    clf.meta_ = meta
    return clf
