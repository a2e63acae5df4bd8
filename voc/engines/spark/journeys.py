"""Journeys with the Spark engine.

What runs where (documented trade-off): identity resolution, the unified timeline, repeat
contacts, friction and the journey/customer tables run on the driver with ``voc.journey``'s own
functions (DuckDB, which spills to disk; these need every contact of a customer together and
are linear in the data); the event log goes from file to DuckDB and the timeline from DuckDB to
a Parquet file without passing through Python, and Spark reads that file: the driver never
collects the timeline. The sequence statistics that dominate on large event logs --
transitions, step times and frequent patterns -- run on Spark: the timeline becomes the temp
view ``timeline`` and the SAME SQL files as DuckDB run on Spark SQL, patterns with MLlib
PrefixSpan. Funnel, variants, outcome paths and per-journey features stay on DuckDB.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

import pandas as pd

from voc.config import JourneyConfig


def run_journeys_spark(spark: Any, events_paths: Sequence[Path], contacts: pd.DataFrame | None, config: JourneyConfig,
                       out_dir: Path, fmt: str = "parquet", embeddings: pd.DataFrame | None = None, **kw: Any) -> Any:
    """As ``voc.journey.run.run_journeys`` (same tables, same files), the sequence statistics on Spark."""
    from voc.journey.run import run_journeys

    def spark_sequences(con: Any, cfg: JourneyConfig, timeline_path: Path | None) -> dict[str, pd.DataFrame]:
        from voc.engines.spark.sequences import SparkTimeline, sequence_tables
        from voc.journey.run import FEATURES, SEQUENCE_INPUT
        from voc.journey.sqlrun import literal
        from voc.sequences import funnel, journey_features_table, outcome_paths, prepare, variants

        # Spark reads the timeline Parquet file the run wrote (DuckDB COPY): the driver never holds
        # the timeline in Python; without such a file (CSV output) DuckDB writes one for Spark first
        tmp = None
        if timeline_path is None:
            import tempfile

            tmp = tempfile.TemporaryDirectory(prefix="voc_spark_timeline_")
            timeline_path = Path(tmp.name) / "timeline.parquet"
            con.execute(f"COPY ({SEQUENCE_INPUT}) TO {literal(timeline_path)} (FORMAT parquet)")
        try:
            sdf = spark.read.parquet(str(timeline_path)).select("journey_id", "ts", "seq", "event", "intent")
            tables = sequence_tables(SparkTimeline.register(spark, sdf, cfg))
            with prepare(SEQUENCE_INPUT, cfg, con) as tl:
                tables.update({"funnel": funnel(tl, cfg), "variants": variants(tl, cfg),
                               "outcome_paths": outcome_paths(tl, cfg)})
                journey_features_table(tl, cfg, FEATURES)   # stays in DuckDB: merged and written there
        finally:
            if tmp is not None:
                tmp.cleanup()
        return tables

    return run_journeys(events_paths, contacts, config, out_dir, fmt, embeddings, sequences=spark_sequences,
                        run_info={"engine": "spark", "spark_tables": ["transitions", "step_times", "patterns"]}, **kw)
