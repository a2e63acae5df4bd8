"""Exact cosine nearest neighbours of the topic model's documents, for UMAP's ``precomputed_knn``.

UMAP builds its neighbour graph either from a full distance matrix (under 4,096 documents, with its
distance function called from Python once per pair: 16 million calls for 4,000 documents) or with
NN-descent (approximate, and numba-compiled per process). The documents here are L2-normalised
sentence embeddings, so cosine distance is ``1 - x . y`` and the exact neighbours of a few thousand
to a few tens of thousands of documents come from blocked matrix products (BLAS) in a second or two.
The result is exact and deterministic; ties are broken by document order.
"""
from __future__ import annotations

import numpy as np

BLOCK_BYTES = 64 * 1024 * 1024    # similarity rows computed at once: bounds the working memory


def cosine_knn(x: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(indices, distances), both (n, k): for each row of the L2-normalised matrix ``x``, the ``k``
    nearest rows by cosine distance, itself first (distance 0), nearest first, as UMAP expects."""
    x = np.ascontiguousarray(x, dtype=np.float32)
    n = x.shape[0]
    if not 1 <= k <= n:
        raise ValueError(f"k must be between 1 and the number of rows ({n}), got {k}")
    idx = np.empty((n, k), dtype=np.int32)
    dist = np.empty((n, k), dtype=np.float32)
    rows = max(1, min(n, BLOCK_BYTES // (4 * n)))
    for start in range(0, n, rows):
        stop = min(n, start + rows)
        d = 1.0 - x[start:stop] @ x.T
        np.clip(d, 0.0, 2.0, out=d)
        local = np.arange(stop - start)
        d[local, local + start] = -1.0          # each point is its own first neighbour
        if k < n:
            part = np.argpartition(d, k - 1, axis=1)[:, :k]
        else:
            part = np.broadcast_to(np.arange(n), (stop - start, n)).copy()
        pd_ = np.take_along_axis(d, part, axis=1)
        order = np.lexsort((part, pd_), axis=1)  # by distance, then by document index
        idx[start:stop] = np.take_along_axis(part, order, axis=1)
        dist[start:stop] = np.take_along_axis(pd_, order, axis=1)
    dist[:, 0] = 0.0                            # the -1 marker of each point itself
    return idx, dist
