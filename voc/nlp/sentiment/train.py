"""Training and cross-validated evaluation of the trained backend (the recipe behind the shipped
``models/tweeteval_lr.json``; regenerate it with ``voc sentiment train``, see docs/evaluation.md).

Recipe: features = MiniLM sentence embedding + 4 VADER scores, standardised; multinomial logistic
regression with balanced class weights (the TweetEval metric is macro-averaged recall); the
regularisation C is picked from ``C_GRID`` by an inner stratified 3-fold CV on the training part
only, so a cross-validated figure never saw its test fold, not even for model selection. Then a
class-prior bias on the logits is learned from inner out-of-fold predictions (``calibration.py``):
the best macro-recall whose negative recall reaches ``NEGATIVE_RECALL_FLOOR`` (a missed complaint is
the costly error for a support team). Measured before/after: docs/evaluation.md.
"""
from __future__ import annotations

import time
from typing import Any, Optional, Sequence

import numpy as np

from voc.nlp.sentiment.base import LABELS
from voc.nlp.sentiment.linear import LinearSentimentModel

C_GRID: tuple[float, ...] = (0.001, 0.003, 0.01)
# Negative recall the calibrated model must reach on out-of-fold predictions of its training data
# (the aim for customer-service text). None: no calibration (the recipe before 0.2).
NEGATIVE_RECALL_FLOOR: Optional[float] = 0.75
MIN_PER_CLASS = 10
# Weight of one distant-label example (a primary, hand-labelled example weighs 1): chosen by
# benchmarks/eval_sentiment_service.py (docs/evaluation.md), used by `voc sentiment train --distant`.
DISTANT_WEIGHT = 0.1


class Extra:
    """Extra training rows that are never scored: always in every training fold, weighted ``weight``
    each (a primary row weighs 1). The distant-label examples of ``distant.py`` come in this way."""

    def __init__(self, X: np.ndarray, y: Sequence[str], weight: float) -> None:
        self.X = np.asarray(X, dtype=np.float64)
        self.y = np.asarray(list(y), dtype=object)
        self.weight = float(weight)
        if len(self.X) != len(self.y):
            raise ValueError(f"{len(self.X)} rows but {len(self.y)} labels")
        if not self.weight > 0:
            raise ValueError(f"weight must be > 0, got {weight}")

    def __len__(self) -> int:
        return len(self.y)


def _stack(X: np.ndarray, y: np.ndarray, extra: Optional[Extra]):
    """(X, y, sample_weight, primary mask) of the primary rows followed by the extra rows; the plain
    (X, y, None, None) without extra rows."""
    if extra is None or not len(extra):
        return X, y, None, None
    Xs = np.vstack([X, extra.X])
    ys = np.concatenate([np.asarray(y, dtype=object), extra.y])
    sw = np.concatenate([np.ones(len(y)), np.full(len(extra), extra.weight)])
    prim = np.concatenate([np.ones(len(y), bool), np.zeros(len(extra), bool)])
    return Xs, ys, sw, prim


def distant_record(d: Any, weight: float) -> dict[str, Any]:
    """What an artifact keeps of a ``DistantData`` set: enough to re-read it and recognise its texts."""
    from voc.nlp.sentiment.data import data_fingerprint, text_hash

    return {"dataset": d.dataset, "source": d.source, "path": d.path, "weight": float(weight), "n": len(d.texts),
            "label_counts": {c: d.labels.count(c) for c in LABELS}, "excluded": dict(d.excluded),
            "mapping_sha256": d.mapping_sha256, "fingerprint": data_fingerprint(d.texts, d.labels),
            "text_hashes": sorted({text_hash(t) for t in d.texts})}


def _macro_recall(y: np.ndarray, pred: np.ndarray) -> float:
    return float(np.mean([(pred[y == c] == c).mean() for c in np.unique(y)]))


def select_C(X: np.ndarray, y: Sequence[str], *, grid: Sequence[float] = C_GRID, k: int = 3, seed: int = 42,
             extra: Optional[Extra] = None) -> float:
    """The C of ``grid`` with the best inner-CV macro-recall on (X, y) (ties: the smaller C); ``extra``
    rows are added to every inner training fold and never scored."""
    from sklearn.model_selection import StratifiedKFold

    if len(grid) == 1:
        return float(grid[0])
    y = np.asarray(y, dtype=object)
    k = max(2, min(k, int(min((y == c).sum() for c in LABELS))))
    skf = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)
    best, best_c = -1.0, float(grid[0])
    for C in grid:
        pred = np.empty(len(y), dtype=object)
        for tr, te in skf.split(X, y.astype(str)):
            Xs, ys, sw, prim = _stack(X[tr], y[tr], extra)
            pred[te] = LinearSentimentModel(C=C).fit(Xs, ys, sample_weight=sw, primary=prim).predict(X[te])
        mr = _macro_recall(y, pred)
        if mr > best + 1e-12:
            best, best_c = mr, float(C)
    return best_c


