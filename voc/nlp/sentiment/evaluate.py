"""Evaluation of sentiment backends on labelled data, with the TweetEval metric (macro-averaged recall)
first, then accuracy, macro-F1, per-class figures and the most frequent confusions.

The trained backend is never scored on texts it was trained on: when any evaluation text is among
the artifact's training texts (recognised by their hashes), the evaluation switches to k-fold
cross-validation of the training recipe on the evaluation data (out-of-fold predictions), and the
report says so in ``protocol``.
"""
from __future__ import annotations

import time
from typing import Any, Optional

import numpy as np

from voc.config import EmbedConfig, SentimentConfig
from voc.nlp.sentiment.auto import make_backend
from voc.nlp.sentiment.base import LABELS
from voc.nlp.sentiment.data import SentimentData, text_hash

REFERENCE = {"model": "RoBERTa-base (Barbieri et al. 2020, TweetEval)", "split": "TweetEval sentiment test",
             "macro_recall": 0.713}


def _report(y: list[str], pred: list[str]) -> dict[str, Any]:
    from voc.nlp.evaluation import classification_report, confusion_pairs

    rep = classification_report(y, pred, labels=list(LABELS))
    rep["confusion_pairs"] = confusion_pairs(y, pred, top=6)
    return rep


def training_overlap(data: SentimentData, artifact: dict[str, Any]) -> float:
    """Share of the evaluation texts that were in the artifact's training data."""
    seen = set(artifact.get("text_hashes") or [])
    if not seen or not data.texts:
        return 0.0
    return float(np.mean([text_hash(t) in seen for t in data.texts]))


def distant_overlap(data: SentimentData, artifact: dict[str, Any]) -> float:
    """Share of the evaluation texts that were among the artifact's distant-label training examples."""
    seen = {h for d in (artifact.get("trained_on") or {}).get("distant") or [] for h in d.get("text_hashes") or []}
    if not seen or not data.texts:
        return 0.0
    return float(np.mean([text_hash(t) in seen for t in data.texts]))


def _resolve_distant_path(path: str) -> str:
    """The recorded path when it exists from here, else the folder of the same name under $VOC_SHARED_DATA
    (the shipped model records ../shared/data/banking77, relative to the repository root)."""
    import os
    from pathlib import Path

    p = Path(path)
    shared = os.environ.get("VOC_SHARED_DATA")
    if not p.exists() and shared and (Path(shared) / p.name).exists():
        return str(Path(shared) / p.name)
    return path


def distant_extra(artifact: dict[str, Any], featurizer: Any) -> tuple[Any, list[str]]:
    """The artifact's distant-label examples, re-read from the paths it records and checked against its
    fingerprints, as ``train.Extra`` (None when it has none or one cannot be re-read), plus warnings."""
    from voc.errors import VocError
    from voc.nlp.sentiment.data import data_fingerprint
    from voc.nlp.sentiment.distant import distant_data, load_intent_mapping
    from voc.nlp.sentiment.train import Extra

    recs = (artifact.get("trained_on") or {}).get("distant") or []
    if not recs:
        return None, []
    texts: list[str] = []
    labels: list[str] = []
    mapping = load_intent_mapping()
    for r in recs:
        try:
            d = distant_data(_resolve_distant_path(str(r.get("path") or "")), mapping=mapping)
        except (VocError, KeyError) as e:
            return None, [f"the model was trained with distant labels from {r.get('path')!r}, which cannot be read here "
                          f"({e}); the cross-validation below uses the labelled data only, so it is not the model's recipe"]
        if data_fingerprint(d.texts, d.labels) != r.get("fingerprint"):
            return None, [f"the distant labels read from {r['path']!r} differ from those the model was trained with (other "
                          "data or another intent mapping); the cross-validation below uses the labelled data only"]
        texts += d.texts
        labels += d.labels
    weights = {float(r["weight"]) for r in recs}
    return Extra(featurizer.transform(texts), labels, weights.pop()), []


def evaluate_backend(data: SentimentData, backend: str, *, config: Optional[SentimentConfig] = None,
                     embed: Optional[EmbedConfig] = None, k: int = 5, seed: int = 42) -> dict[str, Any]:
    """Evaluate one backend ('vader', 'trained', 'transformers', 'auto') on ``data``."""
    config = (config or SentimentConfig()).model_copy(update={"backend": backend})
    b = make_backend(config, embed=embed)
    t0 = time.perf_counter()
    extra: dict[str, Any] = {}
    if backend == "trained" or (backend == "auto" and b.chosen_.name == "trained"):  # type: ignore[attr-defined]
        tb = b if backend == "trained" else b.chosen_  # type: ignore[attr-defined]
        overlap = training_overlap(data, tb.artifact_)
        extra["training_overlap"] = round(overlap, 4)
        d_overlap = distant_overlap(data, tb.artifact_)
        if d_overlap > 0:
            extra["distant_overlap"] = round(d_overlap, 4)
            extra.setdefault("warnings", []).append(
                f"{d_overlap:.0%} of these texts were distant-label training examples of the model (problem/request "
                "intents of a support data set): figures on them are not held out")
        if overlap > 0:
            from voc.nlp.sentiment.train import C_GRID, check_counts, cross_validated_predictions

            check_counts(data.labels, k=k, path=data.source)
            X = tb.featurizer_.transform(data.texts)
            grid = tuple(tb.artifact_.get("C_grid") or C_GRID)  # the recipe that made this artifact
            floor = tb.artifact_["weights"].get("negative_recall_floor")  # the artifact's own calibration (None: none)
            d_extra, warns = distant_extra(tb.artifact_, tb.featurizer_)
            if warns:
                extra.setdefault("warnings", []).extend(warns)
            cv = cross_validated_predictions(X, data.labels, k=k, seed=seed, grid=grid, negative_recall_floor=floor,
                                             extra=d_extra)
            pred = list(cv["oof_pred"])
            if floor is not None:
                u = cv["uncalibrated"]
                extra["uncalibrated"] = {"macro_recall": u["macro_recall"], "accuracy": u["accuracy"],
                                         "per_class_recall": {c: u["per_class"][c]["recall"] for c in LABELS}}
                extra["bias_per_fold"] = cv["bias_per_fold"]
            inside = "C and the class-prior bias" if floor is not None else "C"
            extra["protocol"] = (f"stratified {k}-fold cross-validation, out-of-fold "
                                 f"predictions ({inside} chosen inside each fold): "
                                 f"{overlap:.0%} of these texts were in the model's training data, so it is never scored on them"
                                 + ("" if d_extra is None else
                                    f"; the model's {len(d_extra)} distant-label examples (weight {d_extra.weight:g}) are "
                                    "added to every training fold, as in its training"))
            extra["fold_macro_recall"] = [f["macro_recall"] for f in cv["folds"]]
            extra["C_per_fold"] = cv["C_per_fold"]
        else:
            pred = tb.predict(data.texts)
            extra["protocol"] = "held-out: the model's training data shares no text with these"
    else:
        pred = b.predict(data.texts)
        extra["protocol"] = "direct (the backend was not trained on these texts)"
    seconds = time.perf_counter() - t0
    rep = _report(data.labels, pred)
    rep["per_class_recall"] = {c: rep["per_class"][c]["recall"] for c in LABELS}
    info = b.info()
    return {"backend": info.get("backend", backend), "data": data.source, **extra, **rep,
            "seconds": round(seconds, 2), "texts_per_s": round(len(data) / seconds, 1) if seconds > 0 else None,
            "model": info.get("model")}
