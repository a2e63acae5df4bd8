"""Pipeline step "embed": one customer-side text embedding per contact, in ``batch.embeddings``.

``pipe`` encodes consecutive batches together, up to ``embed.group_size`` texts: the encoder sorts
what it is given by length, so one long call pads far less than many short ones."""
from __future__ import annotations

from typing import Any, Iterable, Iterator

import numpy as np

from voc import registry
from voc.component import Batch, Component
from voc.config import EmbedConfig
from voc.nlp.embed.embedder import get_embedder
from voc.schema import contact_parts, customer_text


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
        tick = self.progress_ or (lambda n: None)
        done = 0

        def on_progress(n: int) -> None:
            nonlocal done
            done += n
            tick(n)

        if self.config.contact_vector == "messages":
            vectors_per_batch, n_texts = self._pooled_message_vectors(group, on_progress)
        else:
            texts = [customer_text(b.messages, b.contacts, max_chars=self.config.max_chars).tolist() if len(b.contacts) else []
                     for b in group]
            n_texts = sum(len(ts) for ts in texts)
            vectors = emb.encode([t for ts in texts for t in ts], on_progress=on_progress)
            bounds = np.cumsum([0] + [len(ts) for ts in texts])
            vectors_per_batch = [vectors[bounds[i]:bounds[i + 1]] for i in range(len(group))]
        tick(n_texts - done)                           # texts found in the cache or repeated
        for b, v in zip(group, vectors_per_batch):
            b.embeddings = v
            b.extras["embedding_model"] = emb.model_id
            yield b

    def _pooled_message_vectors(self, group: list[Batch], on_progress: Any = None) -> tuple[list[np.ndarray], int]:
        """Each contact's vector as the length-weighted mean of its parts' vectors (subject, customer messages),
        every part encoded once for the whole group; texts are the ones the sentiment step scores (each message
        cut at ``max_chars``), so it finds them in the embedder's memory instead of encoding them again."""
        emb = get_embedder(self.config)
        parts_per_batch = [contact_parts(b.messages, b.contacts, max_chars=self.config.max_chars) if len(b.contacts) else []
                           for b in group]
        flat = [t for parts in parts_per_batch for ps in parts for t in ps]
        vec = emb.encode(flat, on_progress=on_progress) if flat else np.zeros((0, emb.dim), np.float32)
        out, k = [], 0
        for parts in parts_per_batch:
            rows = np.zeros((len(parts), emb.dim), dtype=np.float32)
            for i, ps in enumerate(parts):
                if ps:
                    w = np.sqrt(np.array([max(len(t), 1) for t in ps], dtype=np.float64))
                    rows[i] = (vec[k:k + len(ps)] * w[:, None]).sum(0) / w.sum()
                    k += len(ps)
            if self.config.normalize and len(rows):
                norms = np.linalg.norm(rows, axis=1, keepdims=True)
                rows = rows / np.where(norms > 0, norms, 1.0)
            out.append(rows.astype(np.float32))
        return out, len(flat)

    def info(self) -> dict[str, Any]:
        return {"name": self.name, **get_embedder(self.config).info()}
