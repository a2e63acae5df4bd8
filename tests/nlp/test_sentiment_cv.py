"""The trained recipe is evaluated out-of-fold only: no row is ever predicted by a model that saw it."""
from __future__ import annotations

import numpy as np

from voc.nlp.sentiment.base import LABELS
from voc.nlp.sentiment.linear import LinearSentimentModel
from voc.nlp.sentiment.train import cross_validated_predictions


def _noise(n=150, d=200, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = np.array([LABELS[i % 3] for i in range(n)], dtype=object)
    rng.shuffle(y)
    return X, y


def test_out_of_fold_indices_never_overlap_training_rows():
    X, y = _noise()
    cv = cross_validated_predictions(X, y, k=5, seed=3, grid=(1.0,))
    fold_of = cv["folds_index"]
    assert fold_of.min() == 0 and fold_of.max() == 4          # every row predicted exactly once
    for f, train_rows in enumerate(cv["train_index"]):
        test_rows = set(np.flatnonzero(fold_of == f).tolist())
        assert test_rows and not (test_rows & set(train_rows))
        assert len(test_rows) + len(train_rows) == len(y)
    assert not np.isnan(cv["oof_proba"]).any()
    np.testing.assert_allclose(cv["oof_score"], cv["oof_proba"][:, 2] - cv["oof_proba"][:, 0])


def test_labels_that_are_pure_noise_score_chance_out_of_fold_but_not_in_sample():
    # 200 noise features for 150 rows: logistic regression memorises its training set, so an
    # in-sample evaluation would look near-perfect; out-of-fold it must be near chance (1/3).
    X, y = _noise()
    in_sample = np.mean(np.array(LinearSentimentModel(C=100.0).fit(X, y).predict(X), dtype=object) == y)
    assert in_sample > 0.95
    cv = cross_validated_predictions(X, y, k=5, seed=3, grid=(100.0,))
    assert cv["pooled"]["accuracy"] < 0.5
    assert 0.15 < cv["pooled"]["macro_recall"] < 0.5


def test_C_is_selected_inside_each_fold():
    X, y = _noise(n=120, d=20, seed=1)
    cv = cross_validated_predictions(X, y, k=3, seed=0, grid=(0.001, 1.0))
    assert len(cv["C_per_fold"]) == 3 and set(cv["C_per_fold"]) <= {0.001, 1.0}
