"""The checks every engine makes of a timeline before the sequence statistics read it, written once
(voc.sequences.engine for DuckDB, voc.engines.spark.sequences for Spark):

    REQUIRED               journey_id, ts, event (seq and intent are optional)
    check_columns          a missing required column is the error E320, naming what is present
    report_excluded        rows with no journey_id, event or usable ts are left out: warning E321 with
                           their number and the number kept (nothing is dropped silently)
"""
from __future__ import annotations

from typing import Iterable

from voc.errors import Errors, VocError
from voc.sequences.notices import warn

REQUIRED = ("journey_id", "ts", "event")


def missing_columns(columns: Iterable[str]) -> list[str]:
    present = set(columns)
    return [c for c in REQUIRED if c not in present]


def check_columns(columns: Iterable[str]) -> None:
    """Raise E320 when ``columns`` lack journey_id, ts or event."""
    columns = list(columns)
    missing = missing_columns(columns)
    if missing:
        raise VocError(Errors.E320, missing=", ".join(missing), present=", ".join(columns) or "none")


def report_excluded(n_rows: int, n_excluded: int) -> None:
    """Warn E321 when ``n_excluded`` of the ``n_rows`` timeline rows were left out."""
    if n_excluded:
        warn(Errors.E321, n=int(n_excluded), kept=int(n_rows) - int(n_excluded))