def fit_recipe(X: np.ndarray, y: Sequence[str], *, grid: Sequence[float] = C_GRID, seed: int = 42,
               negative_recall_floor: Optional[float] = NEGATIVE_RECALL_FLOOR,
               extra: Optional[Extra] = None) -> LinearSentimentModel:
    """Select C on (X, y) by inner CV, then fit on all of (X, y), learning the class bias by inner CV
    when ``negative_recall_floor`` is not None. ``extra`` rows (weighted) are in every fit, and C and
    the bias are measured on the (X, y) rows only."""
    C = select_C(X, y, grid=grid, seed=seed, extra=extra)
    Xs, ys, sw, prim = _stack(np.asarray(X, dtype=np.float64), np.asarray(y, dtype=object), extra)
    return LinearSentimentModel(C=C, negative_recall_floor=negative_recall_floor, seed=seed).fit(
        Xs, ys, sample_weight=sw, primary=prim)


def check_counts(y: Sequence[str], *, k: int, path: str = "training data") -> None:
    from voc.errors import Errors, VocError

    counts = {c: int(sum(1 for v in y if v == c)) for c in LABELS}
    need = max(MIN_PER_CLASS, k)
    low = {c: n for c, n in counts.items() if n < need}
    if low:
        raise VocError(Errors.E204, path=path, detail=f"label counts {counts}", min_per_class=need)


def cross_validated_predictions(X: np.ndarray, y: Sequence[str], *, k: int = 5, seed: int = 42,
                                grid: Sequence[float] = C_GRID,
                                negative_recall_floor: Optional[float] = NEGATIVE_RECALL_FLOOR,
                                extra: Optional[Extra] = None) -> dict[str, Any]:
    """Out-of-fold evaluation of the recipe: stratified k folds; each fold's model (C selection
    included) is fit on the other folds only and predicts its own fold. ``extra`` rows are added to
    every fold's training data (and never predicted).

    Returns ``voc.nlp.evaluation.cross_validate``'s report plus ``oof_proba`` (n, 3),
    ``oof_score`` (n,), ``folds_index`` (for each row, the fold that predicted it),
    ``train_index`` (per fold, the rows its model was fit on), ``C_per_fold``, ``bias_per_fold`` and
    ``uncalibrated`` (the same report for the same fold models without their class bias: the
    before/after of calibration from one run).
    """
    from voc.nlp.evaluation import cross_validate

    y_arr = np.asarray(list(y), dtype=object)
    X = np.asarray(X, dtype=np.float64)
    proba = np.full((len(y_arr), 3), np.nan)
    raw_pred = np.empty(len(y_arr), dtype=object)
    biases: list[list[float]] = []
    fold_of = np.full(len(y_arr), -1)
    train_index: list[list[int]] = []
    cs: list[float] = []

    def fit_predict(tr: np.ndarray, te: np.ndarray) -> list[str]:
        m = fit_recipe(X[tr], y_arr[tr], grid=grid, seed=seed, negative_recall_floor=negative_recall_floor, extra=extra)
        p = m.predict_proba(X[te])
        proba[te] = p
        raw_pred[te] = [LABELS[i] for i in (m.decision_function(X[te]) - m.class_bias_).argmax(axis=1)]
        biases.append([float(b) for b in m.class_bias_])
        fold_of[te] = len(train_index)
        train_index.append(tr.tolist())
        cs.append(m.C)
        return [LABELS[i] for i in p.argmax(axis=1)]

    t0 = time.perf_counter()
    rep = cross_validate(fit_predict, y_arr, k=k, seed=seed, labels=list(LABELS))
    from voc.nlp.evaluation import classification_report

    rep.update(oof_proba=proba, oof_score=proba[:, 2] - proba[:, 0], folds_index=fold_of,
               train_index=train_index, C_per_fold=cs, bias_per_fold=biases,
               uncalibrated=classification_report(list(y_arr), list(raw_pred), labels=list(LABELS)),
               seconds=round(time.perf_counter() - t0, 2))
    return rep


