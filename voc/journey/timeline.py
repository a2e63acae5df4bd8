"""Unified timeline: behavioural events and support contacts of each journey in one ordered table.

A contact appears as the step ``contact:<channel>`` carrying its channel, intent, sentiment and
topic. Rows are ordered by (journey_id, ts, seq): ``seq`` is a stable 1-based position that breaks
timestamp ties (events before contacts at the same instant, then input order). Stages come from
config.stages (event name or glob -> stage); contacts get config.contact_stage ('support')
unless a stage pattern names them (e.g. ``contact:*``)."""
from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from voc.config import JourneyConfig
from voc.journey import sqlrun
from voc.journey.catalog import build_catalog, build_outcome_map
from voc.journey.identity import journey_key

TIMELINE_COLUMNS = ["journey_id", "customer_id", "ts", "seq", "kind", "event", "channel", "contact_id",
                    "intent", "sentiment", "topic_label", "stage"]
EXTRA_COLUMNS = ["sentiment_score", "properties", "actor", "lifecycle"]

_EV = pa.schema([("journey_id", pa.string()), ("customer_id", pa.string()), ("ts", pa.timestamp("us", tz="UTC")),
                 ("ts_s", pa.float64()), ("event", pa.string()), ("channel", pa.string()), ("actor", pa.string()),
                 ("lifecycle", pa.string()),
                 ("properties", pa.string()), ("src_order", pa.int64())])
_CT = pa.schema([("journey_id", pa.string()), ("customer_id", pa.string()), ("contact_id", pa.string()),
                 ("ts", pa.timestamp("us", tz="UTC")), ("ts_s", pa.float64()), ("closed_s", pa.float64()),
                 ("channel", pa.string()), ("intent", pa.string()), ("sentiment", pa.string()),
                 ("topic_label", pa.string()), ("sentiment_score", pa.float64()), ("sentiment_end", pa.float64()),
                 ("src_order", pa.int64())])


def parse_times(values: pd.Series) -> pd.Series:
    """Contact times as UTC timestamps: a timestamp column as it is; text in any ISO 8601 form, each value read on
    its own (``format='mixed'``: pandas otherwise guesses one format from the first value, and a column mixing
    '...T10:00:00Z' with '...T10:00:00.123Z' lost every value of the second form, silently); a time without an
    offset is UTC; what is not a time is NaT (counted by ``unreadable_times``)."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return pd.to_datetime(values, utc=True)
    return pd.to_datetime(values.astype(object), utc=True, errors="coerce", format="mixed")


def unreadable_times(values: pd.Series) -> pd.Series:
    """Which values hold something (not null, not blank) that ``parse_times`` cannot read as a time.
    A timestamp column (Parquet, a DataFrame) holds none: its missing values are missing, not unreadable
    (and writing 1M timestamps as text to find blanks cost 3 s a column)."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return pd.Series(False, index=values.index)
    held = values.notna() & (values.astype(str).str.strip() != "")
    return held & parse_times(values).isna()


def with_parsed_times(contacts: pd.DataFrame) -> pd.DataFrame:
    """``contacts`` with their text created_at / closed_at read by ``parse_times`` (timestamp columns as they are),
    so that later readers (``contacts_table``) take them as they are instead of parsing the text again."""
    parsed = {c: parse_times(contacts[c]) for c in ("created_at", "closed_at")
              if c in contacts.columns and not pd.api.types.is_datetime64_any_dtype(contacts[c])}
    return contacts.assign(**parsed) if parsed else contacts


def epoch_seconds(ts: pd.Series) -> pd.Series:
    t = pd.to_datetime(ts, utc=True)
    return pd.Series((t - pd.Timestamp(0, tz="UTC")).dt.total_seconds().to_numpy(dtype=float), index=ts.index)


def _col(df: pd.DataFrame, name: str, n: int) -> pd.Series:
    if name in df.columns:
        return df[name].reset_index(drop=True)
    return pd.Series([None] * n, dtype=object)


