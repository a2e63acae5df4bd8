"""Frequent sequential patterns (PrefixSpan, Spark MLlib semantics) and how they lead to outcomes.

For the plain patterns (outcome NULL) every whole journey is one sequence. For an outcome, every
journey is cut just before its first outcome step (``sql/pattern_sequences.sql``): the patterns
describe the path BEFORE the outcome, and for each one

    support     = journeys whose (cut) path contains the pattern / all journeys
    confidence  = P(outcome | pattern before the outcome) = count_with_outcome / count
    lift        = confidence / P(outcome)   (P(outcome): share of all journeys that reach it)

The identical sequences are grouped in DuckDB first and mined once with a weight, then fed to
``voc.sequences.prefixspan`` as integer codes (Arrow buffers, no Python list per event). Spark's
``pyspark.ml.fpm.PrefixSpan`` on the same sequences gives the same (pattern, count).
"""
from __future__ import annotations

from typing import Sequence

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from voc.config import JourneyConfig
from voc.sequences.engine import Prepared, TimelineLike, use
from voc.sequences.outcomes import OutcomeSpec, outcomes_for, resolve
from voc.sequences.prefixspan import Sequences, prefixspan
from voc.sequences.tables import typed

SEP = " > "


def load_sequences(tl: Prepared, spec: OutcomeSpec | None) -> tuple[Sequences, list[str]]:
    """Distinct (cut) sequences of the timeline with their journey counts, as integer codes,
    and the step name of each code."""
    sql = tl.sql("pattern_sequences", outcome=spec.params() if spec else None)
    table = tl.con.sql(
        f"SELECT sequence, COUNT(*) AS w, SUM(has_outcome) AS wo FROM ({sql}) q GROUP BY sequence"
    ).fetch_arrow_table()
    col = table.column("sequence").combine_chunks()
    if len(col) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return Sequences(empty, np.zeros(1, dtype=np.int64), empty, empty, 0), []
    offsets = col.offsets.to_numpy().astype(np.int64)
    flat = col.flatten()
    if not pa.types.is_string(flat.type):
        flat = flat.cast(pa.string())
    enc = pc.dictionary_encode(flat)
    codes = enc.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    names = [str(x) for x in enc.dictionary.to_pylist()]
    weights = table.column("w").to_numpy().astype(np.int64)
    extra = table.column("wo").to_numpy().astype(np.int64)
    return Sequences(codes, offsets - offsets[0], weights, extra, len(names)), names


def mine(tl: Prepared, config: JourneyConfig, spec: OutcomeSpec | None) -> pd.DataFrame:
    data, names = load_sequences(tl, spec)
    found = prefixspan(data, config.min_support, config.max_pattern_length)
    n = data.total
    if not found or n == 0:
        return typed(None, "patterns")
    pattern = [SEP.join(names[i] for i in p) for p, _, _ in found]
    length = np.fromiter((len(p) for p, _, _ in found), dtype=np.int64, count=len(found))
    count = np.fromiter((c for _, c, _ in found), dtype=np.int64, count=len(found))
    with_outcome = np.fromiter((e for _, _, e in found), dtype=np.int64, count=len(found))
    df = pd.DataFrame({"pattern": pattern, "length": length, "count": count, "support": count / n})
    if spec is None:
        df["outcome"] = None
        df["confidence"] = np.nan
        df["lift"] = np.nan
        df["count_with_outcome"] = pd.array([pd.NA] * len(df), dtype="Int64")
    else:
        base = data.extra.sum() / n
        df["outcome"] = spec.name
        df["confidence"] = with_outcome / count
        df["lift"] = df["confidence"] / base if base > 0 else np.nan
        df["count_with_outcome"] = with_outcome
    return typed(df, "patterns")


def patterns(timeline: TimelineLike, config: JourneyConfig | None = None,
             con: duckdb.DuckDBPyConnection | None = None, *,
             outcomes: Sequence[str] | None = None) -> pd.DataFrame:
    """pattern ('a > b'), length, count, support, outcome, confidence, lift, count_with_outcome.

    Rows with outcome NULL: frequent patterns of whole journeys. Then, per outcome (default: the
    configured ones, plus contact, repeat_contact and contact:intent=<x> for every intent in at
    least min_support of journeys when the timeline has contacts), the patterns of the journeys
    cut before that outcome, with confidence and lift.
    """
    config = config or JourneyConfig()
    with use(timeline, config, con) as tl:
        specs = ([resolve(o, config) for o in outcomes] if outcomes is not None
                 else outcomes_for(tl, config, intents=True))
        frames = [mine(tl, config, None)] + [mine(tl, config, s) for s in specs]
    frames = [f for f in frames if len(f)]
    return typed(pd.concat(frames, ignore_index=True) if frames else None, "patterns")
