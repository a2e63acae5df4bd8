"""Frequent sequential patterns (PrefixSpan, Spark MLlib semantics) and how they lead to outcomes.

For the plain patterns (outcome NULL) every whole journey is one sequence. For an outcome, every
journey is cut just before its first outcome step (``sql/pattern_sequences.sql``): the patterns
describe the path BEFORE the outcome, and for each one

    support     = journeys whose (cut) path contains the pattern / all journeys
    confidence  = P(outcome | pattern before the outcome) = count_with_outcome / count
    lift        = confidence / P(outcome)   (P(outcome): share of all journeys that reach it)

confidence and lift are left empty when the pattern or the outcome rests on fewer than
journey.min_journeys journeys; kept ones carry a 95% Wilson interval (confidence_low/high) and a
Fisher exact p-value (voc.sequences.significance).

The identical sequences are grouped in DuckDB first and mined once with a weight, then fed to
``voc.sequences.prefixspan`` as integer codes (Arrow buffers, no Python list per event). Spark's
``pyspark.ml.fpm.PrefixSpan`` on the same sequences gives the same (pattern, count).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from voc.config import JourneyConfig
from voc.errors import Errors
from voc.sequences.engine import Prepared, TimelineLike, use
from voc.sequences.notices import warn
from voc.sequences.outcomes import OutcomeSpec
from voc.sequences.pattern_table import SEP, assemble, ranked, scored
from voc.sequences.prefixspan import Found, Sequences, mine_patterns
from voc.sequences.tables import typed

__all__ = ["SEP", "Sampled", "load_sequences", "mine", "pattern_strings", "patterns", "sampled_sequences"]


SAMPLE_SCALE = 1_000_000_000
"""A journey's sample bucket is hash(journey_id) % SAMPLE_SCALE; a sample is the journeys whose bucket is
below a bound: the same log gives the same sample, and a smaller sample is part of a larger one."""


@dataclass(frozen=True)
class Sampled:
    """How a cut was sampled (E325): journeys and distinct sequences mined, of all of them."""

    journeys: int
    total_journeys: int
    sequences: int
    total_sequences: int


def _grouped(tl: Prepared, sql: str) -> pa.Table:
    """sequence, w (journeys), wo (of those reaching the outcome), first (the smallest journey hash
    bucket among its journeys), and per journey of the sequence its bucket (``buckets``) and whether
    it reached the outcome (``outs``): a sample is then drawn from this one result, without running
    the cut's query again (it orders and lists every step of every journey)."""
    bucket = f"hash(journey_id) % {SAMPLE_SCALE}"
    return tl.con.sql(
        f"SELECT sequence, COUNT(*) AS w, SUM(has_outcome) AS wo, MIN(b) AS first, "
        f"LIST(b) AS buckets, LIST(has_outcome) AS outs "
        f"FROM (SELECT sequence, has_outcome, {bucket} AS b FROM ({sql}) q) GROUP BY sequence"
    ).to_arrow_table()


def _sample(table: pa.Table, max_sequences: int) -> tuple[pa.Table, Sampled]:
    """The grouped sequences of the journeys whose hash bucket is below a bound chosen so that at
    most ``max_sequences`` distinct sequences are in (a sequence is in when its smallest bucket is:
    the bound is the ``max_sequences``-th smallest of those, ties left out): w and wo counted over
    those journeys only, from the buckets of ``_grouped``."""
    total_seq, total_j = table.num_rows, int(pc.sum(table.column("w")).as_py())
    first = np.sort(table.column("first").to_numpy())
    below = int(first[max_sequences])           # every sequence whose first bucket is below it: <= max_sequences
    buckets, outs = table.column("buckets").combine_chunks(), table.column("outs").combine_chunks()
    row = buckets.value_parent_indices().to_numpy()
    inside = buckets.flatten().to_numpy() < below
    w = np.bincount(row[inside], minlength=total_seq).astype(np.int64)
    wo = np.bincount(row[inside], weights=outs.flatten().to_numpy()[inside].astype(np.float64),
                     minlength=total_seq).astype(np.int64)
    keep = w > 0
    table = pa.table({"sequence": table.column("sequence").filter(pa.array(keep)),
                      "w": pa.array(w[keep]), "wo": pa.array(wo[keep])})
    return table, Sampled(int(w.sum()), total_j, table.num_rows, total_seq)


