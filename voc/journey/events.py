"""Event timelines in: read event logs (CSV, Parquet, JSONL, XES) into one canonical events table.

Every input row ends up either in ``EventLog.events`` or in ``EventLog.rejects`` with its file,
location and reason (E302): an unparseable or missing timestamp, a missing event name, or no
customer/case id. The row's other columns are kept, as a JSON object, in ``properties``.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd
import pyarrow as pa

from voc.config import JourneyConfig
from voc.errors import Errors, VocError
from voc.ingest.base import Reject
from voc.journey import eventstore, sqlread
from voc.journey.columns import REQUIRED, candidates_text, detect_roles
from voc.journey.event_schema import EVENTS  # noqa: F401  (part of this module's API)
from voc.journey.eventstore import EventStore
from voc.journey.readers import RawEvents, reader_for

_OFFSET = re.compile(r"(?:Z|[+-]\d{2}:?\d{2})$", re.IGNORECASE)
_EPOCH = re.compile(r"^\d{9,13}(?:\.\d+)?$")


class EventLog:
    """The events read (a pandas table, or the DuckDB events table of voc.journey.eventstore for a
    journeys run: ``events`` then builds the pandas table on first use, for small logs and tests),
    their rejects, one description per file and whether journeys are cases."""

    def __init__(self, events: pd.DataFrame | None = None, rejects: list[Reject] | None = None,
                 files: list[dict] | None = None, case_based: bool = False, *, store: EventStore | None = None) -> None:
        self._events = events
        self.rejects = list(rejects or [])
        self.files = list(files or [])
        self.case_based = case_based
        self.store = store

    @property
    def events(self) -> pd.DataFrame:
        if self._events is None:
            self._events = self.store.frame() if self.store is not None else to_events_frame(
                pd.DataFrame({f.name: [] for f in EVENTS}))
        return self._events

    @events.setter
    def events(self, df: pd.DataFrame) -> None:
        self._events = df

    @property
    def n_events(self) -> int:
        if self._events is None and self.store is not None:
            return len(self.store)
        return len(self.events)

    @property
    def counts(self) -> dict[str, int]:
        return {"events_in": sum(f["rows_in"] for f in self.files), "events_out": self.n_events,
                "events_rejected": len(self.rejects)}

    def close(self) -> None:
        if self.store is not None:
            self.store.close()


def parse_timestamps(values: pd.Series, timezone: str = "UTC") -> pd.Series:
    """Text -> UTC timestamps (microseconds). ISO-8601 first (any offset), then epoch seconds or
    milliseconds, then the remaining free formats one by one. Naive times are read in ``timezone``.
    Unparseable values become NaT (the caller rejects them)."""
    s = _clean_text(values)
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[us, UTC]")
    has = s.notna()
    if not has.any():
        return out
    txt = s[has]
    naive = ~txt.str.contains(_OFFSET) if timezone != "UTC" else pd.Series(False, index=txt.index)
    aware_idx = txt.index[~naive.to_numpy()]
    if len(aware_idx):
        out.loc[aware_idx] = pd.to_datetime(txt.loc[aware_idx], format="ISO8601", utc=True,
                                            errors="coerce").astype("datetime64[us, UTC]")
    if naive.any():
        nidx = txt.index[naive.to_numpy()]
        local = pd.to_datetime(txt.loc[nidx], format="ISO8601", errors="coerce")
        out.loc[nidx] = (local.dt.tz_localize(timezone, ambiguous="NaT", nonexistent="shift_forward")
                         .dt.tz_convert("UTC").astype("datetime64[us, UTC]"))
    todo = out.isna() & has
    if todo.any():
        left = s[todo]
        ep = left[left.str.match(_EPOCH)]
        if len(ep):
            num = ep.astype(float)
            unit_ms = num > 1e11
            secs = np.where(unit_ms, num / 1000.0, num)
            out.loc[ep.index] = pd.to_datetime(secs, unit="s", utc=True).astype("datetime64[us, UTC]")
    todo = out.isna() & has
    if todo.any():
        for i, v in s[todo].items():
            try:
                t = pd.Timestamp(v)
            except (ValueError, TypeError, OverflowError):
                continue
            if t is pd.NaT:
                continue
            t = t.tz_localize(timezone) if t.tzinfo is None else t
            out.loc[i] = t.tz_convert("UTC")
    return out


def _clean_text(s: pd.Series) -> pd.Series:
    """Text values stripped; empty and missing values become None."""
    # the nullable "string" dtype keeps missing values missing on pandas 2 and 3 alike ("str" turns
    # None into the text 'None' on pandas 2)
    t = s.astype("string").str.strip()
    t = t.mask((t == "").fillna(False).astype(bool))
    return t.astype(object).where(t.notna(), None)


def normalise(raw: RawEvents, path: Path, config: JourneyConfig, *,
              start_order: int = 0) -> tuple[pd.DataFrame, list[Reject], dict]:
    """One file's raw rows -> canonical events + rejects + a description of the file."""
    df, locs = raw.frame, raw.locations
    present = [str(c) for c in df.columns]
    roles, missing_cfg = detect_roles(present, config.columns)
    for role, name in missing_cfg.items():
        raise VocError(Errors.E301, file=str(path), role=role, candidates=repr(name) + " (from journey.columns)",
                       present=", ".join(present) or "(none)")
    for role in REQUIRED:
        if role not in roles and len(df):
            raise VocError(Errors.E301, file=str(path), role=role, candidates=candidates_text(role, config.columns),
                           present=", ".join(present) or "(none)")
    if len(df) and "customer_id" not in roles and "case_id" not in roles:
        raise VocError(Errors.E301, file=str(path), role="customer_id",
                       candidates=candidates_text("customer_id", config.columns) + " (or a case id: "
                       + candidates_text("case_id") + ")", present=", ".join(present) or "(none)")
    n = len(df)
    col = lambda role: _clean_text(df[roles[role]]) if role in roles else pd.Series([None] * n, dtype=object)  # noqa: E731
    customer, case, event, channel, actor = col("customer_id"), col("case_id"), col("event"), col("channel"), col("actor")
    lifecycle = col("lifecycle")
    ts_raw = df[roles["timestamp"]] if n else pd.Series([], dtype=object)
    ts = parse_timestamps(ts_raw, config.timezone) if n else pd.Series([], dtype="datetime64[us, UTC]")

    problems = pd.Series([None] * n, dtype=object)
    no_id = customer.isna() & case.isna()
    id_roles = " or ".join(f"'{roles[r]}'" for r in ("customer_id", "case_id") if r in roles)
    problems[no_id] = f"no {id_roles} value"
    problems[event.isna() & problems.isna()] = f"no '{roles.get('event')}' value (event name)"
    ts_txt = _clean_text(ts_raw) if n else ts_raw
    bad_ts = ts.isna() & problems.isna()
    for i in np.flatnonzero(bad_ts.to_numpy()):
        v = ts_txt.iloc[i]
        problems.iloc[i] = (f"no '{roles['timestamp']}' value" if v is None
                            else f"timestamp {v!r} in '{roles['timestamp']}' could not be parsed")
    rejects = [Reject.of(Errors.E302, file=path, location=locs.iloc[i], level="event", detail=problems.iloc[i])
               for i in np.flatnonzero(problems.notna().to_numpy())]

    keep = problems.isna().to_numpy()
    rest = [c for c in present if c not in roles.values()]
    if rest and keep.any():
        props_df = df.loc[keep, rest]
        props = props_df.to_json(orient="records", lines=True, force_ascii=False).splitlines()
    else:
        props = [None] * int(keep.sum()) if not rest else []
    case_based = "case_id" in roles
    journey = case[keep] if case_based else customer[keep]
    out = pd.DataFrame({
        "journey_id": journey.to_numpy(dtype=object),
        "customer_id": customer[keep].to_numpy(dtype=object),
        "case_id": case[keep].to_numpy(dtype=object),
        "ts": ts[keep].reset_index(drop=True),
        "event": event[keep].to_numpy(dtype=object),
        "channel": channel[keep].to_numpy(dtype=object),
        "actor": actor[keep].to_numpy(dtype=object),
        "lifecycle": lifecycle[keep].to_numpy(dtype=object),
        "properties": pd.Series(props, dtype=object).to_numpy(dtype=object) if len(props) else [None] * int(keep.sum()),
        "source_file": str(path),
        "source_record": locs[keep].to_numpy(dtype=object),
        "src_order": np.arange(n, dtype=np.int64)[keep] + start_order,
    })
    info = {"path": str(path), "roles": roles, "rows_in": raw.n_records, "rows_out": len(out),
            "rejects": len(rejects) + len(raw.rejects), "case_based": case_based}
    return out, raw.rejects + rejects, info


