"""Out-of-scope detection from the classifier's confidence plus the distance to the training data
(voc.nlp.intent.ood): the score, the choice of weight and threshold, persistence, and CLINC150."""
from __future__ import annotations

import json

import numpy as np
import pytest

from tests.conftest import shared_file
from voc.config import EmbedConfig
from voc.nlp.intent import IntentClassifier
from voc.nlp.intent.ood import DistanceScorer, choose_rule


def test_distance_score_is_the_mahalanobis_distance_to_the_nearest_class():
    rng = np.random.default_rng(0)
    means = np.array([[0.0, 0.0, 0.0], [5.0, 0.0, 0.0], [0.0, 5.0, 0.0]])
    scale = np.array([1.0, 0.2, 3.0])                        # anisotropic: Euclidean would rank wrongly
    y = np.repeat(np.arange(3), 200)
    x = means[y] + rng.normal(size=(600, 3)) * scale
    d = DistanceScorer.fit(x, y)
    q = np.array([[0.0, 0.0, 6.0], [0.0, 1.5, 0.0]])           # 2 sd along z (typical) vs 7.5 sd along y (not)
    s = d.score(q)
    assert s[0] > s[1]
    brute = [-min(float((v - m) @ d.precision @ (v - m)) for m in d.means) for v in q]
    np.testing.assert_allclose(s, brute, rtol=1e-3, atol=1e-3)


def test_rule_uses_distance_when_confidence_cannot_tell():
    rng = np.random.default_rng(1)
    conf_in, conf_oos = rng.uniform(0.5, 1.0, 500), rng.uniform(0.5, 1.0, 60)    # confidence: same for both
    dist_in, dist_oos = rng.normal(0.0, 1.0, 500), rng.normal(-4.0, 1.0, 60)    # distance: separates
    correct = np.ones(500, dtype=bool)
    rule = choose_rule(conf_in, dist_in, correct, conf_oos, dist_oos)
    assert rule.weight > 0
    recall = np.mean(rule.combined(conf_oos, dist_oos) < rule.threshold)
    kept = np.mean(rule.combined(conf_in, dist_in) >= rule.threshold)
    assert recall >= 0.75 and kept >= 0.95            # confidence alone: recall ~ chance
    # and when the distance says nothing, it gets no weight
    flat = choose_rule(np.r_[np.full(500, 0.9)], rng.normal(size=500), correct, np.full(60, 0.3), rng.normal(size=60))
    assert flat.weight == 0.0


@pytest.fixture(scope="module")
def clinc_subset(shared_data):
    d = json.loads(shared_file(shared_data, "clinc150/train_val.json").read_text())
    keep = sorted({lab for _, lab in d["train"]})[:40]
    sub = {k: [r for r in d[k] if r[1] in keep] for k in ("train", "val")}
    sub["oos_train"], sub["oos_val"] = d["oos_train"], d["oos_val"]
    return sub


@pytest.mark.slow
def test_distance_raises_oos_recall_on_clinc150(clinc_subset, tmp_path):
    d = clinc_subset
    emb = EmbedConfig(precision="int8")
    texts = [t for t, _ in d["train"] + d["oos_train"]]
    labels = [lab for _, lab in d["train"] + d["oos_train"]]
    both = IntentClassifier(embed=emb, feature_set="embedding").fit(texts, labels)
    conf_only = IntentClassifier(embed=emb, feature_set="embedding", ood="confidence").fit(texts, labels)
    val_t, val_y = [t for t, _ in d["val"]], np.array([lab for _, lab in d["val"]], dtype=object)
    oos_t = [t for t, _ in d["oos_val"]]

    def figures(clf):
        ins, _ = clf.predict(val_t)
        oos, _ = clf.predict(oos_t)
        return float(np.mean(ins == val_y)), float(np.mean(oos == "unknown"))

    acc_b, rec_b = figures(both)
    acc_c, rec_c = figures(conf_only)
    assert both.holdout_["ood"] == "distance+confidence" and conf_only.holdout_["ood"] == "confidence"
    assert rec_b >= rec_c + 0.05 and acc_b >= acc_c - 0.02      # more OOS found for (almost) no in-scope loss
    loaded = IntentClassifier.load(both.save(tmp_path / "m"), embed=emb)
    assert figures(loaded) == (acc_b, rec_b)                    # the rule and the class statistics are saved
    # a threshold given by hand is a plain confidence threshold
    lab, conf = both.predict(oos_t, threshold=0.0)
    assert not np.any(lab == "unknown")
