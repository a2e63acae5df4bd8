"""CSV, Parquet and JSON Lines event logs read by DuckDB itself (read_csv / read_parquet, JSON
functions): the column roles, text cleaning, timestamp parsing and rejects of
voc.journey.events.normalise expressed in SQL, with no per-row Python or pandas step.

Same rules as the pandas path: values are trimmed, blanks are missing; timestamps are ISO-8601
with any offset, naive ones read in ``journey.timezone`` (a local time that a clock change makes
ambiguous is rejected), then epoch seconds or milliseconds (9-13 digits), then -- for the few
distinct texts left -- the free formats pandas reads (``pd.Timestamp``). A row with no customer/case
id, no event name or no usable timestamp is a reject E302 with its file, physical line (CSV and
JSONL, also when quoted fields span lines) or row (Parquet) and the same reason text; a JSONL line
that is not a JSON object is a reject E309. Other columns are kept as a JSON object in
``properties``."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from voc.config import JourneyConfig
from voc.errors import Errors, VocError
from voc.ingest.base import Reject
from voc.journey.columns import REQUIRED, candidates_text, detect_roles
from voc.journey.eventstore import TABLE, EventStore
from voc.journey.readers.base import suffixes

SQL_FORMATS = ("csv", "parquet", "jsonl")
_WS = "' ' || chr(9) || chr(10) || chr(13) || chr(11) || chr(12)"
_RAW = "__voc_raw"


def lit(s: str) -> str:
    return "'" + str(s).replace("'", "''") + "'"


def ident(name: str) -> str:
    return '"' + str(name).replace('"', '""') + '"'


def clean(expr: str) -> str:
    """Text trimmed (whitespace as Python's str.strip), blank -> NULL."""
    return f"NULLIF(trim(CAST({expr} AS VARCHAR), {_WS}), '')"


@dataclass
class RawSource:
    """One file as a DuckDB relation: ``columns`` name -> SQL expression over ``source``, the record
    number ``rec`` (physical line or row) and how many records the file had."""

    source: str
    columns: dict[str, str]
    types: dict[str, str]
    rec: str
    loc_kind: str
    n_records: int
    rejects: list[Reject] = field(default_factory=list)
    drop: list[str] = field(default_factory=list)
    index: str = "__voc_rn - 1"     # 0-based position of the record in the file (input order)
    span: int | None = None         # positions used (records, or lines where blank lines leave gaps)


def _describe(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[str, str]]:
    rel = con.sql(f"SELECT * FROM {sql} LIMIT 0")
    return [(c, str(t)) for c, t in zip(rel.columns, rel.types)]


def raw_csv(con: duckdb.DuckDBPyConnection, path: Path, k: int) -> RawSource:
    sep = "\t" if suffixes(path)[0] == ".tsv" else ","
    table = f"{_RAW}_{k}"
    src = (f"read_csv({lit(path)}, all_varchar = true, header = true, delim = {lit(sep)}, quote = '\"', "
           f"escape = '\"', skip = 0, auto_detect = true, compression = 'auto')")   # skip = 0: no line is ever dropped
    try:
        con.execute("SET preserve_insertion_order = true")
        con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT ROW_NUMBER() OVER () AS __voc_rn, * FROM {src}")
    except duckdb.Error as e:
        msg = str(e).splitlines()[0] if str(e) else type(e).__name__
        if "No files found" in msg or "empty" in msg.lower():
            return RawSource("(SELECT 1 AS __voc_rn WHERE FALSE)", {}, {}, "__voc_rn", "line", 0)
        raise VocError(Errors.E306, file=str(path), detail=msg) from None
    cols = [c for c, _ in _describe(con, table) if c != "__voc_rn"]
    names = {str(c).strip().lstrip("\ufeff").strip(): ident(c) for c in cols}
    n = int(con.sql(f"SELECT COUNT(*) FROM {table}").fetchall()[0][0])
    rec = "__voc_rn + 1"
    if n and cols:
        # physical line of each record: the header is line 1; a record starts after every line of the previous ones
        nl = " + ".join(f"COALESCE(length({ident(c)}) - length(replace({ident(c)}, chr(10), '')), 0)" for c in cols)
        multi = con.sql(f"SELECT MAX({nl}) FROM {table}").fetchall()[0][0] or 0
        if multi:
            lines = f"{table}_lines"
            con.execute(f"CREATE OR REPLACE TEMP TABLE {lines} AS SELECT *, "
                        f"1 + __voc_rn + SUM({nl}) OVER (ORDER BY __voc_rn ROWS UNBOUNDED PRECEDING) - ({nl}) AS __voc_line "
                        f"FROM {table}")
            con.execute(f"DROP TABLE {table}")
            table, rec = lines, "__voc_line"
    return RawSource(table, names, {c: "VARCHAR" for c in names}, rec, "line", n, drop=[f"DROP TABLE IF EXISTS {table}"])


def raw_parquet(con: duckdb.DuckDBPyConnection, path: Path, k: int) -> RawSource:
    src = f"read_parquet({lit(path)}, file_row_number = true)"
    try:
        desc = _describe(con, src)
        n = int(con.sql(f"SELECT COUNT(*) FROM {src}").fetchall()[0][0])
    except duckdb.Error as e:
        raise VocError(Errors.E306, file=str(path), detail=str(e).splitlines()[0]) from None
    cols = {c: ident(c) for c, _ in desc if c != "file_row_number"}
    types = {c: t for c, t in desc if c != "file_row_number"}
    return RawSource(src, cols, types, "file_row_number + 1", "row", n, index="file_row_number")


def raw_jsonl(con: duckdb.DuckDBPyConnection, path: Path, k: int) -> RawSource:
    """Each line read as text (DuckDB read_csv, one column, nothing quoted), then checked and
    taken apart with DuckDB's JSON functions."""
    table = f"{_RAW}_{k}"
    src = (f"read_csv({lit(path)}, columns = {{'j': 'VARCHAR'}}, delim = chr(1), quote = '', escape = '', "
           f"header = false, auto_detect = false, compression = 'auto', strict_mode = false, null_padding = true)")
    try:
        con.execute("SET preserve_insertion_order = true")
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT __voc_rn, j, CASE WHEN "
            "json_valid(j) THEN json_type(j) = 'OBJECT' ELSE FALSE END AS __voc_ok "
            f"FROM (SELECT __voc_rn, CASE WHEN __voc_rn = 1 THEN ltrim(j, chr(65279)) ELSE j END AS j "
            f"      FROM (SELECT ROW_NUMBER() OVER () AS __voc_rn, j FROM {src})) "
            f"WHERE j IS NOT NULL AND trim(j, {_WS}) <> ''")
    except duckdb.Error as e:
        raise VocError(Errors.E306, file=str(path), detail=str(e).splitlines()[0]) from None
    rejects: list[Reject] = []
    for rn, line in con.sql(f"SELECT __voc_rn, j FROM {table} WHERE NOT __voc_ok ORDER BY __voc_rn").fetchall():
        loc = f"line {rn}"
        try:
            obj = json.loads(line)
        except ValueError as e:
            rejects.append(Reject.of(Errors.E309, file=path, location=loc, level="event", detail=f"invalid JSON ({e.msg})"))
            continue
        rejects.append(Reject.of(Errors.E309, file=path, location=loc, level="event",
                                 detail=f"expected a JSON object, found {type(obj).__name__}"))
    n = int(con.sql(f"SELECT COUNT(*) FROM {table}").fetchall()[0][0])
    keys = [r[0] for r in con.sql(
        f"SELECT k FROM (SELECT __voc_rn, unnest(json_keys(j)) AS k, unnest(range(len(json_keys(j)))) AS i "
        f"FROM {table} WHERE __voc_ok) GROUP BY k ORDER BY MIN(__voc_rn * 1000000 + i)").fetchall()]
    cols = {}
    for key in keys:
        path_ = "$." + json.dumps(str(key))
        cols[str(key)] = f"json_extract_string(j, {lit(path_)})"
    source = f"(SELECT * FROM {table} WHERE __voc_ok)"
    span = int(con.sql(f"SELECT COALESCE(MAX(__voc_rn), 0) FROM {table}").fetchall()[0][0])
    return RawSource(source, cols, {c: "VARCHAR" for c in cols}, "__voc_rn", "line", n, rejects,
                     drop=[f"DROP TABLE IF EXISTS {table}"], span=span)


