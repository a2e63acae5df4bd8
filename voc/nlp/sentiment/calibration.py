"""Class-prior calibration of the trained sentiment classifier: a bias added to the negative and
positive logits (neutral is the reference, 0), chosen on out-of-fold logits of the training data.

Why: for a support leader "negative" is a complaint, and a missed complaint costs more than a
neutral message read as negative. The bias with the best macro-averaged recall is searched among
those whose negative recall reaches a floor (``negative_recall_floor``); when the floor binds, it
buys negative recall with neutral recall, and the out-of-fold figures before and after are kept in
the artifact so the trade is visible. A bias on the logits is the same as re-weighting the class
priors, so probabilities stay a proper distribution.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from voc.nlp.sentiment.base import LABELS

BIAS_GRID: tuple[float, ...] = tuple(float(v) for v in np.round(np.arange(-2.0, 2.0001, 0.05), 2))


def recalls(y_idx: np.ndarray, pred_idx: np.ndarray) -> dict[str, float]:
    """Recall of each class (``LABELS`` order; NaN for a class absent from ``y_idx``) and their mean ("macro")."""
    y_idx, pred_idx = np.asarray(y_idx), np.asarray(pred_idx)
    out = {lab: float((pred_idx[y_idx == i] == i).mean()) if (y_idx == i).any() else float("nan")
           for i, lab in enumerate(LABELS)}
    out["macro"] = float(np.nanmean([out[lab] for lab in LABELS]))
    return out


def choose_class_bias(logits: np.ndarray, y_idx: np.ndarray, *, negative_recall_floor: float = 0.0,
                      grid: Sequence[float] = BIAS_GRID) -> np.ndarray:
    """(3,) bias [b_negative, 0, b_positive] from ``grid`` x ``grid``: the best macro-recall of
    argmax(logits + bias) among the biases whose negative recall is >= ``negative_recall_floor``
    (ties: the smallest |b_negative| + |b_positive|, so no evidence means no bias). When no bias on
    the grid reaches the floor, the one with the highest negative recall (then macro-recall)."""
    L = np.asarray(logits, dtype=np.float64)
    y = np.asarray(y_idx)
    g = np.asarray(grid, dtype=np.float64)
    masks = [y == i for i in range(3)]
    present = [i for i in range(3) if masks[i].any()]
    best_key, best = None, np.zeros(3)
    for bn in g:
        neg = L[:, 0] + bn
        for bp in g:
            pos = L[:, 2] + bp
            # argmax with numpy's tie rule (the first of equal maxima): negative, then neutral, then positive
            pred = np.where((neg >= L[:, 1]) & (neg >= pos), 0, np.where(L[:, 1] >= pos, 1, 2))
            r = [float((pred[masks[i]] == i).mean()) for i in present]
            macro = float(np.mean(r))
            neg_rec = float((pred[masks[0]] == 0).mean()) if masks[0].any() else 1.0
            reached = neg_rec + 1e-12 >= negative_recall_floor
            key = (reached, macro if reached else neg_rec, macro, -(abs(bn) + abs(bp)))
            if best_key is None or key > best_key:
                best_key, best = key, np.array([bn, 0.0, bp])
    return best
