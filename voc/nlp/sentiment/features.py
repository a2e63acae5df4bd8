"""Features of the trained backend: the sentence embedding of each text (the shared voc embedder,
L2-normalised) followed by VADER's compound, neg, neu and pos scores."""
from __future__ import annotations

from typing import Any, Optional, Sequence

import numpy as np

from voc.config import EmbedConfig
from voc.nlp.sentiment.base import clean_texts
from voc.nlp.sentiment.vader import VADER_FEATURES, vader_features


class SentimentFeaturizer:
    """``transform(texts) -> (n, dim + 4)`` float64. The embedder is the process-wide shared one
    (``voc.nlp.embed.get_embedder``), so the sentence model is loaded once for every component."""

    def __init__(self, embed: Optional[EmbedConfig] = None) -> None:
        self.embed = embed or EmbedConfig()

    @property
    def embedder(self):
        from voc.nlp.embed import get_embedder

        return get_embedder(self.embed)

    def spec(self) -> dict[str, Any]:
        emb = self.embedder
        return {"embed_model": self.embed.model, "embedding_model": emb.model_id, "embedding_dim": int(emb.dim),
                "normalize": self.embed.normalize,
                "embedding_precision": emb.precision,
                "max_chars": self.embed.max_chars, "vader": list(VADER_FEATURES)}

    def transform(self, texts: Sequence[str], *, show_progress: bool = False) -> np.ndarray:
        texts = clean_texts(texts)
        cut = [t[: self.embed.max_chars] for t in texts]
        E = self.embedder.encode(cut, show_progress=show_progress).astype(np.float64)
        return np.hstack([E, vader_features(texts)])
