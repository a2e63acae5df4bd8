"""Backend "vader": the VADER lexicon-and-rules model (Hutto & Gilbert 2014), no training, no GPU.

score = VADER's compound polarity in [-1, 1]; label by the config thresholds
(defaults -0.05 / +0.05, the VADER authors' recommendation).
"""
from __future__ import annotations

import functools
import threading
from typing import Any, Sequence

import numpy as np

from voc import registry
from voc.nlp.sentiment.base import SentimentBackend, SentimentResult, clean_texts, labels_from_scores

VADER_FEATURES = ("compound", "neg", "neu", "pos")
_LOCK = threading.Lock()


@functools.lru_cache(maxsize=1)
def _analyzer():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def vader_features(texts: Sequence[str]) -> np.ndarray:
    """(n, 4) float64: VADER compound, neg, neu, pos for each text (an empty text gives 0, 0, 0, 0)."""
    with _LOCK:
        an = _analyzer()
    out = np.zeros((len(texts), len(VADER_FEATURES)), dtype=np.float64)
    for i, t in enumerate(clean_texts(texts)):
        if t.strip():
            s = an.polarity_scores(t)
            out[i] = [s[k] for k in VADER_FEATURES]
    return out


@registry.sentiment_backends.register("vader")
class VaderBackend(SentimentBackend):
    name = "vader"

    def analyze(self, texts: Sequence[str]) -> SentimentResult:
        scores = vader_features(texts)[:, 0]
        labels = labels_from_scores(scores, negative_below=self.config.negative_below,
                                    positive_above=self.config.positive_above)
        return SentimentResult(scores=scores, labels=labels, proba=None)

    def info(self) -> dict[str, Any]:
        from voc.nlp.sentiment.figures import MEASURED

        return {"backend": self.name, "model": "vaderSentiment (lexicon)",
                "negative_below": self.config.negative_below, "positive_above": self.config.positive_above,
                "measured": MEASURED.get("vader")}
