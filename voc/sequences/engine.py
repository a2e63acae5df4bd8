"""DuckDB side of the sequence statistics: one connection, one prepared timeline table.

``prepare(timeline, config, con)`` reads a pandas DataFrame or a DuckDB relation (e.g.
``con.read_parquet('timeline.parquet')``, the scalable path: nothing is copied into Python) ONCE
into the temporary table ``Prepared.view`` (``__voc_timeline_<n>``) that every query of
``voc.sequences.sql`` reads, rendered with ``prepared=True``:

    journey_id VARCHAR, ts TIMESTAMP[TZ], seq BIGINT, event ENUM, intent VARCHAR,
    pos INTEGER, prev_event ENUM, prev_ts, is_last TINYINT, prev_contact_ts

``event`` is a DuckDB ENUM of the step names (a temporary type, ``Prepared.step_type``): the
steps are stored, grouped, compared and listed as small integers while every query still reads
and returns names. ``pos``, ``prev_event``, ``prev_ts``, ``is_last`` and ``prev_contact_ts`` (see
``_common.sql``'s ``ordered``) come from ONE window sort over (journey_id, ts, seq), done here,
so the metrics are hash aggregates with no sort of their own. ``seq`` defaults to the row order
when the input has none; ``intent`` is NULL when absent. Rows with no journey_id, event or a
usable ts are left out and counted (warning E321). A connection voc opens itself gets
``journey.duckdb_memory_limit`` / ``duckdb_threads``, ``preserve_insertion_order = false`` and a
temporary spill folder; a connection you pass is used as it is. ``close()`` drops the table and
the type.
"""
from __future__ import annotations

import itertools
import tempfile
from dataclasses import dataclass, field
from typing import Any, Union

import duckdb
import pandas as pd

from voc.config import JourneyConfig
from voc.sequences.notices import SequenceWarning, warn
from voc.sequences.sql import render
from voc.sequences.timeline_checks import REQUIRED, check_columns, missing_columns, report_excluded
from voc.sequences.timeline_queries import TimelineQueries

__all__ = ["REQUIRED", "Prepared", "SequenceWarning", "TimelineLike", "connect", "prepare", "use", "warn"]

VIEW = "__voc_timeline"
_SRC = "__voc_timeline_src"
_counter = itertools.count()

TimelineLike = Union[pd.DataFrame, "duckdb.DuckDBPyRelation", "Prepared", str]