def train_artifact(texts: Sequence[str], labels: Sequence[str], *, source: str, featurizer=None, k: int = 5,
                   seed: int = 42, grid: Sequence[float] = C_GRID, command: Optional[str] = None,
                   show_progress: bool = False,
                   negative_recall_floor: Optional[float] = NEGATIVE_RECALL_FLOOR,
                   distant: Sequence[Any] = (), distant_weight: float = DISTANT_WEIGHT) -> dict[str, Any]:
    """Featurise, cross-validate the recipe (k folds, out-of-fold figures), fit on all the data and
    return the artifact payload (weights, feature spec, CV figures, training-data fingerprint and
    text hashes, so evaluation on the same texts is recognised and cross-validated).

    ``distant``: ``DistantData`` sets (``distant.py``) added to every training set (CV folds and final
    fit), each example weighing ``distant_weight``; the CV figures stay those of (texts, labels).
    Their sources, counts, fingerprints and text hashes are kept in ``trained_on.distant``, so
    ``voc eval sentiment`` can re-run the same recipe and recognise their texts."""
    from voc import __version__
    from voc.nlp.sentiment.data import data_fingerprint, text_hash
    from voc.nlp.sentiment.features import SentimentFeaturizer

    texts, labels = list(texts), list(labels)
    check_counts(labels, k=k, path=source)
    featurizer = featurizer or SentimentFeaturizer()
    t0 = time.perf_counter()
    X = featurizer.transform(texts, show_progress=show_progress)
    extra = None
    if distant:
        d_texts = [t for d in distant for t in d.texts]
        d_labels = [v for d in distant for v in d.labels]
        extra = Extra(featurizer.transform(d_texts, show_progress=show_progress), d_labels, distant_weight)
    t_feat = time.perf_counter() - t0
    cv = (cross_validated_predictions(X, labels, k=k, seed=seed, grid=grid, negative_recall_floor=negative_recall_floor,
                                      extra=extra)
          if k >= 2 else None)
    t1 = time.perf_counter()
    model = fit_recipe(X, labels, grid=grid, seed=seed, negative_recall_floor=negative_recall_floor, extra=extra)
    t_fit = time.perf_counter() - t1
    pooled = cv["pooled"] if cv else None
    return {
        "voc_version": __version__,
        "recipe": "standardised [sentence embedding, VADER compound/neg/neu/pos] -> multinomial logistic regression, "
                  "balanced class weights, C by inner 3-fold CV"
                  + ("" if negative_recall_floor is None else
                     "; class-prior bias on the logits by inner 3-fold CV: best "
                     f"macro-recall at negative recall >= {negative_recall_floor}")
                  + ("" if not distant else
                     f"; plus {len(extra)} distant-label examples of support intents (problem -> negative, request -> "
                     f"neutral; voc/nlp/sentiment/service_intents.yaml) in every training set, weight {distant_weight:g} "
                     "each, class weights balanced within each source, C and bias measured on the primary data only"),
        "features": featurizer.spec(),
        "weights": model.to_dict(),
        "C_grid": [float(c) for c in grid],
        "trained_on": {"source": source, "n": len(texts), "fingerprint": data_fingerprint(texts, labels),
                       "label_counts": {c: labels.count(c) for c in LABELS},
                       **({"distant": [distant_record(d, distant_weight) for d in distant]} if distant else {})},
        "cv": None if cv is None else {
            "k": k, "seed": seed, "C_per_fold": cv["C_per_fold"],
            "macro_recall": pooled["macro_recall"], "accuracy": pooled["accuracy"], "macro_f1": pooled["macro_f1"],
            "per_class_recall": {c: pooled["per_class"][c]["recall"] for c in LABELS},
            "bias_per_fold": cv["bias_per_fold"],
            "uncalibrated": {"macro_recall": cv["uncalibrated"]["macro_recall"], "accuracy": cv["uncalibrated"]["accuracy"],
                             "per_class_recall": {c: cv["uncalibrated"]["per_class"][c]["recall"] for c in LABELS}},
        },
        "seconds": {"features": round(t_feat, 2), "cv": cv["seconds"] if cv else 0.0, "final_fit": round(t_fit, 2)},
        "command": command,
        "text_hashes": sorted({text_hash(t) for t in texts}),
    }
