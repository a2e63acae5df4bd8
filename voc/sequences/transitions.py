"""First-order transition matrix (directly-follows graph) with '(start)' and '(end)' states."""
from __future__ import annotations

import duckdb
import pandas as pd

from voc.config import JourneyConfig
from voc.sequences.engine import TimelineLike, use
from voc.sequences.tables import typed


def transitions(timeline: TimelineLike, config: JourneyConfig | None = None,
                con: duckdb.DuckDBPyConnection | None = None) -> pd.DataFrame:
    """from_step, to_step, count, probability (per from_step; '(start)' -> first step, last step -> '(end)')."""
    with use(timeline, config, con) as tl:
        return typed(tl.query("transitions"), "transitions")
