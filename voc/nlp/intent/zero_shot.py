"""Zero-shot intent classification from a taxonomy (no labelled data): a contact gets the intent whose
example phrases and description its embedding is most similar to; below the threshold it is 'unknown'.

Score of intent c for text x: the mean of the top-k cosine similarities between x and c's example
phrases (the description counts as one more example). Averaging the k nearest, rather than taking
the single nearest, keeps one lucky paraphrase from deciding. The score is a cosine similarity in
[-1, 1], reported clipped to [0, 1] as the confidence.
"""
from __future__ import annotations

from typing import Any, Optional, Sequence

import numpy as np

from voc.config import EmbedConfig
from voc.nlp.embed import get_embedder
from voc.nlp.intent.taxonomy import Taxonomy, load_taxonomy

DEFAULT_ZERO_SHOT_THRESHOLD = 0.35


class ZeroShotIntentClassifier:
    """``fit()`` embeds the taxonomy's examples; ``predict(texts)`` -> (labels, confidences)."""

    def __init__(self, taxonomy: Optional[Taxonomy] = None, *, threshold: Optional[float] = None,
                 top_k: int = 3, embed: Optional[EmbedConfig] = None) -> None:
        self.taxonomy = taxonomy
        self.threshold = threshold
        self.top_k = top_k
        self.embed = embed

    def fit(self, texts: Any = None, labels: Any = None) -> "ZeroShotIntentClassifier":
        tax = self.taxonomy if self.taxonomy is not None else load_taxonomy()
        self.taxonomy_ = tax
        self.embedder_ = get_embedder(self.embed or EmbedConfig())
        phrases, owner = [], []
        for j, intent in enumerate(tax.intents):
            for p in (intent.description, *intent.examples):
                phrases.append(p)
                owner.append(j)
        self.example_embeddings_ = self.embedder_.encode(phrases)
        self.example_owner_ = np.asarray(owner)
        self.classes_ = np.asarray(tax.labels, dtype=object)
        thr = self.threshold if self.threshold is not None else tax.threshold
        self.threshold_ = float(thr if thr is not None else DEFAULT_ZERO_SHOT_THRESHOLD)
        self.unknown_label_ = tax.unknown_label
        self.model_id_ = self.embedder_.model_id
        return self

    def _check(self) -> None:
        if not hasattr(self, "classes_"):
            self.fit()

    def scores(self, embeddings: np.ndarray) -> np.ndarray:
        """(n, n_intents) similarity scores for L2-normalised embeddings."""
        self._check()
        sims = np.asarray(embeddings, dtype=np.float32) @ self.example_embeddings_.T
        out = np.empty((sims.shape[0], len(self.classes_)), dtype=np.float32)
        for j in range(len(self.classes_)):
            s = sims[:, self.example_owner_ == j]
            k = min(self.top_k, s.shape[1])
            out[:, j] = np.sort(s, axis=1)[:, -k:].mean(axis=1) if s.shape[0] else np.zeros(0)
        return out

    def predict(self, texts: Sequence[str], *, embeddings: Optional[np.ndarray] = None,
                threshold: Optional[float] = None) -> tuple[np.ndarray, np.ndarray]:
        self._check()
        emb = embeddings if embeddings is not None else self.embedder_.encode(list(texts))
        if len(emb) == 0:
            return np.asarray([], dtype=object), np.asarray([], dtype=np.float64)
        sc = self.scores(emb)
        best = sc.argmax(axis=1)
        conf = np.clip(sc[np.arange(len(sc)), best], 0.0, 1.0).astype(np.float64)
        thr = self.threshold_ if threshold is None else threshold
        labels = np.where(conf >= thr, self.classes_[best], self.unknown_label_).astype(object)
        return labels, conf

    def info(self) -> dict[str, Any]:
        self._check()
        return {"kind": "zero-shot", "taxonomy": self.taxonomy_.path or self.taxonomy_.name,
                "n_intents": len(self.classes_), "threshold": self.threshold_, "top_k": self.top_k,
                "embedding_model": self.model_id_}
