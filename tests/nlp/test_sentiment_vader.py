"""VADER backend and the score -> label thresholds."""
from __future__ import annotations

import numpy as np
import pytest

from voc import config as cfg
from voc.config import SentimentConfig
from voc.errors import ConfigError
from voc.nlp.sentiment import LABELS, VaderBackend, labels_from_scores, make_backend


def test_vader_clear_cases():
    b = VaderBackend(SentimentConfig())
    texts = ["I love this, thank you so much!", "This is the worst service ever, I am furious.",
             "The parcel arrived on Tuesday.", "Not good at all."]
    res = b.analyze(texts)
    assert res.labels == ["positive", "negative", "neutral", "negative"]
    assert res.scores[0] > 0.5 and res.scores[1] < -0.5 and res.scores[2] == 0.0
    assert res.proba is None
    assert b.predict(texts) == res.labels and np.array_equal(b.score(texts), res.scores)


def test_vader_empty_and_missing_texts_are_neutral_zero():
    res = VaderBackend(SentimentConfig()).analyze(["", None, "   "])  # type: ignore[list-item]
    assert res.labels == ["neutral"] * 3
    assert np.all(res.scores == 0.0)


def test_scores_stay_in_range():
    s = VaderBackend(SentimentConfig()).score(["!!!! LOVE LOVE LOVE best best best :) :) :)",
                                               "hate hate awful terrible worst :("])
    assert np.all(np.abs(s) <= 1.0)


def test_label_thresholds_are_inclusive_and_configurable():
    s = np.array([-0.5, -0.05, -0.0499, 0.0, 0.0499, 0.05, 0.9, np.nan])
    assert labels_from_scores(s, negative_below=-0.05, positive_above=0.05) == [
        "negative", "negative", "neutral", "neutral", "neutral", "positive", "positive", "neutral"]
    # wider neutral band: a mildly positive text becomes neutral
    assert labels_from_scores([0.3, -0.3], negative_below=-0.5, positive_above=0.5) == ["neutral", "neutral"]


def test_vader_backend_uses_config_thresholds():
    text = ["Please send the invoice to the billing address."]  # VADER compound ~0.32 ("please")
    assert VaderBackend(SentimentConfig()).predict(text) == ["positive"]
    assert VaderBackend(SentimentConfig(negative_below=-0.5, positive_above=0.5)).predict(text) == ["neutral"]


def test_inverted_thresholds_are_a_config_error():
    with pytest.raises(ConfigError) as e:
        cfg.from_dict({"sentiment": {"negative_below": 0.4, "positive_above": 0.1}})
    assert e.value.code == "E102" and "sentiment.positive_above" in e.value.cause


def test_unknown_backend_names_the_available_ones():
    with pytest.raises(ConfigError) as e:
        make_backend(SentimentConfig(backend="textblob"))
    assert e.value.code == "E103"
    for name in ("vader", "trained", "transformers", "auto"):
        assert name in e.value.cause
    assert set(LABELS) == {"negative", "neutral", "positive"}
