"""Evaluation recipes for intent classifiers (used by `voc eval intents`, `voc intents train --cv`)."""
from __future__ import annotations

import time
from typing import Any, Callable, Optional, Sequence

import numpy as np

from voc.nlp.evaluation import classification_report, confusion_pairs, cross_validate, open_set_report
from voc.nlp.intent.classifier import OOS_LABELS, IntentClassifier


def evaluate_predictions(y_true: Sequence[str], labels: Sequence[str], conf: Sequence[float], *,
                         unknown: str = "unknown", threshold: Optional[float] = None) -> dict[str, Any]:
    """Report over in-scope items plus, when some true labels are out of scope, OOS figures."""
    yt = np.asarray([unknown if v in OOS_LABELS else v for v in y_true], dtype=object)
    yp = np.asarray(labels, dtype=object)
    rep = classification_report(yt, yp)
    rep["confusion_pairs"] = confusion_pairs(yt, yp)
    if (yt == unknown).any() or (yp == unknown).any():
        rep.update(open_set_report(yt, yp, unknown=unknown))
    if threshold is not None:
        rep["threshold"] = float(threshold)
    rep["mean_confidence"] = float(np.mean(conf)) if len(conf) else float("nan")
    return rep


def cv_intents(texts: Sequence[str], labels: Sequence[str], *, params: dict[str, Any], k: int = 5, seed: int = 42,
               folds: Optional[int] = None, fit_threshold: bool = False,
               log: Optional[Callable[[str], None]] = None) -> dict[str, Any]:
    """Stratified k-fold CV of IntentClassifier(**params). Figures are closed-set (argmax, as published
    Banking77 results are). With ``fit_threshold`` each fold also fits its held-out threshold (a second
    fit per fold) and reports coverage and accuracy of the answered items at that threshold."""
    txt = np.asarray(list(texts), dtype=object)
    y = np.asarray(list(labels), dtype=object)
    at_thr: list[dict[str, float]] = []

    def fit_predict(tr: np.ndarray, te: np.ndarray) -> list[str]:
        p = {**params, "seed": seed}
        if not fit_threshold:
            p.update(holdout=0.0, threshold=0.0)
        clf = IntentClassifier(**p).fit(txt[tr].tolist(), y[tr].tolist())
        lab, conf = clf.predict(txt[te].tolist(), threshold=0.0)
        if not fit_threshold:
            return lab.tolist()
        kept = conf >= clf.threshold_
        at_thr.append({"threshold": clf.threshold_, "coverage": float(kept.mean()),
                       "accuracy_answered": float((lab[kept] == y[te][kept]).mean()) if kept.any() else float("nan")})
        return lab.tolist()

    def on_fold(i: int, rep: dict[str, Any]) -> None:
        if log is not None:
            log(f"fold {i + 1}/{k}: accuracy {rep['accuracy']:.4f} macro-F1 {rep['macro_f1']:.4f} ({rep['seconds']:.0f}s)")

    res = cross_validate(fit_predict, y, k=k, seed=seed, folds=folds, on_fold=on_fold)
    for f, extra in zip(res["folds"], at_thr):  # empty unless fit_threshold
        f.update(extra)
    res.pop("oof_pred", None)
    res["params"] = {k_: v for k_, v in params.items() if k_ != "embed"}
    return res


def evaluate_clinc(splits: dict, *, clf: Optional[Any] = None, params: Optional[dict[str, Any]] = None,
                   log: Optional[Callable[[str], None]] = None) -> dict[str, Any]:
    """Train on train (+ oos_train for the threshold) unless a fitted ``clf`` is given; evaluate on
    val + oos_val: in-scope accuracy and OOS recall at the threshold, plus closed-set accuracy."""
    t0 = time.perf_counter()
    if clf is None:
        tr = splits["train"]
        texts, labels = list(tr.texts), list(tr.labels)
        if "oos_train" in splits:
            texts += splits["oos_train"].texts
            labels += splits["oos_train"].labels
        clf = IntentClassifier(**(params or {})).fit(texts, labels, source=tr.path)
        if log:
            log(f"trained on {clf.n_train_} in-scope + {clf.n_oos_train_} out-of-scope items in {time.perf_counter() - t0:.0f}s")
    val = splits["val"]
    texts, y = list(val.texts), list(val.labels)
    if "oos_val" in splits:
        texts += splits["oos_val"].texts
        y += splits["oos_val"].labels
    unknown = getattr(clf, "unknown_label", getattr(clf, "unknown_label_", "unknown"))
    labels, conf = clf.predict(texts)
    rep = evaluate_predictions(y, labels, conf, unknown=unknown, threshold=clf.threshold_)
    ins = np.asarray([v not in OOS_LABELS for v in y])
    closed, _ = clf.predict([t for t, i in zip(texts, ins) if i], threshold=0.0)
    rep["in_scope_accuracy_closed_set"] = float(np.mean(np.asarray(closed, dtype=object) == np.asarray(y, dtype=object)[ins]))
    rep["seconds"] = round(time.perf_counter() - t0, 1)
    return rep
