"""The patterns table from mined counts: the Python around the pattern SQL, written once for both
engines. Each engine mines its (cut) sequences -- voc.sequences.patterns with voc's PrefixSpan on
DuckDB, voc.engines.spark.sequences with MLlib's PrefixSpan -- collects the small result (pattern,
length, count, and for an outcome count_with_outcome) and hands it to these pure table -> table
functions:

    ranked(found, n, cap)      support = count / n; most frequent first, then shorter, then
                               alphabetical (deterministic); the first ``cap`` rows (journey.max_patterns)
    scored(ranked, outcome, n, n_outcome, min_journeys)
                               outcome NULL: scores empty, count_with_outcome NULL; an outcome: its
                               name, confidence, lift, Wilson interval and Fisher p-value
                               (voc.sequences.significance), E323 when the outcome rests on too few journeys
    combined(frames)           whole-journey patterns first, then each outcome's, in one typed table
    assemble(tl, config, outcomes, mine)
                               the whole table: ``mine(None)`` and ``mine(spec)`` for every outcome
                               (voc.sequences.outcomes.outcome_specs), combined
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np
import pandas as pd

from voc.config import JourneyConfig
from voc.sequences.outcomes import OutcomeSpec, outcome_specs
from voc.sequences.significance import check_support, pattern_scores
from voc.sequences.tables import typed

SEP = " > "
SCORE_COLUMNS = ("confidence", "lift", "confidence_low", "confidence_high", "p_value")
ORDER = (["count", "length", "pattern"], [False, True, True])


def ranked(found: pd.DataFrame, n: int, cap: int | None) -> pd.DataFrame:
    """``found`` (pattern, length, count; other columns travel along) with support, in the table's order,
    cut to its first ``cap`` rows (None: all), on a fresh 0..k-1 index."""
    df = found.copy()
    df["support"] = df["count"].to_numpy(dtype=float) / n if n else np.nan
    df = df.sort_values(ORDER[0], ascending=ORDER[1], kind="stable")
    if cap is not None:
        df = df.iloc[:cap]
    return df.reset_index(drop=True)


def scored(df: pd.DataFrame, outcome: str | None, n: int, n_outcome: int, min_journeys: int) -> pd.DataFrame:
    """The typed patterns rows of one cut: ``df`` from ``ranked`` (with count_with_outcome for an outcome)."""
    df = df.copy()
    if outcome is None:
        df["outcome"] = None
        for c in SCORE_COLUMNS:
            df[c] = np.nan
        df["count_with_outcome"] = pd.array([pd.NA] * len(df), dtype="Int64")
    else:
        with_outcome = df["count_with_outcome"].to_numpy(dtype=np.int64)
        df["outcome"] = outcome
        df["count_with_outcome"] = with_outcome
        check_support(outcome, int(n_outcome), int(n), min_journeys)
        for c, v in pattern_scores(df["count"].to_numpy(), with_outcome, int(n), int(n_outcome), min_journeys).items():
            df[c] = v
    return typed(df, "patterns")


def combined(frames: Sequence[pd.DataFrame]) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    return typed(pd.concat(frames, ignore_index=True) if frames else None, "patterns")


def assemble(tl: Any, config: JourneyConfig, outcomes: Sequence[str] | None,
             mine: Callable[[OutcomeSpec | None], pd.DataFrame]) -> pd.DataFrame:
    """pattern, length, count, support, outcome, confidence, lift, count_with_outcome, ... of the
    prepared timeline ``tl`` (either engine): whole journeys, then per outcome (default: the configured
    ones, plus contact, repeat_contact and the frequent intents when there are contacts)."""
    specs = outcome_specs(tl, config, outcomes, intents=True)
    return combined([mine(None)] + [mine(s) for s in specs])