RAW = {"csv": raw_csv, "parquet": raw_parquet, "jsonl": raw_jsonl}


def ts_expr(col: str, col_type: str, timezone: str) -> tuple[str, str | None]:
    """(timestamp expression, text expression or None) of a timestamp column of ``col_type``;
    run with the session TimeZone set to ``timezone`` (naive values are read in it)."""
    t = col_type.upper()
    if t.startswith("TIMESTAMP WITH TIME ZONE") or t == "TIMESTAMPTZ":
        return col, None
    if t.startswith("TIMESTAMP") or t == "DATE":
        return f"CAST(CAST({col} AS TIMESTAMP) AS TIMESTAMPTZ)", None
    txt = clean(col)
    iso = f"TRY_CAST({txt} AS TIMESTAMPTZ)"
    if timezone != "UTC":
        # a naive local time that the clock change makes ambiguous (it happens twice) is not guessed
        naive = f"NOT regexp_matches({txt}, '(?i)(Z|[+-]\\d{{2}}:?\\d{{2}})$')"
        local = f"timezone({lit(timezone)}, {iso})"
        amb = (f"({naive} AND (timezone({lit(timezone)}, {iso} - INTERVAL 1 HOUR) = {local} "
               f"OR timezone({lit(timezone)}, {iso} + INTERVAL 1 HOUR) = {local}))")
        iso = f"CASE WHEN {amb} THEN NULL ELSE {iso} END"
    num = f"TRY_CAST({txt} AS DOUBLE)"
    epoch = (f"CASE WHEN regexp_full_match({txt}, '\\d{{9,13}}(\\.\\d+)?') THEN "
             f"to_timestamp(CASE WHEN {num} > 1e11 THEN {num} / 1000.0 ELSE {num} END) END")
    return f"COALESCE({iso}, {epoch})", txt


