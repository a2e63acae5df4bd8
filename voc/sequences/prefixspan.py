"""PrefixSpan over integer-coded sequences, with the semantics of Spark MLlib's PrefixSpan
(``pyspark.ml.fpm.PrefixSpan`` with one item per itemset):

* a pattern is a sequence of items; a sequence *contains* it when the items occur in this order,
  gaps allowed;
* the frequency of a pattern is the number of sequences containing it (each counted once, here
  with an integer weight so identical sequences are mined once);
* a pattern is returned when frequency >= ceil(min_support * number of sequences), empty
  sequences included in that number (MLlib: ``math.ceil(minSupport * data.count())``);
* every frequent pattern of 1 .. max_pattern_length items is returned.

Implementation: the sequences are concatenated in one array; for every item a sorted posting
list of its global positions. A projected database is the array of positions just after the
first match of the prefix in each sequence containing it (for single-item patterns the earliest
match is enough: any later match leaves a suffix contained in the earliest one). Extending by
item ``i`` is a lookup in a next-occurrence table (frequent items x positions, all candidates
of a node in one gather) or, when that table would be too big, one ``searchsorted`` of the
projection in the postings of ``i``. Candidate items for
the children of ``p+x`` are the frequent extensions of ``p`` (if ``p+i`` is rare, so is
``p+x+i``). Memory is O(total length); no Python object per event.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

# Above this many cells (frequent items x total length) the next-occurrence table is not built
# and each extension is a searchsorted in the item's posting list instead (same result).
NEXT_TABLE_MAX_CELLS = 48_000_000


@dataclass(frozen=True)
class Sequences:
    """Distinct sequences as CSR: ``codes[offsets[k]:offsets[k+1]]`` is sequence k (item codes
    0..n_items-1), ``weights[k]`` how many journeys have it, ``extra[k]`` how many of those
    reached the outcome (confidence numerator; zeros when there is no outcome)."""

    codes: np.ndarray
    offsets: np.ndarray
    weights: np.ndarray
    extra: np.ndarray
    n_items: int

    @classmethod
    def from_lists(cls, seqs: list[list[int]], weights=None, extra=None) -> "Sequences":
        lengths = np.fromiter((len(s) for s in seqs), dtype=np.int64, count=len(seqs))
        offsets = np.zeros(len(seqs) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        codes = np.fromiter((x for s in seqs for x in s), dtype=np.int64, count=int(offsets[-1]))
        w = np.ones(len(seqs), dtype=np.int64) if weights is None else np.asarray(weights, dtype=np.int64)
        e = np.zeros(len(seqs), dtype=np.int64) if extra is None else np.asarray(extra, dtype=np.int64)
        return cls(codes, offsets, w, e, int(codes.max()) + 1 if len(codes) else 0)

    @property
    def total(self) -> int:
        return int(self.weights.sum())


def min_count(min_support: float, n_sequences: int) -> int:
    """MLlib's threshold: ceil(minSupport * count), 0 when minSupport is 0."""
    return 0 if min_support == 0 else int(math.ceil(min_support * n_sequences))


@dataclass(frozen=True)
class Found:
    """Frequent patterns as arrays, most frequent first (ties: shorter, then by item codes):
    ``items[k, :length[k]]`` is pattern k (item codes; -1 pads), ``count[k]`` its frequency,
    ``extra[k]`` the extra-weight sum of the sequences containing it."""

    items: np.ndarray
    length: np.ndarray
    count: np.ndarray
    extra: np.ndarray

    def __len__(self) -> int:
        return len(self.count)

    def tuples(self) -> list[tuple[tuple[int, ...], int, int]]:
        return [(tuple(int(x) for x in self.items[k, :self.length[k]]), int(self.count[k]), int(self.extra[k]))
                for k in range(len(self.count))]