def load_sequences(tl: Prepared, spec: OutcomeSpec | None) -> tuple[Sequences, list[str]]:
    """Every distinct (cut) sequence of the timeline (``sampled_sequences`` without a cap)."""
    data, names, _ = sampled_sequences(tl, spec, None)
    return data, names


def sampled_sequences(tl: Prepared, spec: OutcomeSpec | None, max_sequences: int | None
                      ) -> tuple[Sequences, list[str], Sampled | None]:
    """Distinct (cut) sequences of the timeline with their journey counts, as integer codes,
    and the step name of each code (the codes are the prepared timeline's ENUM indices). With
    ``max_sequences``: a cut with more distinct sequences is sampled (``_sample``; how: the third item)."""
    sql = tl.sql("pattern_sequences", outcome=spec.params() if spec else None)
    table = _grouped(tl, sql)
    sampled = None
    if max_sequences is not None and table.num_rows > max_sequences:
        table, sampled = _sample(table, max_sequences)
    col = table.column("sequence").combine_chunks()
    if len(col) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return Sequences(empty, np.zeros(1, dtype=np.int64), empty, empty, 0), [], sampled
    offsets = col.offsets.to_numpy().astype(np.int64)
    flat = col.flatten()
    if not pa.types.is_dictionary(flat.type):
        if not pa.types.is_string(flat.type):
            flat = flat.cast(pa.string())
        flat = pc.dictionary_encode(flat)
    codes = flat.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    names = [str(x) for x in flat.dictionary.to_pylist()]
    weights = table.column("w").to_numpy().astype(np.int64)
    extra = table.column("wo").to_numpy().astype(np.int64)
    return Sequences(codes, offsets - offsets[0], weights, extra, len(names)), names, sampled


def pattern_strings(found: Found, names: list[str]) -> np.ndarray:
    """'a > b > c' for every pattern of ``found`` (vectorised over patterns, one pass per length)."""
    lookup = np.array(names + [""], dtype=object)
    items = found.items
    out = lookup[items[:, 0]] if items.shape[1] else np.zeros(0, dtype=object)
    for j in range(1, items.shape[1]):
        more = items[:, j] >= 0
        out[more] = out[more] + SEP + lookup[items[more, j]]
    return out


def mine(tl: Prepared, config: JourneyConfig, spec: OutcomeSpec | None) -> pd.DataFrame:
    """The patterns of one cut (whole journeys, or the journeys cut before ``spec``), mined top-k by
    voc's PrefixSpan on the distinct sequences; the table is assembled by voc.sequences.pattern_table."""
    data, names, sampled = sampled_sequences(tl, spec, config.patterns_max_sequences)
    if sampled is not None:
        warn(Errors.E325, cut=f"of the journeys before '{spec.name}'" if spec else "of the whole journeys",
             n=sampled.journeys, total=sampled.total_journeys, sequences=sampled.sequences,
             all_sequences=sampled.total_sequences)
    found = mine_patterns(data, config.min_support, config.max_pattern_length, config.max_patterns)
    n = data.total
    if not len(found) or n == 0:
        return typed(None, "patterns")
    df = pd.DataFrame({"pattern": pattern_strings(found, names), "length": found.length, "count": found.count,
                       "count_with_outcome": found.extra})
    return scored(ranked(df, n, config.max_patterns), spec.name if spec else None, n, int(data.extra.sum()),
                  config.min_journeys)


def patterns(timeline: TimelineLike, config: JourneyConfig | None = None,
             con: duckdb.DuckDBPyConnection | None = None, *,
             outcomes: Sequence[str] | None = None) -> pd.DataFrame:
    """pattern ('a > b'), length, count, support, outcome, confidence, lift, count_with_outcome.

    Rows with outcome NULL: frequent patterns of whole journeys. Then, per outcome (default: the
    configured ones, plus contact, repeat_contact and contact:intent=<x> for every intent in at
    least min_support of journeys when the timeline has contacts), the patterns of the journeys
    cut before that outcome, with confidence and lift. Each cut keeps its journey.max_patterns
    most frequent patterns (ties: shorter, then alphabetical; None keeps all), mined top-k.
    """
    config = config or JourneyConfig()
    with use(timeline, config, con) as tl:
        return assemble(tl, config, outcomes, lambda spec: mine(tl, config, spec))
