"""Pipeline step "embed": one customer-side text embedding per contact, in ``batch.embeddings``."""
from __future__ import annotations

from typing import Any

from voc import registry
from voc.component import Batch, Component
from voc.config import EmbedConfig
from voc.schema import customer_text
from voc.nlp.embed.embedder import get_embedder


@registry.components.register("embed")
class EmbedComponent(Component):
    name = "embed"

    def __init__(self, config: EmbedConfig) -> None:
        self.config = config

    def __call__(self, batch: Batch) -> Batch:
        emb = get_embedder(self.config)
        if len(batch.contacts) == 0:
            batch.embeddings = emb.encode([])
        else:
            texts = customer_text(batch.messages, batch.contacts, max_chars=self.config.max_chars)
            batch.embeddings = emb.encode(texts.tolist())
        batch.extras["embedding_model"] = emb.model_id
        return batch

    def info(self) -> dict[str, Any]:
        return {"name": self.name, **get_embedder(self.config).info()}
