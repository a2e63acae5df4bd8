"""``SplittingHDBSCAN``: HDBSCAN that never leaves one giant cluster.

HDBSCAN's "excess of mass" selection prefers a few large, stable clusters: on a small corpus of
short, similar texts (one week of one queue) it often returns two or three clusters holding most
documents, one of them the whole 'everything about cards' mass. A report that says "70% of
contacts are about topic 0" tells a support leader nothing.

After the usual fit, any cluster holding more than ``max_share`` of the documents (and at least
``2 * min_cluster_size`` of them) is clustered again on its own points, with the finer "leaf"
selection; when that finds two or more sub-clusters they replace it (its points left out become
-1 outliers, which the topic model then moves to the nearest topic). This repeats up to
``max_depth`` times. A cluster that cannot be split stays as it is.

The estimator follows the scikit-learn / hdbscan interface BERTopic expects: ``fit(X)`` sets
``labels_`` (int, -1 = noise) and ``probabilities_``; ``splits_`` records what was split.
"""
from __future__ import annotations

from typing import Optional

import numpy as np


class SplittingHDBSCAN:
    def __init__(self, min_cluster_size: int = 10, min_samples: Optional[int] = None, max_share: float = 0.2,
                 max_depth: int = 2, cluster_selection_method: str = "eom") -> None:
        self.min_cluster_size = min_cluster_size
        self.min_samples = min_samples
        self.max_share = max_share
        self.max_depth = max_depth
        self.cluster_selection_method = cluster_selection_method

    def _hdbscan(self, x: np.ndarray, method: str) -> np.ndarray:
        from hdbscan import HDBSCAN

        mcs = max(2, min(self.min_cluster_size, len(x) // 2))
        ms = None if self.min_samples is None else max(1, min(self.min_samples, mcs))
        return HDBSCAN(min_cluster_size=mcs, min_samples=ms, metric="euclidean",
                       cluster_selection_method=method).fit(x).labels_.astype(np.int64)

    def fit(self, X: np.ndarray, y: object = None) -> "SplittingHDBSCAN":
        x = np.asarray(X, dtype=np.float64)
        n = len(x)
        labels = self._hdbscan(x, self.cluster_selection_method)
        self.splits_: list[dict] = []
        limit = self.max_share * n
        for depth in range(self.max_depth):
            ids, counts = np.unique(labels[labels >= 0], return_counts=True)
            giants = [int(t) for t, c in zip(ids, counts) if c > limit and c >= 2 * self.min_cluster_size]
            if not giants:
                break
            changed = False
            for t in giants:
                idx = np.flatnonzero(labels == t)
                sub = self._hdbscan(x[idx], "leaf")
                found = sorted(set(sub.tolist()) - {-1})
                if len(found) < 2:
                    continue
                nxt = int(labels.max()) + 1
                new = np.full(len(idx), -1, dtype=np.int64)
                for j, s in enumerate(found):
                    new[sub == s] = t if j == 0 else nxt + j - 1
                labels[idx] = new
                self.splits_.append({"depth": depth, "size": int(len(idx)), "into": len(found),
                                     "left_out": int(np.sum(sub == -1))})
                changed = True
            if not changed:
                break
        # dense ids 0..k-1 in order of first appearance of each size rank (largest first), -1 kept
        ids, counts = np.unique(labels[labels >= 0], return_counts=True)
        order = ids[np.lexsort((ids, -counts))]
        remap = {int(old): new for new, old in enumerate(order)}
        self.labels_ = np.array([remap.get(int(v), -1) for v in labels], dtype=np.int64)
        self.probabilities_ = (self.labels_ >= 0).astype(np.float64)
        return self