class _Out:
    """Accepted patterns, in chunks (one per expanded node); with a cap, patterns that can no
    longer be among the ``cap`` most frequent are dropped and the threshold raised."""

    def __init__(self, width: int, threshold: int, cap: int | None) -> None:
        self.width, self.threshold, self.cap = width, threshold, cap
        self.chunks: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self.n = 0
        self.n_at_compaction = 0

    def add(self, prefix: tuple[int, ...], items: np.ndarray, count: np.ndarray, extra: np.ndarray) -> None:
        block = np.full((len(items), self.width), -1, dtype=np.int64)
        if prefix:
            block[:, :len(prefix)] = prefix
        block[:, len(prefix)] = items
        self.chunks.append((block, count, extra))
        self.n += len(items)
        if self.cap is not None and self.n > max(2 * self.n_at_compaction, self.cap + 1024):
            self.compact()

    def compact(self) -> None:
        """Raise the threshold to the cap-th largest count found so far (a pattern below it cannot
        be in the result, nor can any extension of it: support only falls) and drop the rest."""
        if self.cap is None or self.n <= self.cap or not self.chunks:
            return
        counts = np.concatenate([c for _, c, _ in self.chunks])
        kth = int(np.partition(counts, len(counts) - self.cap)[len(counts) - self.cap])
        if kth > self.threshold:
            self.threshold = kth
            self.chunks = [(b[c >= kth], c[c >= kth], e[c >= kth]) for b, c, e in self.chunks]
            self.n = sum(len(c) for _, c, _ in self.chunks)
        self.n_at_compaction = self.n

    def result(self) -> Found:
        self.compact()
        if not self.chunks:
            z = np.zeros(0, dtype=np.int64)
            return Found(np.zeros((0, self.width), dtype=np.int64), z, z, z)
        items = np.concatenate([b for b, _, _ in self.chunks])
        count = np.concatenate([c for _, c, _ in self.chunks]).astype(np.int64)
        extra = np.concatenate([e for _, _, e in self.chunks]).astype(np.int64)
        length = (items >= 0).sum(axis=1).astype(np.int64)
        order = np.lexsort(tuple(items[:, j] for j in range(self.width - 1, -1, -1)) + (length, -count))
        return Found(items[order], length[order], count[order], extra[order])


def prefixspan(data: Sequences, min_support: float, max_pattern_length: int, max_patterns: int | None = None
               ) -> list[tuple[tuple[int, ...], int, int]]:
    """Frequent sequential patterns: (pattern as item codes, frequency, extra-weight sum), most
    frequent first. With ``max_patterns``: only the ``max_patterns`` most frequent (ties: shorter,
    then lower item codes); their frequencies are exact."""
    found = mine_patterns(data, min_support, max_pattern_length, max_patterns)
    out = found.tuples()
    return out[:max_patterns] if max_patterns is not None else out


