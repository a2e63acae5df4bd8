"""How the topic model's settings adapt to the size of the corpus.

UMAP and HDBSCAN need a minimum of documents: UMAP's neighbour graph needs more documents than
neighbours, its spectral layout more than ``n_components + 1``, and HDBSCAN cannot form a cluster
of ``min_topic_size`` documents out of fewer. Rather than fail (or silently invent topics), the
settings shrink with the corpus within these documented bounds:

    n_neighbors     = min(config.n_neighbors,    max(2, n // 3))
    n_components    = min(config.n_components,   max(2, n - 3))
    min_topic_size  = min(config.min_topic_size, max(3, n // 8))

and below ``MIN_DOCS`` documents no topic model is fitted at all: every contact gets topic -1
("unassigned") and the reason is reported in ``info()``.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

from voc.config import TopicsConfig

MIN_DOCS = 12


@dataclass(frozen=True)
class EffectiveParams:
    n_docs: int
    n_neighbors: int
    n_components: int
    min_topic_size: int
    adapted: bool

    def as_dict(self) -> dict:
        return asdict(self)


def effective_params(n_docs: int, config: TopicsConfig) -> EffectiveParams | None:
    """The settings used for ``n_docs`` documents, or None when there are too few to model."""
    if n_docs < MIN_DOCS:
        return None
    nn = min(config.n_neighbors, max(2, n_docs // 3))
    nc = min(config.n_components, max(2, n_docs - 3))
    mts = min(config.min_topic_size, max(3, n_docs // 8))
    adapted = (nn, nc, mts) != (config.n_neighbors, config.n_components, config.min_topic_size)
    return EffectiveParams(n_docs, nn, nc, mts, adapted)
