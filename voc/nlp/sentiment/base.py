"""What every sentiment backend provides, and the mapping from a score in [-1, 1] to a label.

A backend is a class registered in ``voc.registry.sentiment_backends`` under its name, built from
``SentimentConfig`` (the constructor only stores it; models load lazily on first use), with

    score(texts)          -> np.ndarray (n,) float64 in [-1, 1]  (negative .. positive)
    predict(texts)        -> list[str] of 'negative' | 'neutral' | 'positive'
    predict_proba(texts)  -> np.ndarray (n, 3) over LABELS, or None when the backend has none
    analyze(texts)        -> SentimentResult with all three from one pass over the texts
    info()                -> dict for run.json (backend, model, thresholds, measured figures)
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Optional, Sequence

import numpy as np

from voc.config import SentimentConfig

LABELS: tuple[str, str, str] = ("negative", "neutral", "positive")


@dataclass
class SentimentResult:
    scores: np.ndarray                    # (n,) in [-1, 1]
    labels: list[str]                     # (n,) one of LABELS
    proba: Optional[np.ndarray] = None    # (n, 3) over LABELS, rows sum to 1; None if the backend has none


def labels_from_scores(scores: np.ndarray | Sequence[float], *, negative_below: float, positive_above: float) -> list[str]:
    """'negative' when score <= negative_below, 'positive' when score >= positive_above, else 'neutral'.

    The bounds are inclusive, as in VADER's reference usage (compound >= 0.05 positive, <= -0.05 negative).
    NaN scores (no text) are 'neutral'.
    """
    s = np.asarray(scores, dtype=np.float64)
    out = np.full(s.shape, "neutral", dtype=object)
    out[s <= negative_below] = "negative"
    out[s >= positive_above] = "positive"
    return out.tolist()


def score_from_proba(proba: np.ndarray) -> np.ndarray:
    """Expected polarity P(positive) - P(negative), in [-1, 1]."""
    p = np.asarray(proba, dtype=np.float64)
    return np.clip(p[:, 2] - p[:, 0], -1.0, 1.0)


def labels_from_proba(proba: np.ndarray) -> list[str]:
    return [LABELS[i] for i in np.asarray(proba).argmax(axis=1)] if len(proba) else []


def clean_texts(texts: Sequence[Any]) -> list[str]:
    return ["" if t is None or (isinstance(t, float) and t != t) else str(t) for t in texts]


class SentimentBackend:
    """Base class: subclasses implement ``analyze``; the other methods derive from it."""

    name: ClassVar[str] = ""

    def __init__(self, config: SentimentConfig) -> None:
        self.config = config

    def analyze(self, texts: Sequence[str]) -> SentimentResult:
        raise NotImplementedError

    def score(self, texts: Sequence[str]) -> np.ndarray:
        return self.analyze(texts).scores

    def predict(self, texts: Sequence[str]) -> list[str]:
        return self.analyze(texts).labels

    def predict_proba(self, texts: Sequence[str]) -> Optional[np.ndarray]:
        return self.analyze(texts).proba

    def info(self) -> dict[str, Any]:
        return {"backend": self.name}

    def __repr__(self) -> str:
        return f"{type(self).__name__}(model={self.config.model!r})"