def _text_col(expr: str, col_type: str) -> str:
    t = col_type.upper()
    if t.startswith("STRUCT") or t.startswith("MAP") or t.endswith("]") or t == "JSON":
        return f"CAST(to_json({expr}) AS VARCHAR)"
    return f"CAST({expr} AS VARCHAR)"


def _free_format(values: list[str], timezone: str) -> list[tuple[str, pd.Timestamp]]:
    """The free formats pandas reads (e.g. 'Jan 5, 2026 10:00'), for the few distinct texts SQL left."""
    out = []
    for v in values:
        try:
            t = pd.Timestamp(v)
        except (ValueError, TypeError, OverflowError):
            continue
        if t is pd.NaT:
            continue
        try:
            t = t.tz_localize(timezone) if t.tzinfo is None else t
        except Exception:   # noqa: BLE001 -- pytz's Ambiguous/NonExistentTimeError: the local time is not guessed
            continue
        out.append((v, t.tz_convert("UTC")))
    return out


def load(store: EventStore, path: Path, fmt: str, config: JourneyConfig, *, file_idx: int,
         start_order: int) -> tuple[list[Reject], dict, int]:
    """Read one CSV / Parquet / JSONL file into ``store`` (rows with a problem included, removed by
    ``drop_rejected`` once every file is read). Returns the file's rejects, its description and
    how many input-order positions it used (src_order = start_order + position)."""
    con = store.con
    raw = RAW[fmt](con, path, file_idx)
    try:
        present = list(raw.columns)
        roles, missing_cfg = detect_roles(present, config.columns)
        for role, name in missing_cfg.items():
            raise VocError(Errors.E301, file=str(path), role=role, candidates=repr(name) + " (from journey.columns)",
                           present=", ".join(present) or "(none)")
        n_rows = raw.n_records - len(raw.rejects)
        for role in REQUIRED:
            if role not in roles and n_rows:
                raise VocError(Errors.E301, file=str(path), role=role, candidates=candidates_text(role, config.columns),
                               present=", ".join(present) or "(none)")
        if n_rows and "customer_id" not in roles and "case_id" not in roles:
            raise VocError(Errors.E301, file=str(path), role="customer_id",
                           candidates=candidates_text("customer_id", config.columns) + " (or a case id: "
                           + candidates_text("case_id") + ")", present=", ".join(present) or "(none)")
        store.add_file(file_idx, str(path), raw.loc_kind)
        case_based = "case_id" in roles
        info = {"path": str(path), "roles": roles, "rows_in": raw.n_records, "rows_out": 0,
                "rejects": 0, "case_based": case_based, "reader": fmt}
        span = raw.span if raw.span is not None else raw.n_records
        if not n_rows:
            return list(raw.rejects), info, span

        def col(role: str) -> str:
            if role not in roles:
                return "CAST(NULL AS VARCHAR)"
            return clean(_text_col(raw.columns[roles[role]], raw.types[roles[role]]))

        ts_col = roles["timestamp"]
        ts, ts_txt = ts_expr(raw.columns[ts_col], raw.types[ts_col], config.timezone)
        rest = [c for c in present if c not in roles.values()]
        props = ("json_object(" + ", ".join(f"{lit(c)}, {_text_col(raw.columns[c], raw.types[c])}" for c in rest) + ")"
                 if rest else "CAST(NULL AS VARCHAR)")
        bad_ts = f"CASE WHEN {ts} IS NULL THEN {ts_txt if ts_txt else 'NULL'} END"
        journey = col("case_id") if case_based else col("customer_id")
        con.execute(f"SET TimeZone = {lit(config.timezone)}")
        try:
            con.execute(
                f"INSERT INTO {TABLE} SELECT {journey}, {col('customer_id')}, {col('case_id')}, {ts}, {col('event')}, "
                f"{col('channel')}, {col('actor')}, {col('lifecycle')}, CAST({props} AS VARCHAR), {int(file_idx)}, "
                f"{raw.rec}, NULL, {int(start_order)} + {raw.index}, {bad_ts} FROM {raw.source}")
        except duckdb.Error as e:
            raise VocError(Errors.E306, file=str(path), detail=str(e).splitlines()[0]) from None
        finally:
            con.execute("SET TimeZone = 'UTC'")
        store.changed()
        if ts_txt is not None:
            _fill_free_formats(con, file_idx, config.timezone)
        rejects = list(raw.rejects) + _row_rejects(con, path, roles, file_idx)
        info["rejects"] = len(rejects)
        info["rows_out"] = n_rows - (len(rejects) - len(raw.rejects))
        return rejects, info, span
    finally:
        for stmt in raw.drop:
            con.execute(stmt)
        con.execute("SET preserve_insertion_order = false")


