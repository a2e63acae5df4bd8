"""What the supervised intent classifier scores with: frozen sentence embeddings, and optionally a
second linear head on TF-IDF character n-grams, fused late.

The n-gram head catches the exact tokens embeddings blur ('PIN', 'SEPA', 'top-up', 'reverted' vs
'failed'). The two heads are trained separately and their log-probabilities added, the n-gram head
weighted (a product of experts): on Banking77 this beat both heads alone, while joining the
features into one logistic regression did not (measured figures in docs/evaluation.md).
"""
from __future__ import annotations

from typing import Optional, Sequence

import numpy as np
from scipy.special import log_softmax
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

FEATURE_SETS = ("embedding", "embedding+tfidf", "stacked")   # stacked: voc.nlp.intent.ensemble
# Candidate weights of the n-gram head when it is chosen on the held-out split ('auto').
WEIGHT_GRID = (0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0)

TFIDF_PARAMS = dict(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True, lowercase=True,
                    max_features=200_000, dtype=np.float32)


def new_tfidf() -> TfidfVectorizer:
    return TfidfVectorizer(**TFIDF_PARAMS)


def tfidf_from_arrays(vocab: np.ndarray, idf: np.ndarray) -> TfidfVectorizer:
    """Rebuild a fitted vectorizer from its saved vocabulary and idf weights (no pickle)."""
    vec = TfidfVectorizer(**{**TFIDF_PARAMS, "max_features": None, "min_df": 1},
                          vocabulary={str(t): i for i, t in enumerate(vocab)})
    vec.idf_ = np.asarray(idf, dtype=np.float64)
    return vec


def tfidf_to_arrays(vec: TfidfVectorizer) -> tuple[np.ndarray, np.ndarray]:
    terms = np.empty(len(vec.vocabulary_), dtype=object)
    for t, i in vec.vocabulary_.items():
        terms[i] = t
    return terms.astype(str), np.asarray(vec.idf_, dtype=np.float32)


def softmax_weights(lr: LogisticRegression) -> tuple[np.ndarray, np.ndarray]:
    """(coef (k, d), intercept (k,)) as float32 for a softmax over k >= 2 classes: binary logistic
    regression keeps one row, expanded here to two with the same probabilities."""
    coef = np.asarray(lr.coef_, dtype=np.float32)
    intercept = np.asarray(lr.intercept_, dtype=np.float32)
    if coef.shape[0] == 1:
        coef = np.vstack([-coef / 2, coef / 2])
        intercept = np.array([-intercept[0] / 2, intercept[0] / 2], dtype=np.float32)
    return coef, intercept


def linear_scores(X, coef: np.ndarray, intercept: np.ndarray) -> np.ndarray:
    return np.asarray(X @ coef.T, dtype=np.float64) + intercept


def fuse(embedding_scores: np.ndarray, tfidf_scores: Optional[np.ndarray], weight: float) -> np.ndarray:
    """The classifier's logits: the embedding head's own, or with the n-gram head the weighted sum
    of both heads' log-probabilities."""
    if tfidf_scores is None:
        return embedding_scores
    return log_softmax(embedding_scores, axis=1) + weight * log_softmax(tfidf_scores, axis=1)


def choose_weight(embedding_scores: np.ndarray, tfidf_scores: np.ndarray, y: np.ndarray,
                  grid: Sequence[float] = WEIGHT_GRID) -> float:
    """The grid weight with the best held-out accuracy (ties: the one closest to 1)."""
    acc = {w: float(np.mean(fuse(embedding_scores, tfidf_scores, w).argmax(axis=1) == y)) for w in grid}
    return max(grid, key=lambda w: (acc[w], -abs(w - 1.0)))
