"""Features for the supervised intent classifier: frozen sentence embeddings, optionally joined with
TF-IDF character n-grams (they catch the exact tokens embeddings blur: 'PIN', 'SEPA', 'top-up')."""
from __future__ import annotations

from typing import Optional, Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

FEATURE_SETS = ("embedding", "embedding+tfidf")

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


def build(embeddings: np.ndarray, texts: Optional[Sequence[str]], tfidf: Optional[TfidfVectorizer],
          tfidf_weight: float) -> np.ndarray | sp.csr_matrix:
    if tfidf is None:
        return np.asarray(embeddings, dtype=np.float32)
    if texts is None:
        raise ValueError("this classifier uses TF-IDF features: pass the texts as well as the embeddings")
    t = tfidf.transform(list(texts)) * tfidf_weight
    return sp.hstack([sp.csr_matrix(np.asarray(embeddings, dtype=np.float32)), t], format="csr")
