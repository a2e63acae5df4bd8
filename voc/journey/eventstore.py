"""The canonical events table of a journeys run, kept in DuckDB (it spills to disk under
``journey.duckdb_memory_limit``) rather than in pandas.

``events`` holds one row per event read (the EVENTS columns of voc.journey.events, with the file
as a small integer ``file_idx`` and the record as a number ``rec``, or a text ``rec_text`` for XES
locations such as 'trace 3 event 2'); ``event_files`` names each file and the kind of location
('line' or 'row'). ``frame()`` returns the pandas table of voc.journey.events.EVENTS, for small
logs and tests only: a journeys run never calls it."""
from __future__ import annotations

import duckdb
import pandas as pd
import pyarrow as pa

from voc.journey.event_schema import EVENTS

TABLE = "events"
FILES = "event_files"

CREATE = f"""
CREATE OR REPLACE TEMP TABLE {TABLE} (
    journey_id VARCHAR, customer_id VARCHAR, case_id VARCHAR, ts TIMESTAMPTZ, event VARCHAR, channel VARCHAR,
    actor VARCHAR, lifecycle VARCHAR, properties VARCHAR, file_idx INTEGER, rec BIGINT, rec_text VARCHAR,
    src_order BIGINT, bad_ts VARCHAR)
"""
COLUMNS = ("journey_id", "customer_id", "case_id", "ts", "event", "channel", "actor", "lifecycle", "properties",
           "file_idx", "rec", "rec_text", "src_order", "bad_ts")


class EventStore:
    """The events table on one DuckDB connection (owned: ``close()`` closes it)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        con.execute(CREATE)
        con.execute(f"CREATE OR REPLACE TEMP TABLE {FILES} (file_idx INTEGER, path VARCHAR, loc_kind VARCHAR)")
        self._n: int | None = None
        self.released = False

    def add_file(self, file_idx: int, path: str, loc_kind: str) -> None:
        self.con.execute(f"INSERT INTO {FILES} VALUES (?, ?, ?)", [file_idx, path, loc_kind])

    def insert_frame(self, df: pd.DataFrame, file_idx: int) -> None:
        """Events normalised by pandas (voc.journey.events.normalise: XES and plug-in readers)."""
        if not len(df):
            return
        tbl = pa.table({
            "journey_id": pa.array(df["journey_id"], pa.string(), from_pandas=True),
            "customer_id": pa.array(df["customer_id"], pa.string(), from_pandas=True),
            "case_id": pa.array(df["case_id"], pa.string(), from_pandas=True),
            "ts": pa.array(pd.to_datetime(df["ts"], utc=True).astype("datetime64[us, UTC]"), pa.timestamp("us", tz="UTC")),
            "event": pa.array(df["event"], pa.string(), from_pandas=True),
            "channel": pa.array(df["channel"], pa.string(), from_pandas=True),
            "actor": pa.array(df["actor"], pa.string(), from_pandas=True),
            "lifecycle": pa.array(df["lifecycle"], pa.string(), from_pandas=True),
            "properties": pa.array(df["properties"], pa.string(), from_pandas=True),
            "rec_text": pa.array(df["source_record"], pa.string(), from_pandas=True),
            "src_order": pa.array(df["src_order"].astype("int64"), pa.int64()),
        })
        self.con.register("__voc_events_batch", tbl)
        try:
            self.con.execute(
                f"INSERT INTO {TABLE} SELECT journey_id, customer_id, case_id, ts, event, channel, actor, lifecycle, "
                f"properties, {int(file_idx)}, NULL, rec_text, src_order, NULL FROM __voc_events_batch")
        finally:
            self.con.unregister("__voc_events_batch")
        self._n = None

    def __len__(self) -> int:
        if self._n is None:
            self._n = int(self.con.sql(f"SELECT COUNT(*) FROM {TABLE}").fetchall()[0][0])
        return self._n

    def changed(self) -> None:
        self._n = None

    def view_sql(self) -> str:
        """The EVENTS columns (source_file and source_record as text), in input order."""
        return (f"SELECT e.journey_id, e.customer_id, e.case_id, e.ts, e.event, e.channel, e.actor, e.lifecycle, "
                f"e.properties, f.path AS source_file, "
                f"COALESCE(e.rec_text, f.loc_kind || ' ' || CAST(e.rec AS VARCHAR)) AS source_record, e.src_order "
                f"FROM {TABLE} e JOIN {FILES} f USING (file_idx) ORDER BY e.src_order")

    def frame(self) -> pd.DataFrame:
        if self.released:
            raise RuntimeError("the events table was released after the timeline was built")
        table = self.con.sql(self.view_sql()).to_arrow_table()
        if isinstance(table, pa.RecordBatchReader):
            table = table.read_all()
        return table.cast(EVENTS).to_pandas(types_mapper=pd.ArrowDtype)

    def release(self) -> None:
        """Drop the events rows once the timeline holds them (a journeys run calls it after
        ``build_timeline``): the events table would otherwise share ``journey.duckdb_memory_limit``
        with the timeline and make every later step spill to disk. ``len()`` still answers;
        ``frame()`` no longer can."""
        len(self)
        self.con.execute("DROP VIEW IF EXISTS ev")
        self.con.execute(f"DROP TABLE IF EXISTS {TABLE}")
        self.released = True

    def close(self) -> None:
        try:
            self.con.close()
        except duckdb.Error:
            pass
