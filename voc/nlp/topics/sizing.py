"""How the topic model's settings adapt to the size of the corpus.

A fixed ``min_cluster_size`` cannot serve both a team looking at one week of one queue (a few
hundred contacts) and a year of contacts: at 500 documents a minimum of 10 leaves HDBSCAN a few
large clusters; at 100,000 a minimum of 5 gives thousands of crumbs. Each setting left at
``null`` ("auto", the default) is therefore a function of the number of documents ``n``:

    min_topic_size  = clamp(round(sqrt(n) / 4), 3, 15)       # 500 -> 6, 2,000 -> 11, >= 3,600 -> 15
    min_samples     = min(min_topic_size, max(3, min_topic_size // 2))   # HDBSCAN core density
    n_neighbors     = clamp(round(sqrt(n) / 2), 5, 15)       # 100 -> 5, 500 -> 11, >= 900 -> 15

A value set in the config is used as given. Whatever the source, the settings are bounded so that
UMAP and HDBSCAN can run at all (UMAP's neighbour graph needs more documents than neighbours, its
spectral layout more than ``n_components + 1``; HDBSCAN cannot form a cluster of ``min_topic_size``
out of fewer):

    n_neighbors     <= max(2, n // 3)
    n_components    <= max(2, n - 3)
    min_topic_size  <= max(3, n // 8)

and below ``MIN_DOCS`` documents no topic model is fitted at all: every contact gets topic -1
("unassigned") and the reason is reported in ``info()``. ``adapted`` is True when a setting was
scaled to the corpus (auto) or a value set in the config had to shrink; the model's notes say so.
benchmarks/eval_topics.py measures the effect (docs/topics.md).
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

from voc.config import TopicsConfig

MIN_DOCS = 12


@dataclass(frozen=True)
class EffectiveParams:
    n_docs: int
    n_neighbors: int
    n_components: int
    min_topic_size: int
    min_samples: int
    max_topic_share: float
    adapted: bool

    def as_dict(self) -> dict:
        return asdict(self)


def _clamp(v: float, lo: int, hi: int) -> int:
    return int(max(lo, min(hi, round(v))))


def auto_min_topic_size(n_docs: int) -> int:
    return _clamp(math.sqrt(max(n_docs, 1)) / 4, 3, 15)


def auto_n_neighbors(n_docs: int) -> int:
    return _clamp(math.sqrt(max(n_docs, 1)) / 2, 5, 15)


def effective_params(n_docs: int, config: TopicsConfig) -> EffectiveParams | None:
    """The settings used for ``n_docs`` documents, or None when there are too few to model."""
    if n_docs < MIN_DOCS:
        return None
    want_nn = config.n_neighbors if config.n_neighbors is not None else auto_n_neighbors(n_docs)
    want_mts = config.min_topic_size if config.min_topic_size is not None else auto_min_topic_size(n_docs)
    nn = min(want_nn, max(2, n_docs // 3))
    nc = min(config.n_components, max(2, n_docs - 3))
    mts = min(want_mts, max(3, n_docs // 8))
    ms = config.min_samples if config.min_samples is not None else max(3, mts // 2)
    ms = max(1, min(ms, mts))
    auto = config.n_neighbors is None or config.min_topic_size is None or config.min_samples is None
    adapted = auto or (nn, nc, mts) != (want_nn, config.n_components, want_mts)
    return EffectiveParams(n_docs, nn, nc, mts, ms, float(config.max_topic_share), adapted)
