"""Time between consecutive steps per transition, and time from journey start to each outcome."""
from __future__ import annotations

from typing import Any, Sequence

import duckdb
import pandas as pd

from voc.config import JourneyConfig
from voc.sequences.engine import TimelineLike, use
from voc.sequences.outcomes import OutcomeSpec, outcome_specs
from voc.sequences.tables import typed


def step_times(timeline: TimelineLike, config: JourneyConfig | None = None,
               con: duckdb.DuckDBPyConnection | None = None, *,
               outcomes: Sequence[str] | None = None) -> pd.DataFrame:
    """from_step, to_step, n, median_s, p90_s, mean_s, kind.

    kind 'transition': seconds between a step and the next one of the same journey.
    kind 'time_to_outcome': from_step '(start)', to_step 'outcome:<name>': seconds from the first
    step of a journey to its first outcome step, over the journeys that reach it (outcomes:
    the configured ones, plus contact and repeat_contact when the timeline has contacts).
    """
    config = config or JourneyConfig()
    with use(timeline, config, con) as tl:
        return from_queries(tl, config, outcomes)


def from_queries(tl: Any, config: JourneyConfig, outcomes: Sequence[str] | None = None) -> pd.DataFrame:
    """The step_times table from an engine's ``tl.query(name, **params)`` (DuckDB here, Spark SQL in
    voc.engines.spark): the same SQL, the same assembly."""
    df = tl.query("step_times")
    df["kind"] = "transition"
    specs: list[OutcomeSpec] = outcome_specs(tl, config, outcomes, intents=False)
    parts = [df]
    for spec in specs:
        t = tl.query("time_to_outcome", outcome=spec.params())
        if len(t):
            parts.append(pd.DataFrame({"from_step": "(start)", "to_step": "outcome:" + t["outcome"].astype(str),
                                       "n": t["n"], "median_s": t["median_s"], "p90_s": t["p90_s"],
                                       "mean_s": t["mean_s"], "kind": "time_to_outcome"}))
    parts = [p for p in parts if len(p)]
    return typed(pd.concat(parts, ignore_index=True) if parts else None, "step_times")
