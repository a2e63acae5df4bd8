"""Out-of-scope evidence beyond the classifier's confidence: distance to the training data.

A softmax is confident far from every class as long as one class is less far than the others, so
a confidence threshold alone lets many out-of-scope queries through (CLINC150 val: 58-68% OOS
recall at ~96% in-scope accuracy). The distance of the query's embedding to the training data is
evidence the softmax does not see. Here: the Mahalanobis distance to the nearest class mean with
one shared covariance (Lee et al. 2018; Podolskiy et al. 2021 on CLINC150), which needs only the
class means and one d x d precision matrix (0.8 MB for 150 classes of 384-d vectors), not the
training vectors a k-nearest-neighbour score would keep.

The score that decides 'unknown' combines both, each standardised on held-out in-scope items:

    s(x) = z(log p_max(x)) + w * z(-mahalanobis(x))

``w`` (from ``WEIGHTS``) and the threshold on ``s`` are chosen together on the held-out split plus
the user's out-of-scope examples (never on evaluation data), with the criterion of
voc.nlp.intent.calibration.choose_threshold: accuracy over held-out in-scope and OOS items together.
Without out-of-scope examples the classifier keeps its confidence threshold alone.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

WEIGHTS = (0.0, 0.5, 1.0, 2.0, 3.0)
RIDGE = 1e-3


@dataclass
class DistanceScorer:
    """Negative Mahalanobis distance to the nearest class mean (higher: more like the training data)."""
    means: np.ndarray       # (k, d) float32
    precision: np.ndarray   # (d, d) float32

    @classmethod
    def fit(cls, emb: np.ndarray, y: np.ndarray) -> "DistanceScorer":
        emb = np.asarray(emb, dtype=np.float64)
        classes = np.unique(y)
        idx = np.searchsorted(classes, y)
        means = np.stack([emb[idx == i].mean(axis=0) for i in range(len(classes))])
        centred = emb - means[idx]
        cov = centred.T @ centred / max(len(emb) - len(classes), 1)
        prec = np.linalg.inv(cov + RIDGE * np.eye(cov.shape[0]))
        return cls(means.astype(np.float32), prec.astype(np.float32))

    def score(self, emb: np.ndarray, chunk: int = 1024) -> np.ndarray:
        emb = np.asarray(emb, dtype=np.float32)
        out = np.empty(len(emb), dtype=np.float64)
        # (x - m)^T P (x - m) = x^T P x - 2 x^T P m + m^T P m, for every class mean at once
        pm = self.means @ self.precision                      # (k, d)
        mpm = np.einsum("kd,kd->k", pm, self.means)          # (k,)
        for i in range(0, len(emb), chunk):
            x = emb[i:i + chunk]
            xpx = np.einsum("nd,de,ne->n", x, self.precision, x)
            d2 = xpx[:, None] - 2.0 * (x @ pm.T) + mpm[None, :]
            out[i:i + chunk] = -np.maximum(d2.min(axis=1), 0.0)
        return out


@dataclass
class OodRule:
    weight: float
    threshold: float
    norm: tuple[float, float, float, float]   # mean/std of log-confidence, mean/std of distance score

    def combined(self, conf: np.ndarray, dist: np.ndarray) -> np.ndarray:
        lc = np.log(np.clip(np.asarray(conf, dtype=np.float64), 1e-12, 1.0))
        m1, s1, m2, s2 = self.norm
        return (lc - m1) / s1 + self.weight * (np.asarray(dist, dtype=np.float64) - m2) / s2


def _objective(score_in: np.ndarray, correct: np.ndarray, score_oos: np.ndarray, t: float) -> float:
    kept = score_in >= t
    return (np.sum(kept & correct) + np.sum(score_oos < t)) / (len(score_in) + len(score_oos))


def choose_rule(conf_in: np.ndarray, dist_in: np.ndarray, correct_in: np.ndarray,
                conf_oos: np.ndarray, dist_oos: np.ndarray, weights=WEIGHTS) -> OodRule:
    """The weight and threshold maximising held-out accuracy over in-scope and OOS items together."""
    lc = np.log(np.clip(np.asarray(conf_in, dtype=np.float64), 1e-12, 1.0))
    norm = (float(lc.mean()), float(lc.std() or 1.0), float(np.mean(dist_in)), float(np.std(dist_in) or 1.0))
    best, best_rule = -1.0, None
    for w in weights:
        rule = OodRule(float(w), 0.0, norm)
        s_in, s_oos = rule.combined(conf_in, dist_in), rule.combined(conf_oos, dist_oos)
        # every observed score is a candidate threshold, and one below them all ('never unknown')
        cands = np.unique(np.concatenate([s_in, s_oos, [min(s_in.min(), s_oos.min()) - 1.0]]))
        scores = [_objective(s_in, correct_in, s_oos, c) for c in cands]
        j = int(np.argmax(scores))
        if scores[j] > best + 1e-12:
            best, best_rule = scores[j], OodRule(float(w), float(cands[j]), norm)
    return best_rule
