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

from typing import Sequence

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from voc.config import JourneyConfig
from voc.sequences.engine import Prepared, TimelineLike, use
from voc.sequences.outcomes import OutcomeSpec, outcomes_for, resolve, step_names
from voc.sequences.prefixspan import Found, Sequences, mine_patterns
from voc.sequences.significance import check_support, pattern_scores
from voc.sequences.tables import typed

SEP = " > "


def load_sequences(tl: Prepared, spec: OutcomeSpec | None) -> tuple[Sequences, list[str]]:
    """Distinct (cut) sequences of the timeline with their journey counts, as integer codes,
    and the step name of each code (the codes are the prepared timeline's ENUM indices)."""
    sql = tl.sql("pattern_sequences", outcome=spec.params() if spec else None)
    table = tl.con.sql(
        f"SELECT sequence, COUNT(*) AS w, SUM(has_outcome) AS wo FROM ({sql}) q GROUP BY sequence"
    ).to_arrow_table()
    col = table.column("sequence").combine_chunks()
    if len(col) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return Sequences(empty, np.zeros(1, dtype=np.int64), empty, empty, 0), []
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
    return Sequences(codes, offsets - offsets[0], weights, extra, len(names)), names


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
    data, names = load_sequences(tl, spec)
    cap = config.max_patterns
    found = mine_patterns(data, config.min_support, config.max_pattern_length, cap)
    n = data.total
    if not len(found) or n == 0:
        return typed(None, "patterns")
    df = pd.DataFrame({"pattern": pattern_strings(found, names), "length": found.length, "count": found.count,
                       "support": found.count / n})
    # most frequent first, then shorter, then alphabetical (deterministic; the cap cuts in this order)
    order = df.sort_values(["count", "length", "pattern"], ascending=[False, True, True], kind="stable").index
    if cap is not None:
        order = order[:cap]
    df = df.loc[order].reset_index(drop=True)
    with_outcome = found.extra[order]
    count = df["count"].to_numpy()
    if spec is None:
        df["outcome"] = None
        for c in SCORE_COLUMNS:
            df[c] = np.nan
        df["count_with_outcome"] = pd.array([pd.NA] * len(df), dtype="Int64")
    else:
        df["outcome"] = spec.name
        df["count_with_outcome"] = with_outcome
        check_support(spec.name, int(data.extra.sum()), n, config.min_journeys)
        for c, v in pattern_scores(count, with_outcome, n, int(data.extra.sum()), config.min_journeys).items():
            df[c] = v
    return typed(df, "patterns")


SCORE_COLUMNS = ("confidence", "lift", "confidence_low", "confidence_high", "p_value")


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
        specs = ([resolve(o, config, step_names(tl)) for o in outcomes] if outcomes is not None
                 else outcomes_for(tl, config, intents=True))
        frames = [mine(tl, config, None)] + [mine(tl, config, s) for s in specs]
    frames = [f for f in frames if len(f)]
    return typed(pd.concat(frames, ignore_index=True) if frames else None, "patterns")
