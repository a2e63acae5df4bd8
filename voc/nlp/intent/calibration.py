"""Probability calibration (temperature scaling) and the choice of the 'unknown' threshold."""
from __future__ import annotations

from typing import Optional

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax, softmax


def fit_temperature(logits: np.ndarray, y: np.ndarray) -> float:
    """The temperature T minimising the negative log-likelihood of softmax(logits / T) on held-out data
    (Guo et al. 2017). T > 1 softens over-confident probabilities."""
    logits = np.asarray(logits, dtype=np.float64)

    def nll(log_t: float) -> float:
        lp = log_softmax(logits / np.exp(log_t), axis=1)
        return float(-lp[np.arange(len(y)), y].mean())

    res = minimize_scalar(nll, bounds=(np.log(0.05), np.log(20.0)), method="bounded")
    return float(np.exp(res.x))


def probabilities(logits: np.ndarray, temperature: float) -> np.ndarray:
    return softmax(np.asarray(logits, dtype=np.float64) / temperature, axis=1)


def choose_threshold(conf_in: np.ndarray, correct_in: np.ndarray, conf_oos: Optional[np.ndarray] = None) -> float:
    """The confidence threshold below which a prediction becomes 'unknown', chosen on held-out data.

    With out-of-scope examples: maximise accuracy over held-out in-scope and out-of-scope items together,
    'unknown' being the right answer for the latter (so the OOS share the user supplied sets the trade;
    averaging in-scope accuracy and OOS recall instead over-weights a few OOS examples: on CLINC150 it
    cost 16 points of in-scope accuracy for 91% OOS recall). Without them: maximise the share of held-out items
    handled right, where a wrong prediction turned into 'unknown' counts as handled right, i.e. answer
    'unknown' where the model is more often wrong than right.
    """
    conf_in = np.asarray(conf_in, dtype=np.float64)
    correct_in = np.asarray(correct_in, dtype=bool)
    cands = np.unique(np.concatenate([[0.0], conf_in, conf_oos if conf_oos is not None else []]))
    best_t, best = 0.0, -1.0
    for t in cands:
        kept = conf_in >= t
        if conf_oos is not None and len(conf_oos):
            score = (np.sum(kept & correct_in) + np.sum(np.asarray(conf_oos) < t)) / (len(conf_in) + len(conf_oos))
        else:
            score = np.mean((kept & correct_in) | (~kept & ~correct_in))
        if score > best + 1e-12:
            best, best_t = score, float(t)
    return best_t
