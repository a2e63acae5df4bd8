"""The trained sentiment classifier: standardised features -> multinomial logistic regression.

Fitting uses scikit-learn; prediction is plain numpy on the stored weights, and the artifact is one
JSON file (no pickle: readable, diffable, loads in any environment, safe to open).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional, Sequence

import numpy as np

from voc.errors import Errors, VocError
from voc.nlp.sentiment.base import LABELS

ARTIFACT_FORMAT = "voc.sentiment.linear"
ARTIFACT_VERSION = 1


def balanced_weights(y_idx: np.ndarray, sample_weight: np.ndarray, primary: Optional[np.ndarray] = None) -> np.ndarray:
    """Row weights = sample weight x sklearn's balanced class weight n / (k * n_c), computed on the weighted
    totals of each source apart (``primary`` rows, the other rows; k = the classes present in the source)."""
    y_idx = np.asarray(y_idx)
    w = np.asarray(sample_weight, dtype=np.float64).copy()
    src = np.ones(len(y_idx), bool) if primary is None else np.asarray(primary, bool)
    for m in (src, ~src):
        if not m.any():
            continue
        totals = np.bincount(y_idx[m], weights=w[m], minlength=3)
        k = int((totals > 0).sum())
        w[m] *= (w[m].sum() / (k * np.where(totals > 0, totals, 1.0)))[y_idx[m]]
    return w


class LinearSentimentModel:
    """scikit-learn style: the constructor stores parameters; ``fit`` sets ``mean_``, ``scale_``,
    ``coef_`` (3, d), ``intercept_`` (3,), ``classes_`` (= LABELS) and ``class_bias_`` (3,).

    ``class_bias_`` is added to the logits (a class-prior correction, see ``calibration.py``): with
    ``negative_recall_floor`` set, ``fit`` learns it from out-of-fold predictions of an inner
    ``calibration_cv``-fold cross-validation on the training data (never from in-sample scores, which
    are over-confident), choosing the bias with the best macro-recall among those whose negative
    recall reaches the floor; ``calibration_`` keeps the out-of-fold recalls before and after.
    ``negative_recall_floor=None``: no bias (zeros).

    ``fit(X, y, sample_weight=, primary=)``: rows may carry weights (distant-label examples weigh less than
    hand-labelled ones); with ``class_weight="balanced"`` the class weights are then computed from the
    class totals of each source separately (primary rows, other rows), so extra rows never change the
    weight of the primary ones (balancing the pooled totals let 5,000 distant complaints halve the
    weight of the 312 negative tweets, measured in docs/evaluation.md); the standardisation is weighted
    too. ``primary`` (a boolean mask) marks the rows the calibration is measured on: its inner folds
    split the primary rows only, and every other row is in every inner training fold. Without weights
    and mask, the fit is the plain one."""

    def __init__(self, C: float = 0.003, class_weight: Optional[str] = "balanced", max_iter: int = 3000,
                 negative_recall_floor: Optional[float] = None, calibration_cv: int = 3, seed: int = 42) -> None:
        self.C = C
        self.class_weight = class_weight
        self.max_iter = max_iter
        self.negative_recall_floor = negative_recall_floor
        self.calibration_cv = calibration_cv
        self.seed = seed

    def _fit_lr(self, X: np.ndarray, y_idx: np.ndarray, sw: Optional[np.ndarray] = None,
                primary: Optional[np.ndarray] = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]:
        from sklearn.linear_model import LogisticRegression
        from threadpoolctl import threadpool_limits

        if sw is None:
            mean = X.mean(axis=0)
            sd = X.std(axis=0)
            class_weight, fit_kw = self.class_weight, {}
        else:
            mean = np.average(X, axis=0, weights=sw)
            sd = np.sqrt(np.average((X - mean) ** 2, axis=0, weights=sw))
            w = balanced_weights(y_idx, sw, primary) if self.class_weight == "balanced" else np.asarray(sw, dtype=np.float64)
            class_weight, fit_kw = None, {"sample_weight": w}
        scale = np.where(sd > 1e-12, sd, 1.0)
        lr = LogisticRegression(C=self.C, class_weight=class_weight, max_iter=self.max_iter)
        # One BLAS thread: these matrices are small (thousands x ~400), and threaded BLAS was measured
        # 20-40x slower per fit on a busy 2-core machine (thread oversubscription), never faster.
        with threadpool_limits(limits=1, user_api="blas"):
            lr.fit((X - mean) / scale, y_idx, **fit_kw)
        return mean, scale, lr.coef_.astype(np.float64), lr.intercept_.astype(np.float64), int(np.max(lr.n_iter_))

    def _oof_logits(self, X: np.ndarray, y_idx: np.ndarray, sw: Optional[np.ndarray] = None,
                    primary: Optional[np.ndarray] = None) -> np.ndarray:
        """Logits of each primary training row from a model fit on the other inner folds (same C);
        the rows outside ``primary`` are in every inner training fold."""
        from sklearn.model_selection import StratifiedKFold

        prim = np.flatnonzero(primary) if primary is not None else np.arange(len(y_idx))
        rest = np.setdiff1d(np.arange(len(y_idx)), prim)
        yp = y_idx[prim]
        k = max(2, min(int(self.calibration_cv), int(np.bincount(yp, minlength=3).min())))
        out = np.zeros((len(prim), 3))
        for tr, te in StratifiedKFold(n_splits=k, shuffle=True, random_state=self.seed).split(prim, yp):
            rows = np.concatenate([prim[tr], rest]) if len(rest) else prim[tr]
            mean, scale, coef, icpt, _ = self._fit_lr(X[rows], y_idx[rows], None if sw is None else sw[rows],
                                                      None if primary is None else np.asarray(primary, bool)[rows])
            out[te] = ((X[prim[te]] - mean) / scale) @ coef.T + icpt
        return out

    def fit(self, X: np.ndarray, y: Sequence[str], sample_weight: Optional[Sequence[float]] = None,
            primary: Optional[Sequence[bool]] = None) -> "LinearSentimentModel":
        from voc.nlp.sentiment.calibration import choose_class_bias, recalls

        X = np.asarray(X, dtype=np.float64)
        y_idx = np.array([LABELS.index(v) for v in y])
        missing = [LABELS[i] for i in range(3) if not (y_idx == i).any()]
        if missing:
            raise ValueError(f"training labels lack {missing}")
        sw = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        if sw is not None and (sw.shape != (len(y_idx),) or (sw < 0).any() or not np.isfinite(sw).all()):
            raise ValueError(f"sample_weight must be {len(y_idx)} finite weights >= 0")
        prim = None if primary is None else np.asarray(primary, dtype=bool)
        if prim is not None and prim.shape != (len(y_idx),):
            raise ValueError(f"primary must be a mask of {len(y_idx)} rows")
        self.class_bias_ = np.zeros(3)
        self.calibration_: Optional[dict[str, Any]] = None
        if self.negative_recall_floor is not None:
            oof = self._oof_logits(X, y_idx, sw, prim)
            yp = y_idx if prim is None else y_idx[prim]
            self.class_bias_ = choose_class_bias(oof, yp, negative_recall_floor=self.negative_recall_floor)
            self.calibration_ = {"negative_recall_floor": float(self.negative_recall_floor), "cv": int(self.calibration_cv),
                                 "oof_recall_before": recalls(yp, oof.argmax(axis=1)),
                                 "oof_recall_after": recalls(yp, (oof + self.class_bias_).argmax(axis=1))}
        self.mean_, self.scale_, self.coef_, self.intercept_, self.n_iter_ = self._fit_lr(X, y_idx, sw, prim)
        self.classes_ = LABELS
        return self

    def decision_function(self, X: np.ndarray) -> np.ndarray:
        """Logits with the learned class bias added (the uncalibrated logits minus ``class_bias_``)."""
        Z = (np.asarray(X, dtype=np.float64) - self.mean_) / self.scale_
        return Z @ self.coef_.T + self.intercept_ + getattr(self, "class_bias_", 0.0)

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        z = self.decision_function(X)
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def predict(self, X: np.ndarray) -> list[str]:
        return [LABELS[i] for i in self.predict_proba(X).argmax(axis=1)]

    # -- persistence -------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        r = lambda a: [float(f"{v:.7g}") for v in np.asarray(a).ravel()]  # noqa: E731  7 digits ~ float32
        return {"C": self.C, "class_weight": self.class_weight, "labels": list(LABELS),
                "mean": r(self.mean_), "scale": r(self.scale_),
                "coef": [r(row) for row in self.coef_], "intercept": r(self.intercept_),
                "negative_recall_floor": self.negative_recall_floor, "calibration_cv": self.calibration_cv,
                "class_bias": r(self.class_bias_), "calibration": self.calibration_}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "LinearSentimentModel":
        m = cls(C=d["C"], class_weight=d.get("class_weight"), negative_recall_floor=d.get("negative_recall_floor"),
                calibration_cv=int(d.get("calibration_cv", 3)))
        if list(d["labels"]) != list(LABELS):
            raise ValueError(f"labels {d['labels']} differ from {list(LABELS)}")
        m.mean_ = np.asarray(d["mean"], dtype=np.float64)
        m.scale_ = np.asarray(d["scale"], dtype=np.float64)
        m.coef_ = np.asarray(d["coef"], dtype=np.float64)
        m.intercept_ = np.asarray(d["intercept"], dtype=np.float64)
        m.class_bias_ = np.asarray(d.get("class_bias") or [0.0, 0.0, 0.0], dtype=np.float64)  # artifacts before calibration: none
        m.calibration_ = d.get("calibration")
        m.classes_ = LABELS
        if m.class_bias_.shape != (3,):
            raise ValueError(f"class_bias has shape {m.class_bias_.shape}, expected (3,)")
        if m.coef_.shape != (3, len(m.mean_)) or m.scale_.shape != m.mean_.shape or m.intercept_.shape != (3,):
            raise ValueError(f"weight shapes disagree: coef {m.coef_.shape}, mean {m.mean_.shape}, "
                             f"intercept {m.intercept_.shape}")
        return m


def save_artifact(payload: dict[str, Any], path: str | Path) -> Path:
    from voc.datasets import write_json

    doc = {"format": ARTIFACT_FORMAT, "version": ARTIFACT_VERSION, **payload}
    return write_json(doc, path, dataset="sentiment model")


def load_artifact(path: str | Path) -> dict[str, Any]:
    """Read and check a sentiment artifact (E201 missing, E205 wrong format/version)."""
    p = Path(path).expanduser()
    if not p.is_file():
        raise VocError(Errors.E201, path=str(p))
    try:
        doc = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise VocError(Errors.E202, name=str(p), detail=f"not a readable JSON artifact ({e})") from None
    found = f"{doc.get('format')} v{doc.get('version')}" if isinstance(doc, dict) else type(doc).__name__
    if not isinstance(doc, dict) or doc.get("format") != ARTIFACT_FORMAT or doc.get("version") != ARTIFACT_VERSION:
        raise VocError(Errors.E205, path=str(p), found=found, expected=f"{ARTIFACT_FORMAT} v{ARTIFACT_VERSION}")
    try:
        doc["model"] = LinearSentimentModel.from_dict(doc["weights"])
    except (KeyError, TypeError, ValueError) as e:
        raise VocError(Errors.E202, name=str(p), detail=f"damaged weights ({type(e).__name__}: {e})") from None
    return doc