def to_events_frame(df: pd.DataFrame) -> pd.DataFrame:
    table = pa.Table.from_pandas(df[[f.name for f in EVENTS]], schema=EVENTS, preserve_index=False)
    return table.to_pandas(types_mapper=pd.ArrowDtype)


def read_events(paths: Iterable[str | Path], config: JourneyConfig) -> EventLog:
    """Read every event file into one canonical events table (see EVENTS) and its rejects.

    CSV, Parquet and JSON Lines are read by DuckDB itself (voc.journey.sqlread) into the DuckDB
    events table of the returned log (``EventLog.store``, spilling under journey.duckdb_memory_limit);
    XES and plug-in formats are parsed in Python and appended to the same table.
    Journeys are cases when every file has a case id column (Helpdesk, BPIC: journey_id = case id),
    otherwise customers (journey_id = customer_id)."""
    from voc.journey import sqlrun

    store = EventStore(sqlrun.connect(config))
    try:
        rejects, files = [], []
        _read_into(store, [Path(p) for p in paths], config, rejects, files, [0])
        sqlread.drop_rejected(store)
        case_based = bool(files) and all(f["case_based"] for f in files)
        if not case_based and files and any(f["case_based"] for f in files):
            # mixed logs: a journey is a customer; case-less rows of case files have no customer -> keep the case
            store.con.execute(f"UPDATE {eventstore.TABLE} SET journey_id = COALESCE(customer_id, case_id)")
    except BaseException:
        store.close()
        raise
    return EventLog(None, rejects, files, case_based, store=store)


