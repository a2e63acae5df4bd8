"""Stratified k-fold cross-validation around any fit-and-predict function."""
from __future__ import annotations

import time
from typing import Any, Callable, Hashable, Optional, Sequence

import numpy as np
from sklearn.model_selection import StratifiedKFold

from voc.nlp.evaluation.metrics import classification_report, confusion_pairs

FitPredict = Callable[[np.ndarray, np.ndarray], Sequence[Hashable]]


def stratified_folds(y: Sequence[Hashable], k: int = 5, seed: int = 42) -> list[tuple[np.ndarray, np.ndarray]]:
    """The (train, test) index pairs of k stratified, shuffled folds of labels ``y``: the folds of
    ``cross_validate`` (and so of `voc eval intents --cv`) and of the benchmarks' CV scripts."""
    if k < 2:
        raise ValueError("k must be at least 2")
    y_arr = np.asarray([v.item() if hasattr(v, "item") else v for v in y], dtype=object)
    skf = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)
    return list(skf.split(np.zeros(len(y_arr)), y_arr.astype(str)))


def cross_validate(fit_predict: FitPredict, y: Sequence[Hashable], *, k: int = 5, seed: int = 42,
                   labels: Optional[Sequence[Hashable]] = None, folds: Optional[int] = None, start: int = 0,
                   on_fold: Optional[Callable[[int, dict[str, Any]], None]] = None) -> dict[str, Any]:
    """Run ``fit_predict(train_idx, test_idx) -> predictions for test_idx`` on k stratified folds.

    Returns per-fold reports, the mean and standard deviation of accuracy and macro-F1 over folds,
    the pooled out-of-fold report with its top confusion pairs, and the out-of-fold predictions.
    ``folds`` stops after that many folds (for a timed partial run) and ``start`` skips the folds
    before it (to resume a long run); ``on_fold`` is called after each.
    """
    y_arr = np.asarray([v.item() if hasattr(v, "item") else v for v in y], dtype=object)
    oof = np.empty(len(y_arr), dtype=object)
    done = np.zeros(len(y_arr), dtype=bool)
    reports: list[dict[str, Any]] = []
    for i, (tr, te) in enumerate(stratified_folds(y_arr, k, seed)):
        if folds is not None and i >= start + folds:
            break
        if i < start:
            continue
        t0 = time.perf_counter()
        pred = list(fit_predict(tr, te))
        if len(pred) != len(te):
            raise ValueError(f"fold {i}: fit_predict returned {len(pred)} predictions for {len(te)} items")
        oof[te] = np.asarray(pred, dtype=object)
        done[te] = True
        rep = classification_report(y_arr[te], pred, labels=labels)
        rep["seconds"] = round(time.perf_counter() - t0, 2)
        rep["fold"] = i
        reports.append(rep)
        if on_fold is not None:
            on_fold(i, rep)
    acc = np.array([r["accuracy"] for r in reports])
    mf1 = np.array([r["macro_f1"] for r in reports])
    pooled = classification_report(y_arr[done], oof[done], labels=labels)
    pooled["confusion_pairs"] = confusion_pairs(y_arr[done], oof[done])
    return {
        "k": k,
        "folds_run": len(reports),
        "seed": seed,
        "accuracy_mean": float(acc.mean()),
        "accuracy_std": float(acc.std(ddof=1)) if len(acc) > 1 else 0.0,
        "macro_f1_mean": float(mf1.mean()),
        "macro_f1_std": float(mf1.std(ddof=1)) if len(mf1) > 1 else 0.0,
        "folds": [{k_: v for k_, v in r.items() if k_ != "per_class"} for r in reports],
        "pooled": pooled,
        "oof_pred": oof.tolist(),
    }
