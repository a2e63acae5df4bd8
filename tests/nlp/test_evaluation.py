"""Metrics helpers against values worked out by hand."""
from __future__ import annotations

import numpy as np
import pytest

from voc.nlp.evaluation import classification_report, confusion_pairs, cross_validate, format_report, open_set_report

# idx:     0    1    2    3    4    5
Y_TRUE = ["a", "a", "a", "b", "b", "c"]
Y_PRED = ["a", "a", "b", "b", "c", "c"]


def test_report_matches_hand_computation():
    r = classification_report(Y_TRUE, Y_PRED)
    # a: tp 2 of 2 predicted, 3 true -> P 1, R 2/3, F1 0.8
    # b: tp 1 of 2 predicted, 2 true -> P .5, R .5, F1 .5
    # c: tp 1 of 2 predicted, 1 true -> P .5, R 1, F1 2/3
    assert r["n"] == 6 and r["labels"] == ["a", "b", "c"]
    assert r["accuracy"] == pytest.approx(4 / 6)
    assert r["per_class"]["a"] == pytest.approx({"precision": 1.0, "recall": 2 / 3, "f1": 0.8, "support": 3})
    assert r["per_class"]["b"] == pytest.approx({"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2})
    assert r["per_class"]["c"] == pytest.approx({"precision": 0.5, "recall": 1.0, "f1": 2 / 3, "support": 1})
    assert r["macro_precision"] == pytest.approx(2 / 3)
    assert r["macro_recall"] == pytest.approx((2 / 3 + 0.5 + 1) / 3)
    assert r["macro_f1"] == pytest.approx((0.8 + 0.5 + 2 / 3) / 3)
    assert r["weighted_f1"] == pytest.approx((3 * 0.8 + 2 * 0.5 + 2 / 3) / 6)


def test_report_with_fixed_labels_counts_absent_classes_as_zero():
    r = classification_report(Y_TRUE, Y_PRED, labels=["a", "b", "c", "d"])
    assert r["per_class"]["d"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0}
    assert r["macro_f1"] == pytest.approx((0.8 + 0.5 + 2 / 3) / 4)


def test_report_rejects_misaligned_inputs_and_handles_empty():
    with pytest.raises(ValueError):
        classification_report(["a"], ["a", "b"])
    assert classification_report([], [])["n"] == 0


def test_confusion_pairs_most_frequent_first():
    yt = ["x", "x", "x", "y", "z"]
    yp = ["y", "y", "z", "x", "z"]
    assert confusion_pairs(yt, yp) == [("x", "y", 2), ("x", "z", 1), ("y", "x", 1)]
    assert confusion_pairs(yt, yp, top=1) == [("x", "y", 2)]
    assert confusion_pairs(Y_TRUE, Y_TRUE) == []


def test_open_set_report():
    yt = ["a", "b", "unknown", "unknown", "a"]
    yp = ["a", "unknown", "unknown", "a", "b"]
    r = open_set_report(yt, yp)
    assert r["n_in_scope"] == 3 and r["n_oos"] == 2
    assert r["in_scope_accuracy"] == pytest.approx(1 / 3)
    assert r["oos_recall"] == pytest.approx(1 / 2)
    assert r["oos_precision"] == pytest.approx(1 / 2)
    assert r["unknown_rate"] == pytest.approx(2 / 5)
    assert open_set_report(yt, yp, unknown="oos")["n_oos"] == 0


def test_format_report_table():
    r = classification_report(Y_TRUE, Y_PRED)
    r["confusion_pairs"] = confusion_pairs(Y_TRUE, Y_PRED)
    text = format_report(r)
    assert "accuracy" in text and "0.6667" in text
    rows = [ln.split() for ln in text.splitlines()]
    assert ["a", "1.0000", "0.6667", "0.8000", "3"] in rows
    assert "a -> b: 1" in text
    worst_first = format_report(r, sort_by="f1", max_classes=1)
    assert ["b", "0.5000", "0.5000", "0.5000", "2"] in [ln.split() for ln in worst_first.splitlines()]
    assert "2 more classes" in worst_first


def test_cross_validate_folds_partition_and_are_stratified():
    y = ["p"] * 20 + ["q"] * 10
    X = np.array([0.0] * 20 + [1.0] * 10)
    seen_test: list[int] = []

    def fit_predict(tr, te):
        assert not set(tr) & set(te)
        seen_test.extend(te)
        # each test fold of 6 keeps the 2:1 class ratio
        assert sorted(y[i] for i in te) == ["p"] * 4 + ["q"] * 2
        # 1-nearest-neighbour from the training part only
        return [y[tr[np.argmin(np.abs(X[tr] - X[i]))]] for i in te]

    res = cross_validate(fit_predict, y, k=5, seed=0)
    assert sorted(seen_test) == list(range(30))
    assert res["folds_run"] == 5 and res["accuracy_mean"] == 1.0 and res["accuracy_std"] == 0.0
    assert res["pooled"]["n"] == 30 and res["oof_pred"] == y


def test_cross_validate_means_and_partial_runs():
    y = ["p", "q"] * 10

    def always_p(tr, te):
        return ["p"] * len(te)

    res = cross_validate(always_p, y, k=5, folds=2)   # folds of 4 with 2 p and 2 q each
    assert res["folds_run"] == 2 and res["pooled"]["n"] == 8
    assert res["accuracy_mean"] == pytest.approx(0.5)
    # macro-F1 per fold: p has P .5 R 1 F1 2/3, q has F1 0 -> 1/3
    assert res["macro_f1_mean"] == pytest.approx(1 / 3)
    assert res["pooled"]["confusion_pairs"] == [("q", "p", 4)]


def test_cross_validate_can_resume_from_a_later_fold():
    from voc.nlp.evaluation import cross_validate

    y = ["a", "b"] * 10
    seen = []

    def fit_predict(tr, te):
        seen.append(tuple(te))
        return [y[i] for i in te]

    res = cross_validate(fit_predict, y, k=5, seed=1, start=2, folds=2)
    assert [f["fold"] for f in res["folds"]] == [2, 3] and len(seen) == 2
    full = []
    cross_validate(lambda tr, te: full.append(tuple(te)) or [y[i] for i in te], y, k=5, seed=1)
    assert seen == full[2:4]  # the same folds as an uninterrupted run


def test_benchmark_cv_scripts_use_the_folds_of_cross_validate():
    # benchmarks/inputs.cv_folds is the one fold builder of the CV scripts (eval_intent_stacked_cv, eval_contact_vector,
    # eval_long_texts; eval_intent_finetune_cv calls cross_validate): the folds `voc eval intents --cv` makes
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "benchmarks" / "inputs.py"
    spec = importlib.util.spec_from_file_location("bench_inputs", path)
    inputs = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(inputs)
    rng = np.random.default_rng(3)
    y = list(rng.choice(["card", "refund", "login", "pin"], 61))
    seen = []
    cross_validate(lambda tr, te: seen.append((tuple(tr), tuple(te))) or [y[i] for i in te], y, k=inputs.CV_FOLDS,
                   seed=inputs.CV_SEED)
    folds = inputs.cv_folds(y)
    assert [(tuple(tr), tuple(te)) for tr, te in folds] == seen and len(folds) == 5
    # labels given as a numpy array of objects (as eval_contact_vector passes them) give the same folds
    assert [tuple(te) for _, te in inputs.cv_folds(np.asarray(y, dtype=object))] == [te for _, te in seen]
    assert [tuple(te) for _, te in inputs.cv_folds(y, 5, 7)] != [te for _, te in seen]   # the seed is used


def test_fuse_and_choose_weight():
    from scipy.special import log_softmax

    from voc.nlp.intent.features import choose_weight, fuse

    emb = np.array([[2.0, 0.0], [0.0, 1.0], [1.0, 0.9]])
    ngram = np.array([[0.0, 0.5], [0.0, 3.0], [0.0, 3.0]])
    np.testing.assert_allclose(fuse(emb, None, 1.0), emb)
    np.testing.assert_allclose(fuse(emb, ngram, 0.0), log_softmax(emb, axis=1))
    y = np.array([0, 1, 1])
    # row 1 is right for weights below 4 (margin 2 - 0.5 w), row 3 for weights above 1/30 (3 w - 0.1):
    assert choose_weight(emb, ngram, y, grid=(0.02, 2.0, 5.0)) == 2.0          # the only weight with all right
    assert choose_weight(emb, ngram, y, grid=(0.01, 5.0, 10.0)) == 0.01        # all 2/3 right: closest to 1 wins
    assert choose_weight(emb, ngram, y) == 1.0                                  # the default grid: 1.0 and others tie