def connect(config: JourneyConfig | None = None) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection set up for sequence statistics (memory limit, threads, spill folder)."""
    config = config or JourneyConfig()
    con = duckdb.connect()
    con.execute(f"SET memory_limit = '{config.duckdb_memory_limit}'")
    # the queries never rely on the order rows come out of a scan (journeys are ordered by
    # (ts, seq) explicitly): let DuckDB stream without keeping it (less memory, more parallel)
    con.execute("SET preserve_insertion_order = false")
    if config.duckdb_threads:
        con.execute(f"SET threads = {int(config.duckdb_threads)}")
    con.execute(f"SET temp_directory = '{tempfile.gettempdir()}/voc_duckdb_spill'")
    return con


@dataclass
class Prepared(TimelineQueries):
    """A timeline registered in a DuckDB connection, ready for the metric queries."""

    con: duckdb.DuckDBPyConnection
    config: JourneyConfig
    view: str = VIEW
    n_rows: int = 0
    n_excluded: int = 0
    owns_connection: bool = False
    step_type: str | None = None
    steps: tuple[str, ...] = ()
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)
    _drop: list[str] = field(default_factory=list, repr=False)

    def query(self, name: str, **params: Any) -> pd.DataFrame:
        """Render ``sql/<name>.sql`` for DuckDB over this timeline and return the result (step
        names as strings, never as categoricals)."""
        return self.relation(name, **params).df()

    def relation(self, name: str, **params: Any) -> duckdb.DuckDBPyRelation:
        """The DuckDB relation of ``sql/<name>.sql`` over this timeline, step columns (ENUM,
        ENUM[]) cast back to VARCHAR / VARCHAR[]."""
        rel = self.con.sql(self.sql(name, **params))
        cols, cast = [], False
        for c, t in zip(rel.columns, map(str, rel.types)):
            q = '"' + c.replace('"', '""') + '"'
            if t.startswith("ENUM("):
                cols.append(f"CAST({q} AS {'VARCHAR[]' if t.endswith('[]') else 'VARCHAR'}) AS {q}")
                cast = True
            else:
                cols.append(q)
        return rel.select(", ".join(cols)) if cast else rel

    def sql(self, name: str, **params: Any) -> str:
        return render(name, "duckdb", source=self.view, prepared=True, **params)

    def scalar(self, sql: str) -> Any:
        rows = self.con.sql(sql).fetchall()
        return rows[0][0] if rows else None

    def event_counts(self) -> pd.DataFrame:
        """event, rows, journeys: every step name of the timeline, most frequent first."""
        if "events" not in self._cache:
            self._cache["events"] = self.con.sql(
                f"SELECT event, COUNT(*) AS rows, COUNT(DISTINCT journey_id) AS journeys FROM {self.view} "
                "GROUP BY event ORDER BY rows DESC, event").df()
        return self._cache["events"]

    def frame(self, sql: str) -> pd.DataFrame:
        """A (small) query result as pandas (n_journeys, contact_intents: voc.sequences.timeline_queries)."""
        return self.con.sql(sql).df()

    def has_contacts(self) -> bool:
        return any(s.startswith("contact:") for s in self.steps)

    def close(self) -> None:
        for stmt in self._drop:
            try:
                self.con.execute(stmt)
            except duckdb.Error:
                pass
        self._drop.clear()
        try:
            self.con.unregister(_SRC)
        except (duckdb.Error, KeyError, AttributeError):
            pass
        if self.owns_connection:
            self.con.close()

    def __enter__(self) -> "Prepared":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class _Borrowed:
    """Context wrapper that leaves an already prepared timeline open on exit."""

    def __init__(self, prepared: Prepared) -> None:
        self.prepared = prepared

    def __enter__(self) -> Prepared:
        return self.prepared

    def __exit__(self, *exc: Any) -> None:
        return None


def _ts_expr(col_type: str) -> str:
    t = col_type.upper()
    if t.startswith("TIMESTAMP"):
        return "ts"
    if t == "DATE":
        return "CAST(ts AS TIMESTAMP)"
    if t in ("VARCHAR", "STRING") or t.startswith("VARCHAR"):
        return "TRY_CAST(ts AS TIMESTAMPTZ)"
    if t in ("BIGINT", "INTEGER", "DOUBLE", "FLOAT", "HUGEINT", "UBIGINT", "DECIMAL") or t.startswith("DECIMAL"):
        return "to_timestamp(CAST(ts AS DOUBLE))"  # epoch seconds
    return "TRY_CAST(ts AS TIMESTAMPTZ)"


def prepare(timeline: TimelineLike, config: JourneyConfig | None = None,
            con: duckdb.DuckDBPyConnection | None = None) -> Prepared:
    """Register ``timeline`` as the normalised view ``__voc_timeline`` (see the module doc)."""
    if isinstance(timeline, Prepared):
        return timeline
    config = config or JourneyConfig()
    owns = False
    if isinstance(timeline, pd.DataFrame):
        if con is None:
            con, owns = connect(config), True
        src = timeline
        if "seq" not in src.columns and set(REQUIRED) <= set(src.columns):
            src = src.assign(seq=range(len(src)))
        con.register(_SRC, src)
    elif isinstance(timeline, duckdb.DuckDBPyRelation):
        rel_con = getattr(timeline, "_con", None)
        if con is None and rel_con is not None:
            con = rel_con
        if con is None:
            con, owns = connect(config), True
        if rel_con is con:
            timeline.create_view(_SRC, replace=True)
        else:  # a relation of another connection: bring its rows over through Arrow
            con.register(_SRC, timeline.fetch_arrow_table())
    elif isinstance(timeline, str):   # a query (or table name) on ``con``: read in place
        if con is None:
            raise TypeError("a timeline given as SQL needs the connection it runs on (con=...)")
        sql = timeline if " " in timeline.strip() else f"SELECT * FROM {timeline}"
        con.execute(f"CREATE OR REPLACE TEMP VIEW {_SRC} AS {sql}")
    else:
        raise TypeError(f"timeline must be a pandas DataFrame, a DuckDB relation or SQL on con, not {type(timeline).__name__}")

    head = con.sql(f"SELECT * FROM {_SRC} LIMIT 0")
    types = {c: str(t) for c, t in zip(head.columns, head.types)}
    if missing_columns(types) and owns:
        con.close()
    check_columns(types)
    ts = _ts_expr(types["ts"])
    seq = "CAST(seq AS BIGINT)" if "seq" in types else "ROW_NUMBER() OVER ()"
    if "seq" not in types:  # the row order IS the tie order then: scans must keep it
        con.execute("SET preserve_insertion_order = true")
    intent = "CAST(intent AS VARCHAR)" if "intent" in types else "CAST(NULL AS VARCHAR)"
    valid = f"journey_id IS NOT NULL AND event IS NOT NULL AND {ts} IS NOT NULL"
    norm = f"{VIEW}_norm_{next(_counter)}"
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW {norm} AS "
        f"SELECT CAST(journey_id AS VARCHAR) AS journey_id, {ts} AS ts, {seq} AS seq, "
        f"CAST(event AS VARCHAR) AS event, {intent} AS intent FROM {_SRC} WHERE {valid}")
    n_rows, n_bad = con.sql(
        f"SELECT COUNT(*), COALESCE(SUM(CASE WHEN {valid} THEN 0 ELSE 1 END), 0) FROM {_SRC}").fetchall()[0]
    prepared = Prepared(con=con, config=config, n_rows=int(n_rows), n_excluded=int(n_bad), owns_connection=owns,
                        view=norm)
    prepared._drop.append(f"DROP VIEW IF EXISTS {norm}")
    if isinstance(timeline, str):
        prepared._drop.append(f"DROP VIEW IF EXISTS {_SRC}")
    try:
        _materialise(prepared)
    except BaseException:
        prepared.close()
        raise
    report_excluded(int(n_rows), int(n_bad))
    return prepared


def _materialise(tl: Prepared) -> None:
    """The normalised view ``tl.view`` -> the prepared table (module doc): step names as a
    temporary ENUM, and one window sort for pos / prev_event / prev_ts / is_last / prev_contact_ts."""
    con, norm, k = tl.con, tl.view, next(_counter)
    step_type, table = f"__voc_step_{k}", f"{VIEW}_{k}"
    # sorted, so that ordering by the ENUM is ordering by name
    con.execute(f"CREATE TEMP TYPE {step_type} AS ENUM (SELECT DISTINCT event FROM {norm} ORDER BY event)")
    tl._drop.insert(0, f"DROP TYPE IF EXISTS {step_type}")
    steps = con.sql(f"SELECT enum_range(NULL::{step_type})").fetchall()[0][0] or []
    w = "(PARTITION BY journey_id ORDER BY ts, seq)"
    prev_contact = ("MAX(CASE WHEN event LIKE 'contact:%' THEN ts END) OVER (PARTITION BY journey_id ORDER BY ts, seq "
                    "ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)"
                    if any(s.startswith("contact:") for s in steps) else "CASE WHEN FALSE THEN ts END")
    con.execute(
        f"CREATE TEMP TABLE {table} AS "
        f"SELECT journey_id, ts, seq, event, intent, "
        f"CAST(ROW_NUMBER() OVER {w} AS INTEGER) AS pos, LAG(event) OVER {w} AS prev_event, "
        f"LAG(ts) OVER {w} AS prev_ts, "
        f"CAST(CASE WHEN LEAD(event) OVER {w} IS NULL THEN 1 ELSE 0 END AS TINYINT) AS is_last, "
        f"{prev_contact} AS prev_contact_ts "
        f"FROM (SELECT journey_id, ts, seq, CAST(event AS {step_type}) AS event, intent FROM {norm}) n")
    tl._drop.insert(0, f"DROP TABLE IF EXISTS {table}")
    tl.view, tl.step_type, tl.steps = table, step_type, tuple(steps)


def use(timeline: TimelineLike, config: JourneyConfig | None = None,
        con: duckdb.DuckDBPyConnection | None = None):
    """``with use(timeline, config, con) as tl:`` prepares the timeline (and cleans up after), or
    borrows an already prepared one (left open)."""
    if isinstance(timeline, Prepared):
        return _Borrowed(timeline)
    return prepare(timeline, config, con)