def _fill_free_formats(con: duckdb.DuckDBPyConnection, file_idx: int, timezone: str) -> None:
    left = [r[0] for r in con.sql(f"SELECT DISTINCT bad_ts FROM {TABLE} WHERE file_idx = {int(file_idx)} "
                                  f"AND bad_ts IS NOT NULL").fetchall()]
    found = _free_format(left, timezone) if left else []
    if not found:
        return
    fb = pd.DataFrame({"t": [v for v, _ in found],
                       "ts": pd.Series([t for _, t in found]).astype("datetime64[us, UTC]")})
    con.register("__voc_free_ts", fb)
    try:
        con.execute(f"UPDATE {TABLE} SET ts = f.ts, bad_ts = NULL FROM __voc_free_ts f "
                    f"WHERE {TABLE}.file_idx = {int(file_idx)} AND {TABLE}.bad_ts = f.t")
    finally:
        con.unregister("__voc_free_ts")


def _row_rejects(con: duckdb.DuckDBPyConnection, path: Path, roles: dict, file_idx: int) -> list[Reject]:
    rows = con.sql(
        f"SELECT f.loc_kind || ' ' || CAST(e.rec AS VARCHAR), e.customer_id IS NULL AND e.case_id IS NULL, "
        f"e.event IS NULL, e.bad_ts FROM {TABLE} e JOIN event_files f USING (file_idx) "
        f"WHERE e.file_idx = {int(file_idx)} AND ((e.customer_id IS NULL AND e.case_id IS NULL) OR e.event IS NULL "
        f"OR e.ts IS NULL) ORDER BY e.rec").fetchall()
    id_roles = " or ".join(f"'{roles[r]}'" for r in ("customer_id", "case_id") if r in roles)
    out = []
    for loc, no_id, no_event, bad in rows:
        if no_id:
            detail = f"no {id_roles} value"
        elif no_event:
            detail = f"no '{roles.get('event')}' value (event name)"
        elif bad is None:
            detail = f"no '{roles['timestamp']}' value"
        else:
            detail = f"timestamp {bad!r} in '{roles['timestamp']}' could not be parsed"
        out.append(Reject.of(Errors.E302, file=path, location=loc, level="event", detail=detail))
    return out


def drop_rejected(store: EventStore) -> None:
    """Remove the rows whose problems became rejects (after every file is read)."""
    store.con.execute(f"DELETE FROM {TABLE} WHERE (customer_id IS NULL AND case_id IS NULL) OR event IS NULL OR ts IS NULL")
    store.changed()


def sql_format(path: Path, reader_name: str) -> str | None:
    """The SQL reader for a file read by the registered reader ``reader_name``, or None (pandas path)."""
    return reader_name if reader_name in SQL_FORMATS else None
