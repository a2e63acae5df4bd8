"""Test-split figures of a scored target, each defined once:

  roc_auc            probability that a random positive journey scores above a random negative one
  pr_auc             average precision (area under the precision-recall curve); no skill = the positive rate
  brier              mean squared error of the probability (lower is better); no skill = p(1-p) at the prior
  lift_top_decile    positive rate among the 10% highest-scored test journeys / positive rate of all test journeys
  calibration        10 bins of equal size by score: mean predicted probability vs observed rate
"""
from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

MIN_EACH = 5   # positives and negatives needed in the test split for metrics


def lift_top_decile(y: np.ndarray, p: np.ndarray) -> float | None:
    if len(y) == 0 or y.mean() == 0:
        return None
    k = max(int(np.ceil(len(y) * 0.1)), 1)
    top = np.argsort(-p, kind="stable")[:k]
    return float(y[top].mean() / y.mean())


def calibration_bins(y: np.ndarray, p: np.ndarray, bins: int = 10) -> list[dict[str, Any]]:
    if len(y) == 0:
        return []
    order = np.argsort(p, kind="stable")
    out = []
    for i, part in enumerate(np.array_split(order, min(bins, len(y)))):
        if len(part):
            out.append({"bin": i + 1, "n": int(len(part)), "mean_predicted": round(float(p[part].mean()), 4),
                        "observed_rate": round(float(y[part].mean()), 4)})
    return out


def scores(y: np.ndarray, p: np.ndarray) -> dict[str, Any]:
    """roc_auc, pr_auc, brier, lift_top_decile on (labels, probabilities); None where undefined."""
    y = np.asarray(y, dtype=float)
    p = np.asarray(p, dtype=float)
    both = len(np.unique(y)) == 2
    return {
        "roc_auc": round(float(roc_auc_score(y, p)), 4) if both else None,
        "pr_auc": round(float(average_precision_score(y, p)), 4) if both else None,
        "brier": round(float(brier_score_loss(y, p)), 4) if len(y) else None,
        "lift_top_decile": None if not both else round(lift_top_decile(y, p), 3),
    }


def enough(y: np.ndarray) -> bool:
    y = np.asarray(y)
    return int((y == 1).sum()) >= MIN_EACH and int((y == 0).sum()) >= MIN_EACH