def _strings(s: pd.Series, type_: pa.DataType) -> pa.Array:
    """A text column: missing -> null, anything else as str(value). Text columns (the usual case) go to
    Arrow in one call; only a column holding other values (numbers, ...) is converted value by value."""
    vals = s.astype(object).where(s.notna(), None)
    try:
        return pa.array(vals.to_numpy(), type=type_, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pa.array([None if v is None else str(v) for v in vals], type=type_)


def _arrow(df: pd.DataFrame, schema: pa.Schema) -> pa.Table:
    arrays = []
    for f in schema:
        s = df[f.name]
        if pa.types.is_string(f.type):
            arrays.append(_strings(s, f.type))
        elif pa.types.is_timestamp(f.type):
            arrays.append(pa.array(pd.to_datetime(s, utc=True).astype("datetime64[us, UTC]"), type=f.type))
        elif pa.types.is_floating(f.type):
            arrays.append(pa.array(pd.to_numeric(s, errors="coerce").astype(float), type=f.type, from_pandas=True))
        else:
            arrays.append(pa.array(s.astype("int64"), type=f.type))
    return pa.Table.from_arrays(arrays, schema=schema)


def events_table(events: pd.DataFrame) -> pa.Table:
    df = events.reset_index(drop=True).copy()
    df["ts_s"] = epoch_seconds(df["ts"])
    for c in ("actor", "lifecycle"):
        if c not in df.columns:
            df[c] = None
    return _arrow(df, _EV)


def contacts_table(contacts: pd.DataFrame, identity: pd.DataFrame) -> pa.Table:
    """Contacts with their resolved customer; unmatched ones get journey 'unmatched:<contact_id>'."""
    n = len(contacts)
    c = contacts.reset_index(drop=True)
    ident = identity.set_index("contact_id")["customer_id"] if len(identity) else pd.Series(dtype=object)
    contact_id = _col(c, "contact_id", n).astype(object)
    customer = contact_id.map(ident) if len(ident) else pd.Series([None] * n, dtype=object)
    customer = customer.astype(object).where(customer.notna(), None)
    created = parse_times(_col(c, "created_at", n))
    closed = parse_times(_col(c, "closed_at", n))
    sent_end = _col(c, "sentiment_end", n)
    df = pd.DataFrame({
        "journey_id": journey_key(customer, contact_id), "customer_id": customer, "contact_id": contact_id,
        "ts": created, "ts_s": epoch_seconds(created), "closed_s": epoch_seconds(closed),
        "channel": _col(c, "channel", n), "intent": _col(c, "intent", n), "sentiment": _col(c, "sentiment", n),
        "topic_label": _col(c, "topic_label", n), "sentiment_score": _col(c, "sentiment_score", n),
        "sentiment_end": sent_end, "src_order": np.arange(n, dtype=np.int64),
    })
    return _arrow(df, _CT)


def build_timeline(con: duckdb.DuckDBPyConnection, events: pd.DataFrame | str, contacts: pd.DataFrame | None,
                   identity: pd.DataFrame | None, config: JourneyConfig, *, case_based: bool) -> None:
    """Register ev, ct, cat and outcome_map on ``con`` and materialise the enriched timeline ``tl``
    (a view over the stored table STORED, see ``materialise_timeline``; ``drop_timeline`` removes both).
    ``events``: a pandas events table (voc.journey.events.EVENTS), or the name of the events table
    already on ``con`` (voc.journey.eventstore: nothing leaves DuckDB)."""
    if isinstance(events, str):
        con.execute(f"CREATE OR REPLACE TEMP VIEW ev AS SELECT journey_id, customer_id, ts, "
                    f"CAST(epoch_us(ts) AS DOUBLE) / 1e6 AS ts_s, event, channel, actor, lifecycle, properties, src_order "
                    f"FROM {events}")
    else:
        con.register("ev", events_table(events))
    ct = contacts_table(contacts, identity) if contacts is not None and len(contacts) else _CT.empty_table()
    names = {r[0] for r in con.sql("SELECT DISTINCT event FROM ev").fetchall()}
    names |= {f"contact:{ch if ch is not None else 'unknown'}" for ch in pa.compute.unique(ct.column("channel")).to_pylist()}
    names = sorted(n for n in names if n is not None)
    cat = build_catalog(names, config, case_based=case_based)
    omap = build_outcome_map(names, config)
    con.register("ct", ct)
    con.register("cat", pa.Table.from_pandas(cat.astype({"level": "float64"}), preserve_index=False))
    con.register("outcome_map", pa.Table.from_pandas(omap, preserve_index=False,
                                                     schema=pa.schema([("event", pa.string()), ("outcome", pa.string()),
                                                                       ("is_negative", pa.bool_())])))
    ev_empty = _ev_empty(con)
    materialise_timeline(con, _empty_columns(ev_empty, ct, cat),
                         events_fill={c for c in ("customer_id", "channel") if c not in ev_empty})


# the stored rows of the timeline; ``tl`` is a view over them that adds the columns no row fills
STORED = "tl_rows"
_EV_OPTIONAL = ("customer_id", "channel", "actor", "lifecycle", "properties")
_CONTACT_ONLY = ("contact_id", "intent", "sentiment", "topic_label", "sentiment_score", "sentiment_end", "closed_s")


def _ev_empty(con: duckdb.DuckDBPyConnection) -> frozenset[str]:
    """Optional event columns that no event fills."""
    counts = con.sql("SELECT " + ", ".join(f"COUNT({c})" for c in _EV_OPTIONAL) + " FROM ev").fetchall()[0]
    return frozenset(c for c, n in zip(_EV_OPTIONAL, counts) if n == 0)


def _empty_columns(ev_empty: frozenset[str], ct: pa.Table, cat: pd.DataFrame) -> set[str]:
    """Timeline columns that no row fills: a log without contacts leaves every contact column empty,
    a case log its customer ids, most logs the actor and lifecycle; a catalog without stages or
    levels leaves those empty."""
    empty = set(ev_empty)
    for c in ("customer_id", "channel"):   # contacts fill these too
        if ct.num_rows and ct.column(c).null_count < ct.num_rows:
            empty.discard(c)
    empty |= {c for c in _CONTACT_ONLY if ct.column(c).null_count == ct.num_rows}
    if cat["level"].isna().all():
        empty.add("level")
    if cat["stage"].isna().all():
        empty |= {"stage", "context_stage"}
    return empty


def materialise_timeline(con: duckdb.DuckDBPyConnection, empty: set[str] = frozenset(),
                         events_fill: set[str] = frozenset({"customer_id", "channel"})) -> None:
    """sql/timeline.sql stored as STORED without the columns in ``empty`` (no row fills them), and
    ``tl`` as the view of every column (NULL of the column's type for those). The columns of a large
    log are the memory that every later step shares under ``journey.duckdb_memory_limit``: a
    timeline 40% narrower is one the friction, sequence and writing steps no longer spill.
    ``events_fill``: which of customer_id and channel some event fills; the others come from the
    contacts alone, joined after the window sort (see sql/timeline.sql)."""
    full = sqlrun.render("timeline", ev_customer=int("customer_id" in events_fill), ev_channel=int("channel" in events_fill))
    head = con.sql(f"SELECT * FROM ({full}) AS t LIMIT 0")
    cols = list(zip(head.columns, map(str, head.types)))
    kept = [c for c, _ in cols if c not in empty]
    con.execute("DROP VIEW IF EXISTS tl")
    con.execute(f"CREATE OR REPLACE TEMP TABLE {STORED} AS SELECT {', '.join(kept)} FROM ({full}) AS t")
    view = ", ".join(c if c not in empty else f'CAST(NULL AS {t}) AS {c}' for c, t in cols)
    con.execute(f"CREATE TEMP VIEW tl AS SELECT {view} FROM {STORED}")


def drop_timeline(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("DROP VIEW IF EXISTS tl")
    con.execute(f"DROP TABLE IF EXISTS {STORED}")


def timeline_sql() -> str:
    """The timeline as written (contract columns + sentiment_score, properties), ordered."""
    cols = ", ".join(TIMELINE_COLUMNS + EXTRA_COLUMNS)
    return f"SELECT {cols} FROM tl ORDER BY journey_id, seq"


def timeline_frame(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The timeline as a pandas table (small logs and tests; a journeys run writes it with ``copy_timeline``)."""
    return sqlrun.fetch(con, timeline_sql())


def copy_timeline(con: duckdb.DuckDBPyConnection, path) -> None:
    """Write the timeline to Parquet by DuckDB itself (no Python round trip; it spills to disk)."""
    con.execute(f"COPY ({timeline_sql()}) TO {sqlrun.literal(path)} (FORMAT parquet, COMPRESSION zstd)")
