"""All sequence statistics of one timeline, on one DuckDB connection."""
from __future__ import annotations

import time

import duckdb
import pandas as pd

from voc.config import JourneyConfig
from voc.sequences.engine import TimelineLike, use
from voc.sequences.funnel import funnel
from voc.sequences.outcome_paths import outcome_paths
from voc.sequences.patterns import patterns
from voc.sequences.step_times import step_times
from voc.sequences.transitions import transitions
from voc.sequences.variants import variants

TABLES = ("transitions", "step_times", "patterns", "funnel", "variants", "outcome_paths")


def compute_all(timeline: TimelineLike, config: JourneyConfig | None = None,
                con: duckdb.DuckDBPyConnection | None = None) -> dict[str, pd.DataFrame]:
    """{transitions, step_times, patterns, funnel, variants, outcome_paths} -> typed DataFrames
    (columns in voc.sequences.tables; empty but typed when not configured, e.g. no funnel).

    ``timeline``: the timeline table (pandas), or a DuckDB relation such as
    ``con.read_parquet('timeline.parquet')`` (the scalable path), or a raw event log with
    journey_id, ts, event (and seq). Rows lacking journey_id/ts/event are left out with the
    warning E321; ``out['transitions'].attrs['excluded_rows']`` holds their number.

    The timeline is prepared once (one DuckDB table, one sort; see ``voc.sequences.engine``)
    and every metric reads it. ``attrs['timings_s']`` of each table: seconds per step
    (prepare, then each metric), for profiling.
    """
    config = config or JourneyConfig()
    timings: dict[str, float] = {}
    t = time.perf_counter()
    metrics = {"transitions": transitions, "step_times": step_times, "patterns": patterns, "funnel": funnel,
               "variants": variants, "outcome_paths": outcome_paths}
    with use(timeline, config, con) as tl:
        timings["prepare"] = round(time.perf_counter() - t, 3)
        out = {}
        for name, metric in metrics.items():
            t = time.perf_counter()
            out[name] = metric(tl, config)
            timings[name] = round(time.perf_counter() - t, 3)
        for df in out.values():
            df.attrs["excluded_rows"] = tl.n_excluded
            df.attrs["input_rows"] = tl.n_rows
            df.attrs["timings_s"] = timings
    return out
