"""Load whichever tables an output folder holds (parquet or csv), reading only the columns the
report uses, with types normalised so the same code works on either format."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from voc import catalog, datasets, outfolder
from voc.datasets import to_bool  # noqa: F401  (the one parser; report modules import it from here)
from voc.errors import DatasetError, Errors, VocError

# Columns the report reads per table (None: all). Long tables are read narrowly.
WANTED: dict[str, Optional[tuple[str, ...]]] = {
    "contacts": ("contact_id", "channel", "customer_id", "created_at", "closed_at", "status", "subject",
                 "intent", "intent_confidence", "sentiment", "sentiment_score", "sentiment_start",
                 "sentiment_end", "sentiment_min", "topic_id", "topic_label"),
    "messages": ("contact_id", "seq", "role", "text", "sentiment", "sentiment_score"),
    "topics": None,
    "topics_over_time": None,
    "trends": ("dimension", "value", "period_start", "partial", "contacts", "expected_contacts"),
    "repeat_contacts": None,
    "repeat_summary": None,
    # evidence (a sentence per friction row, most of the table's memory: 0.6 of 0.9 GB at 20M events) is read for the
    # journeys the report shows only (voc.report.paths.friction_evidence)
    "friction": ("journey_id", "customer_id", "kind", "stage", "ts", "contact_id", "severity"),
    "journeys": ("journey_id", "customer_id", "start", "end", "n_events", "n_contacts", "n_repeat_contacts",
                 "first_intent", "last_intent", "mean_sentiment", "min_sentiment", "top_topic", "channels",
                 "path", "friction_score", "friction_kinds"),
    "customers": ("customer_id", "n_journeys", "n_contacts", "repeat_contact_rate", "friction_score", "last_intent"),
    "identity": ("contact_id", "customer_id", "matched_by"),
    "timeline": ("journey_id", "ts", "seq", "kind", "event", "contact_id"),
    "transitions": ("from_step", "to_step", "count", "probability"),
    "patterns": None,
    "funnel": None,
    "step_times": ("from_step", "to_step", "n", "median_s", "p90_s", "mean_s", "kind"),
    "outcome_paths": None,
    "variants": None,
}

TIME_COLUMNS = {"created_at", "closed_at", "ts", "start", "end", "bin_start"}
BOOL_COLUMNS = {"is_repeat", "same_issue", "resolved_first_contact"}


@dataclass
class ReportInputs:
    out_dir: Path
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    paths: dict[str, Path] = field(default_factory=dict)
    run: dict[str, Any] = field(default_factory=dict)
    journey_run: dict[str, Any] = field(default_factory=dict)
    rejects: Optional[pd.DataFrame] = None
    cache: dict[str, Any] = field(default_factory=dict)      # figures read once per report (voc.report.metrics)
    # tables too long for pandas, left in their Parquet file and read by DuckDB on demand: the timeline
    # (voc.report.timeline_source.timeline_of)
    lazy: dict[str, Path] = field(default_factory=dict)

    def get(self, name: str) -> Optional[pd.DataFrame]:
        return self.tables.get(name)

    def row_count(self, name: str) -> Optional[int]:
        """Rows of a table read (or left in its Parquet file); None when it is absent."""
        if name in self.tables:
            return len(self.tables[name])
        if name in self.lazy:
            try:
                return int(pq.ParquetFile(self.lazy[name]).metadata.num_rows)
            except Exception:   # a damaged file: the section that reads it reports E402
                return None
        return None

    def has(self, name: str, *columns: str) -> bool:
        df = self.tables.get(name)
        if df is None:
            return False
        return all(c in df.columns and df[c].notna().any() for c in columns)


def _columns_of(path: Path) -> list[str]:
    if path.suffix == ".csv":
        first = next(iter(sorted(path.glob("part-*.csv"))), path) if path.is_dir() else path
        return list(pd.read_csv(first, nrows=0).columns)
    return list(pq.read_schema(path).names)


def _is_voc_timeline(path: Path) -> bool:
    """A Parquet timeline with the columns voc writes, which DuckDB can read on demand."""
    try:
        return path.suffix == ".parquet" and {"journey_id", "seq", "kind"} <= set(_columns_of(path))
    except Exception:   # a damaged file: read_narrow reports it (E402)
        return False


def read_narrow(path: Path, name: str, wanted: Optional[tuple[str, ...]]) -> pd.DataFrame:
    """Read ``wanted`` columns (those present) of a table; errors name the dataset and the path."""
    try:
        cols = None
        if wanted is not None:
            present = _columns_of(path)
            cols = [c for c in wanted if c in present]
        if path.suffix == ".csv":
            df = datasets.read_csv(path, usecols=cols, low_memory=False)
        else:
            df = pd.read_parquet(path, columns=cols)
    except (OSError, ValueError) as e:
        raise DatasetError(Errors.E402, dataset=name, path=str(path), detail=str(e).splitlines()[0]) from e
    except Exception as e:  # pyarrow raises its own types for damaged files
        raise DatasetError(Errors.E402, dataset=name, path=str(path), detail=f"{type(e).__name__}: {e}") from e
    return normalise(df)


# the report reads the timeline rows of the friction journeys it shows only around their contacts:
# the steps around a contact (4 before, 2 after; voc.report.paths.steps_around_contact); one more
# row each side keeps the '…' markers exact, and TIMELINE_BEFORE also covers the Sankey's 6 steps
TIMELINE_BEFORE, TIMELINE_AFTER = 7, 3


def read_timeline_near_contacts(path: Path, wanted: Optional[tuple[str, ...]], *,
                                journeys: Optional[list[str]] = None, connect=None) -> pd.DataFrame:
    """The timeline rows within TIMELINE_BEFORE / TIMELINE_AFTER steps of a contact, of the journeys
    ``journeys`` (their ids as text; None: of every journey), read by DuckDB from the Parquet file,
    with ``journey_steps`` (the journey's length) so that the steps left out can still be counted.
    ``connect``: a function that opens the DuckDB connection (default: a plain one)."""
    import duckdb

    present = _columns_of(path)
    if not {"journey_id", "seq", "kind"} <= set(present):
        df = read_narrow(path, "timeline", wanted)
        return df if journeys is None else df[df["journey_id"].astype(str).isin(journeys)].reset_index(drop=True)
    cols = [c for c in (wanted or present) if c in present]
    src = "read_parquet('" + str(path).replace("'", "''") + "')"
    sel = ", ".join('t."' + c.replace('"', '""') + '"' for c in cols)
    only = "" if journeys is None else "AND list_contains($ids, CAST(journey_id AS VARCHAR))"
    con = connect() if connect is not None else duckdb.connect()
    try:
        con.execute("SET TimeZone = 'UTC'")
        rel = con.sql(
            f"WITH c AS (SELECT DISTINCT journey_id, seq AS cseq FROM {src} WHERE kind = 'contact' {only}), "
            f"n AS (SELECT journey_id, MAX(seq) AS journey_steps FROM {src} "
            f"      WHERE journey_id IN (SELECT journey_id FROM c) GROUP BY journey_id) "
            f"SELECT {sel}, n.journey_steps FROM {src} t JOIN n USING (journey_id) "
            f"WHERE EXISTS (SELECT 1 FROM c WHERE c.journey_id = t.journey_id "
            f"AND t.seq BETWEEN c.cseq - {TIMELINE_BEFORE} AND c.cseq + {TIMELINE_AFTER}) "
            f"ORDER BY t.journey_id, t.seq", params=None if journeys is None else {"ids": list(journeys)})
        table = rel.to_arrow_table()
        if not isinstance(table, pa.Table):
            table = table.read_all()
        df = table.to_pandas()
    except duckdb.Error as e:
        raise DatasetError(Errors.E402, dataset="timeline", path=str(path), detail=str(e).splitlines()[0]) from e
    finally:
        con.close()
    return normalise(df)


def normalise(df: pd.DataFrame) -> pd.DataFrame:
    df = df.copy()
    for c in df.columns:
        if c in TIME_COLUMNS:
            df[c] = pd.to_datetime(df[c], utc=True, errors="coerce", format="mixed")
        elif c in BOOL_COLUMNS:
            df[c] = to_bool(df[c])
        elif isinstance(df[c].dtype, pd.ArrowDtype):
            kind = df[c].dtype.kind
            if kind in "fiu":
                df[c] = df[c].astype("float64") if kind == "f" else df[c].astype("Int64")
            elif kind == "b":
                df[c] = df[c].astype("boolean")
            elif kind in "OSU":   # text (or an all-null column): missing stays missing, not the text '<NA>'
                na = df[c].isna()
                df[c] = df[c].astype("str").where(~na, None)
    return df


def _read_json(path: Path, name: str) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise DatasetError(Errors.E402, dataset=name, path=str(path), detail=str(e)) from e
    return data if isinstance(data, dict) else {}


def load_inputs(out_dir: str | Path, tables: Optional[tuple[str, ...]] = None) -> ReportInputs:
    """Read the tables of the run in ``out_dir`` (all known ones, or only ``tables``). In a folder
    with a voc manifest only the files it lists are read (never a table another run left)."""
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        raise DatasetError(Errors.E402, dataset="output folder", path=str(out_dir), detail="no such folder")
    pending = outfolder.pending_update(out_dir)
    if pending is not None:
        raise VocError(Errors.E410, path=str(out_dir), staging=pending.name)
    listed = outfolder.run_files(out_dir)

    def locate(name: str) -> Optional[Path]:
        p = catalog.find(out_dir, name)
        if p is None or (listed is not None and p.name not in listed):
            return None
        return p

    inp = ReportInputs(out_dir=out_dir)
    for name, wanted in WANTED.items():
        if tables is not None and name not in tables:
            continue
        p = locate(name)
        if p is None:
            continue
        if name == "timeline" and _is_voc_timeline(p):
            inp.lazy[name] = p          # read by DuckDB, only what the report shows (voc.report.timeline_source)
        else:
            inp.tables[name] = read_narrow(p, name, wanted)
        inp.paths[name] = p
    run_p, jrun_p, rej = locate("run"), locate("journey_run"), locate("rejects")
    inp.run = _read_json(run_p, "run") if run_p else {}
    inp.journey_run = _read_json(jrun_p, "journey_run") if jrun_p else {}
    if rej is not None:
        rows = datasets.read_jsonl(rej, dataset="rejects")
        inp.rejects = pd.DataFrame(rows, columns=["file", "location", "level", "code", "reason", "fix"]) if rows else \
            pd.DataFrame(columns=["file", "location", "level", "code", "reason", "fix"])
        inp.paths["rejects"] = rej
    return inp
