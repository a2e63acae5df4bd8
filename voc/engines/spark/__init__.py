"""voc on Apache Spark: the same batch job as ``voc analyze`` (+ journeys), distributed.

    from voc.engines.spark import run_spark
    result = run_spark("tickets/", "out/", config, events=[Path("events.csv")])

Files are parsed by voc's own readers inside ``mapInArrow`` (same formats, rejects and
provenance as the local engine), the NLP components run per partition with their models
loaded once per Python worker, the corpus-level topic model is fitted on the driver and
broadcast, and the sequence statistics run as the same SQL files on Spark SQL (+ MLlib
PrefixSpan). See ``voc.engines.spark.job`` for what runs where.
"""
from __future__ import annotations

from typing import Any

__all__ = ["run_spark", "get_session"]


def __getattr__(name: str) -> Any:  # lazy: importing voc.engines.spark must not import pyspark
    if name == "run_spark":
        from voc.engines.spark.job import run_spark

        return run_spark
    if name == "get_session":
        from voc.engines.spark.session import get_session

        return get_session
    raise AttributeError(name)