def mine_patterns(data: Sequences, min_support: float, max_pattern_length: int,
                  max_patterns: int | None = None) -> Found:
    """PrefixSpan (module doc) returning arrays. With ``max_patterns`` the search keeps the
    threshold at the ``max_patterns``-th largest frequency found so far (top-k mining: most
    frequent branches first), so it returns every pattern whose frequency reaches the
    ``max_patterns``-th largest one: at least ``max_patterns`` rows when there are that many
    (ties at the boundary are all kept; the caller cuts them in its own order)."""
    if not 0 <= min_support <= 1:
        raise ValueError("min_support must be in [0, 1]")
    if max_pattern_length < 1:
        raise ValueError("max_pattern_length must be >= 1")
    if max_patterns is not None and max_patterns < 1:
        raise ValueError("max_patterns must be >= 1 (or None: no cap)")
    out = _Out(max_pattern_length, max(min_count(min_support, data.total), 1), max_patterns)
    n_seq = len(data.weights)
    if n_seq == 0 or len(data.codes) == 0:
        return out.result()
    codes, offsets = data.codes, data.offsets
    seq_of_pos = np.repeat(np.arange(n_seq, dtype=np.int64), np.diff(offsets))

    # frequent single items: sum of weights over distinct (sequence, item) pairs
    pairs = np.unique(seq_of_pos * data.n_items + codes)
    items_of_pair, seqs_of_pair = pairs % data.n_items, pairs // data.n_items
    support = np.bincount(items_of_pair, weights=data.weights[seqs_of_pair], minlength=data.n_items)
    frequent = np.flatnonzero(support >= out.threshold)
    if not len(frequent):
        return out.result()
    postings = {int(i): np.flatnonzero(codes == i) for i in frequent}
    ends = offsets[1:]

    total = len(codes)
    table = None
    row_of = np.full(data.n_items, -1, dtype=np.int64)
    row_of[frequent] = np.arange(len(frequent))
    if len(frequent) * (total + 1) <= NEXT_TABLE_MAX_CELLS:
        # next-occurrence table: row r, column p = first position >= p of item frequent[r] (total if none)
        grid = np.arange(total + 1, dtype=np.int64)
        dtype = np.int32 if total < 2**31 - 1 else np.int64
        table = np.empty((len(frequent), total + 1), dtype=dtype)
        for r, i in enumerate(frequent):
            post = np.append(postings[int(i)], total)
            table[r] = post[np.searchsorted(post, grid)]
        flat, width = table.ravel(), total + 1
    # weights and outcome weights side by side: one matrix product counts both (BLAS; exact below 2**53)
    we = np.stack([data.weights, data.extra], axis=1).astype(np.float64)

    # stack of (count, prefix, projected start positions, sequence index of each, candidate items)
    # candidates of a node: its parent's frequent extensions with their frequencies (if p+i is
    # rare, so is p+x+i; and freq(p+x+i) <= freq(p+i), which prunes more once a cap raised the threshold)
    stack = [(data.total, (), offsets[:-1].copy(), np.arange(n_seq, dtype=np.int64),
              frequent, support[frequent].astype(np.int64))]
    while stack:
        count0, prefix, starts, seqs, candidates, cand_counts = stack.pop()
        if count0 < out.threshold:  # the threshold rose (cap) since this node was pushed
            continue
        if out.cap is not None:
            candidates = candidates[cand_counts >= out.threshold]
            if not len(candidates):
                continue
        if table is not None:   # all candidates at once: one gather (a flat take: 2-D indexing took twice as long), one product
            hits = np.take(flat, (row_of[candidates] * width)[:, None] + starts[None, :])
            ok_all = hits < ends[seqs]
            sums = np.rint(ok_all.astype(np.float64) @ we[seqs]).astype(np.int64)
            counts, extras = sums[:, 0], sums[:, 1]
        else:                   # posting lists only (many items x long sequences)
            hits = np.empty((len(candidates), len(starts)), dtype=np.int64)
            for k, item in enumerate(candidates):
                post = postings[int(item)]
                idx = np.searchsorted(post, starts)
                hits[k] = np.where(idx < len(post), post[np.minimum(idx, len(post) - 1)], total)
            ok_all = hits < ends[seqs]
            counts = ok_all.astype(np.int64) @ data.weights[seqs]
            extras = ok_all.astype(np.int64) @ data.extra[seqs]
        keep = np.flatnonzero(counts >= out.threshold)
        if not len(keep):
            continue
        out.add(prefix, candidates[keep], counts[keep], extras[keep])
        if len(prefix) + 1 >= max_pattern_length:
            continue
        child_items, child_counts = candidates[keep], counts[keep]
        # most frequent child popped first: with a cap the threshold rises as early as possible
        for k in keep[np.argsort(counts[keep], kind="stable")]:
            ok = ok_all[k]
            stack.append((int(counts[k]), prefix + (int(candidates[k]),), hits[k][ok].astype(np.int64) + 1,
                          seqs[ok], child_items, child_counts))
    return out.result()
