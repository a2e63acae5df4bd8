"""KeyBERT-style topic keywords: c-TF-IDF proposes, the embedding space decides.

c-TF-IDF ranks words by how specific they are to a topic's documents, which favours rare words
that happen to occur in a few of them ("remember", "recognize"). BERTopic's KeyBERTInspired and
MaximalMarginalRelevance representations fix this by re-ranking the candidates by how close each
is to the topic's meaning; they need BERTopic's own embedding model, which voc does not hand it
(embeddings are computed once, cached, and passed in). This does the same with voc's embedder:

1. candidates: the topic's top ``N_CANDIDATES`` c-TF-IDF terms (placeholders and stop words
   already excluded by the vocabulary);
2. relevance: cosine similarity of each candidate's embedding to the topic centroid;
3. Maximal Marginal Relevance (``diversity`` 0.3): pick the most relevant term, then each next
   term maximising ``(1 - diversity) * relevance - diversity * max similarity to terms picked``,
   so the label does not repeat one idea three times ("card · cards · card payment").

Terms are kept in c-TF-IDF order among equally good ones (stable); the fitted model's labels are
built from these keywords (``voc.nlp.topics.labels``).
"""
from __future__ import annotations

from typing import Callable, Mapping, Sequence

import numpy as np

N_CANDIDATES = 30


def _normalise(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)


def mmr(term_vecs: np.ndarray, centroid: np.ndarray, top_n: int, diversity: float) -> list[int]:
    """Indices of ``top_n`` terms by Maximal Marginal Relevance to ``centroid``."""
    if len(term_vecs) == 0:
        return []
    rel = term_vecs @ centroid
    pair = term_vecs @ term_vecs.T
    picked = [int(np.argmax(rel))]
    while len(picked) < min(top_n, len(term_vecs)):
        rest = [i for i in range(len(term_vecs)) if i not in picked]
        score = (1 - diversity) * rel[rest] - diversity * pair[np.ix_(rest, picked)].max(axis=1)
        picked.append(rest[int(np.argmax(score))])
    return picked


def rerank_keywords(candidates: Mapping[int, Sequence[str]], centroids: Mapping[int, np.ndarray],
                    embed: Callable[[list[str]], np.ndarray], *, top_n: int = 10,
                    diversity: float = 0.3) -> dict[int, list[str]]:
    """Per topic id, ``top_n`` of its candidate terms re-ranked by MMR against its centroid."""
    vocab = sorted({w for ws in candidates.values() for w in ws})
    if not vocab:
        return {t: [] for t in candidates}
    vecs = _normalise(embed(vocab))
    index = {w: i for i, w in enumerate(vocab)}
    out: dict[int, list[str]] = {}
    for t, words in candidates.items():
        words = list(dict.fromkeys(words))
        if not words:
            out[t] = []
            continue
        c = np.asarray(centroids[t], dtype=np.float32)
        c = c / max(float(np.linalg.norm(c)), 1e-12)
        picked = mmr(vecs[[index[w] for w in words]], c, top_n, diversity)
        out[t] = [words[i] for i in picked]
    return out
