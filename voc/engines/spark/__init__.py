"""voc on Apache Spark: the same batch job as ``voc analyze`` (+ journeys), distributed.

    from voc.engines.spark import run_spark
    result = run_spark("tickets/", "out/", config, events=[Path("events.csv")])

``run_spark`` is ``voc.pipeline.run.run_all(..., engine="spark")``: the engine registered as "spark"
(``voc.engines.spark.job.SparkEngine``) runs the text pipeline behind the engine contract
(voc.engines.base). Files are parsed by voc's own readers inside ``mapInArrow`` (same formats, rejects
and provenance as the local engine), the NLP components run per partition through the local engine's
batch loop with their models loaded once per Python worker, corpus-level steps are fitted on the
driver and broadcast, and the sequence statistics run as the same SQL files on Spark SQL (+ MLlib
PrefixSpan). See ``voc.engines.spark.job`` for what runs where.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["run_spark", "get_session"]


def run_spark(input_path: str | Path, out_dir: str | Path, config: Any, *, fmt: str = "parquet",
              events: list[Path] | None = None) -> Any:
    """The whole job on Spark into ``out_dir`` (``voc.pipeline.run.RunResult``; run.json says engine: spark)."""
    from voc.pipeline.run import run_all

    return run_all(input_path, out_dir, config, fmt=fmt, events=events, engine="spark")


def __getattr__(name: str) -> Any:  # lazy: importing voc.engines.spark must not import pyspark
    if name == "get_session":
        from voc.engines.spark.session import get_session

        return get_session
    raise AttributeError(name)
