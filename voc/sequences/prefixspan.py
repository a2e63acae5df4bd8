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


def prefixspan(data: Sequences, min_support: float, max_pattern_length: int
               ) -> list[tuple[tuple[int, ...], int, int]]:
    """Frequent sequential patterns: (pattern as item codes, frequency, extra-weight sum)."""
    if not 0 <= min_support <= 1:
        raise ValueError("min_support must be in [0, 1]")
    if max_pattern_length < 1:
        raise ValueError("max_pattern_length must be >= 1")
    threshold = max(min_count(min_support, data.total), 1)  # a pattern must occur at least once
    n_seq = len(data.weights)
    if n_seq == 0 or len(data.codes) == 0:
        return []
    codes, offsets = data.codes, data.offsets
    seq_of_pos = np.repeat(np.arange(n_seq, dtype=np.int64), np.diff(offsets))

    # frequent single items: sum of weights over distinct (sequence, item) pairs
    pairs = np.unique(seq_of_pos * data.n_items + codes)
    items_of_pair, seqs_of_pair = pairs % data.n_items, pairs // data.n_items
    support = np.bincount(items_of_pair, weights=data.weights[seqs_of_pair], minlength=data.n_items)
    frequent = [int(i) for i in np.flatnonzero(support >= threshold)]
    postings = {i: np.flatnonzero(codes == i) for i in frequent}
    ends = offsets[1:]
    if not frequent:
        return []

    total = len(codes)
    table = None
    if len(frequent) * (total + 1) <= NEXT_TABLE_MAX_CELLS:
        # next-occurrence table: row r, column p = first position >= p of item frequent[r] (total if none)
        grid = np.arange(total + 1, dtype=np.int64)
        dtype = np.int32 if total < 2**31 - 1 else np.int64
        table = np.empty((len(frequent), total + 1), dtype=dtype)
        for r, i in enumerate(frequent):
            post = np.append(postings[i], total)
            table[r] = post[np.searchsorted(post, grid)]
    row_of = {i: r for r, i in enumerate(frequent)}
    wf = data.weights.astype(np.float64)

    out: list[tuple[tuple[int, ...], int, int]] = []
    # stack of (prefix, projected start positions, sequence index of each, candidate items)
    stack = [((), offsets[:-1].copy(), np.arange(n_seq, dtype=np.int64), frequent)]
    while stack:
        prefix, starts, seqs, candidates = stack.pop()
        children = []
        if table is not None:   # all candidates at once: one gather, one matrix-vector product
            rows = np.fromiter((row_of[i] for i in candidates), dtype=np.int64, count=len(candidates))
            hits = table[rows[:, None], starts[None, :]]
            ok_all = hits < ends[seqs]
            counts = np.rint(ok_all.astype(np.float64) @ wf[seqs]).astype(np.int64)  # BLAS; exact below 2**53
            for k in np.flatnonzero(counts >= threshold):
                ok = ok_all[k]
                s = seqs[ok]
                pattern = prefix + (candidates[k],)
                out.append((pattern, int(counts[k]), int(data.extra[s].sum())))
                if len(pattern) < max_pattern_length:
                    children.append((pattern, hits[k][ok].astype(np.int64) + 1, s))
        else:                   # posting lists only (many items x long sequences)
            for item in candidates:
                post = postings[item]
                idx = np.searchsorted(post, starts)
                ok = idx < len(post)
                hit = post[np.minimum(idx, len(post) - 1)]
                ok &= hit < ends[seqs]
                s = seqs[ok]
                count = int(data.weights[s].sum())
                if count < threshold:
                    continue
                pattern = prefix + (item,)
                out.append((pattern, count, int(data.extra[s].sum())))
                if len(pattern) < max_pattern_length:
                    children.append((pattern, hit[ok] + 1, s))
        child_items = [p[-1] for p, _, _ in children]
        for pattern, st, s in reversed(children):
            stack.append((pattern, st, s, child_items))
    out.sort(key=lambda r: (-r[1], len(r[0]), r[0]))
    return out

