"""Path variants: journeys grouped by their whole sequence of steps."""
from __future__ import annotations

import duckdb
import pandas as pd

from voc.config import JourneyConfig
from voc.sequences.engine import TimelineLike, use
from voc.sequences.tables import typed


def variants(timeline: TimelineLike, config: JourneyConfig | None = None,
             con: duckdb.DuckDBPyConnection | None = None) -> pd.DataFrame:
    """variant ('a > b > c', cut after journey.max_path_steps steps with ' > … (+k more)'),
    journeys, share, length (steps), rank (1 = most frequent).

    Journeys are grouped on the full sequence; only the display string is cut. The
    journey.max_variants most frequent variants are kept; the rest are summed in one
    '(other variants)' row (rank 0), so journeys always add up to all journeys.
    """
    config = config or JourneyConfig()
    with use(timeline, config, con) as tl:
        return typed(tl.query("variants", max_steps=config.max_path_steps, max_variants=config.max_variants),
                     "variants")
