"""Pipeline step "embed": one customer-side text embedding per contact, in ``batch.embeddings``.

``pipe`` encodes consecutive batches together, up to ``embed.group_size`` texts: the encoder sorts
what it is given by length, so one long call pads far less than many short ones."""
from __future__ import annotations

from typing import Any, Iterable, Iterator

from voc import registry
from voc.component import Batch, Component
from voc.config import EmbedConfig
from voc.schema import customer_text
from voc.nlp.embed.embedder import get_embedder


@registry.components.register("embed")
class EmbedComponent(Component):
    name = "embed"

    reports_progress = True

    def __init__(self, config: EmbedConfig) -> None:
        self.config = config

    def load(self) -> None:
        get_embedder(self.config).model_

    def __call__(self, batch: Batch) -> Batch:
        return next(self._encode_group([batch]))

    def pipe(self, batches: Iterable[Batch]) -> Iterator[Batch]:
        group: list[Batch] = []
        n = 0
        for b in batches:
            group.append(b)
            n += len(b)
            if n >= self.config.group_size:
                yield from self._encode_group(group)
                group, n = [], 0
        if group:
            yield from self._encode_group(group)

    def _encode_group(self, group: list[Batch]) -> Iterator[Batch]:
        emb = get_embedder(self.config)
        texts = [customer_text(b.messages, b.contacts, max_chars=self.config.max_chars).tolist() if len(b.contacts) else []
                 for b in group]
        flat = [t for ts in texts for t in ts]
        tick = self.progress_ or (lambda n: None)
        done = 0

        def on_progress(n: int) -> None:
            nonlocal done
            done += n
            tick(n)

        vectors = emb.encode(flat, on_progress=on_progress)
        tick(len(flat) - done)                           # texts found in the cache or repeated
        start = 0
        for b, ts in zip(group, texts):
            b.embeddings = vectors[start:start + len(ts)]
            start += len(ts)
            b.extras["embedding_model"] = emb.model_id
            yield b

    def info(self) -> dict[str, Any]:
        return {"name": self.name, **get_embedder(self.config).info()}