def _read_into(store: EventStore, paths: list[Path], config: JourneyConfig, rejects: list, files: list,
               order: list[int]) -> None:
    for path in paths:
        if not path.exists():
            raise VocError(Errors.E315, path=str(path))
        if path.is_dir():
            inner = sorted(q for q in path.rglob("*") if q.is_file() and not q.name.startswith("."))
            _read_into(store, inner, config, rejects, files, order)
            continue
        reader = reader_for(path)
        fmt = sqlread.sql_format(path, reader.name)
        file_idx = len(files)
        if fmt is not None:
            rj, info, span = sqlread.load(store, path, fmt, config, file_idx=file_idx, start_order=order[0])
            order[0] += span
        else:
            # XES (and plug-in formats): parsed in Python, in batches where the reader streams them
            batches = reader.iter_batches(path) if hasattr(reader, "iter_batches") else iter([reader.read(path)])
            store.add_file(file_idx, str(path), "record")
            rj, info = [], None
            for raw in batches:
                ev, brj, binfo = normalise(raw, path, config, start_order=order[0])
                store.insert_frame(ev, file_idx)
                order[0] += raw.n_records
                rj += brj
                if info is None:
                    info = binfo
                else:
                    info["roles"] = {**binfo["roles"], **info["roles"]}
                    info["case_based"] = info["case_based"] or binfo["case_based"]
                    for k in ("rows_in", "rows_out", "rejects"):
                        info[k] += binfo[k]
            info["reader"] = reader.name
        rejects += rj
        files.append(info)
