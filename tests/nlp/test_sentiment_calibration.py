"""Class-prior calibration of the trained classifier: a bias on the logits learned in ``fit`` from
out-of-fold predictions, chosen for the best macro-recall at a floor on negative recall."""
from __future__ import annotations

import numpy as np
import pytest

from voc.nlp.sentiment.base import LABELS
from voc.nlp.sentiment.calibration import choose_class_bias, recalls
from voc.nlp.sentiment.linear import LinearSentimentModel
from voc.nlp.sentiment.train import cross_validated_predictions


def _shifted(n=600, seed=0):
    """Three overlapping Gaussian classes; the negatives sit close to the neutrals, so an
    uncalibrated model under-calls them (the complaint that reads as neutral)."""
    rng = np.random.default_rng(seed)
    y_idx = rng.choice(3, size=n, p=[0.2, 0.45, 0.35])
    centres = np.array([[-0.6, 0.0], [0.0, 0.0], [1.5, 1.0]])
    X = centres[y_idx] + rng.normal(scale=1.0, size=(n, 2))
    X = np.hstack([X, rng.normal(size=(n, 8))])  # noise dimensions
    return X, np.array([LABELS[i] for i in y_idx], dtype=object), y_idx


def test_recalls_per_class_and_macro():
    r = recalls(np.array([0, 0, 1, 2]), np.array([0, 1, 1, 1]))
    assert r == {"negative": 0.5, "neutral": 1.0, "positive": 0.0, "macro": 0.5}


def test_no_bias_when_the_logits_are_already_right():
    y = np.array([0, 1, 2] * 20)
    L = np.eye(3)[y] * 3.0
    np.testing.assert_array_equal(choose_class_bias(L, y, negative_recall_floor=0.75), [0.0, 0.0, 0.0])


def test_bias_reaches_the_negative_recall_floor():
    rng = np.random.default_rng(1)
    y = rng.choice(3, size=900)
    L = np.eye(3)[y] * 1.0 + rng.normal(scale=1.0, size=(900, 3))
    L[:, 0] -= 1.0  # the model under-calls negatives
    before = recalls(y, L.argmax(1))
    assert before["negative"] < 0.5
    for floor in (0.0, 0.75, 0.9):
        b = choose_class_bias(L, y, negative_recall_floor=floor)
        after = recalls(y, (L + b).argmax(1))
        assert b[1] == 0.0 and b[0] > 0
        assert after["negative"] >= floor - 1e-12
    # without a floor the bias maximises macro-recall: never worse than no bias
    assert recalls(y, (L + choose_class_bias(L, y)).argmax(1))["macro"] >= before["macro"]


def test_fit_learns_the_bias_out_of_fold_and_raises_negative_recall_on_new_data():
    X, y, _ = _shifted(seed=0)
    Xt, yt, yt_idx = _shifted(n=3000, seed=1)     # fresh data from the same distribution
    plain = LinearSentimentModel(C=1.0).fit(X, y)
    cal = LinearSentimentModel(C=1.0, negative_recall_floor=0.8).fit(X, y)
    np.testing.assert_array_equal(plain.class_bias_, [0.0, 0.0, 0.0])
    assert plain.calibration_ is None
    np.testing.assert_allclose(cal.coef_, plain.coef_)  # the same regression; only the bias differs
    assert cal.class_bias_[0] > 0
    assert cal.calibration_["oof_recall_after"]["negative"] >= 0.8
    assert cal.calibration_["oof_recall_before"]["negative"] < 0.8
    r_plain = recalls(yt_idx, np.array([LABELS.index(p) for p in plain.predict(Xt)]))
    r_cal = recalls(yt_idx, np.array([LABELS.index(p) for p in cal.predict(Xt)]))
    assert r_cal["negative"] > r_plain["negative"] + 0.05
    assert r_cal["negative"] > 0.7
    np.testing.assert_allclose(cal.predict_proba(Xt).sum(axis=1), 1.0)


def test_bias_is_saved_with_the_model_and_old_artifacts_load_without_one():
    X, y, _ = _shifted(seed=2)
    m = LinearSentimentModel(C=1.0, negative_recall_floor=0.75).fit(X, y)
    d = m.to_dict()
    assert d["negative_recall_floor"] == 0.75 and len(d["class_bias"]) == 3
    back = LinearSentimentModel.from_dict(d)
    np.testing.assert_allclose(back.class_bias_, m.class_bias_, atol=1e-6)
    np.testing.assert_allclose(back.predict_proba(X), m.predict_proba(X), atol=1e-5)
    assert back.predict(X) == m.predict(X)
    old = {k: v for k, v in d.items() if k not in ("class_bias", "negative_recall_floor", "calibration_cv", "calibration")}
    legacy = LinearSentimentModel.from_dict(old)
    np.testing.assert_array_equal(legacy.class_bias_, [0.0, 0.0, 0.0])
    assert legacy.negative_recall_floor is None


def test_cross_validation_reports_before_and_after_from_the_same_folds():
    X, y, _ = _shifted(n=450, seed=3)
    cv = cross_validated_predictions(X, y, k=3, seed=0, grid=(1.0,), negative_recall_floor=0.8)
    assert len(cv["bias_per_fold"]) == 3 and all(b[0] > 0 for b in cv["bias_per_fold"])
    after, before = cv["pooled"]["per_class"]["negative"]["recall"], cv["uncalibrated"]["per_class"]["negative"]["recall"]
    assert after > before
    off = cross_validated_predictions(X, y, k=3, seed=0, grid=(1.0,), negative_recall_floor=None)
    assert off["bias_per_fold"] == [[0.0, 0.0, 0.0]] * 3
    assert off["pooled"]["per_class"]["negative"]["recall"] == pytest.approx(before)
