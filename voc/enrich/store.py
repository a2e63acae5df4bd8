"""The CDP folder: hive-partitioned Parquet (and JSONL) tables plus a manifest.

    CDP_DIR/
      manifest.json                               format, version, settings, row counts per partition
      contacts/date=YYYY-MM-DD/part-0.parquet     one row per contact, partitioned by created_at (UTC day)
      customer_traits/date=YYYY-MM-DD/part-0.parquet   one row per customer, by last_contact_at
      jsonl/contacts/date=.../part-0.jsonl        the same rows as JSON lines (when enrich.jsonl)
      jsonl/customer_traits/date=.../part-0.jsonl
      changes/contacts.jsonl                      rows inserted or updated by the last run that changed something
      changes/customer_traits.jsonl
      changelog/contacts/version=N/part-0.parquet         every change of run N: the row + op (insert|update)
      changelog/customer_traits/version=N/part-0.parquet  the same for traits (op insert|update|delete)
      changelog/identify/version=N/part-0.jsonl           Segment-style identify calls (when enrich.identify)
      jsonl/changelog/<table>/version=N/part-0.jsonl      the change log as JSON lines (when enrich.jsonl)

contacts/ and customer_traits/ are the CURRENT SNAPSHOT: load them whole (replace, or MERGE on the key);
never append their date= partitions (a customer's traits row moves to another date= partition when
their last contact changes). changelog/ is append-only: each run adds one version=N partition and never
changes an earlier one, so append-only loaders load each new version once and apply op by key.

Rows without a date go to the Hive null partition ``date=__HIVE_DEFAULT_PARTITION__``.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any, Optional

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds

from voc.enrich.rows import conform, empty
from voc.errors import DatasetError, Errors, VocError

FORMAT = "voc-cdp/2"
READABLE_FORMATS = ("voc-cdp/1", FORMAT)     # a voc-cdp/1 store is rewritten whole (full run) as /2
MANIFEST = "manifest.json"
CONTACTS = "contacts"
TRAITS = "customer_traits"
JSONL = "jsonl"
CHANGES = "changes"
CHANGELOG = "changelog"
IDENTIFY = "identify"
NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"
PART_SCHEMA = pa.schema([("date", pa.string())])


def partitioning() -> ds.Partitioning:
    return ds.partitioning(PART_SCHEMA, flavor="hive")


def partition_key(ts: pd.Series) -> pd.Series:
    """'YYYY-MM-DD' (UTC day) per timestamp; the Hive null partition for missing ones."""
    return ts.dt.strftime("%Y-%m-%d").astype("object").where(ts.notna(), NULL_PARTITION)


def is_store(path: Path) -> bool:
    return (path / MANIFEST).is_file()


def check_target(path: Path) -> None:
    """Refuse to write into a folder that holds anything but an earlier enrich output."""
    if path.exists() and not path.is_dir():
        raise VocError(Errors.E405, path=str(path))
    if path.is_dir() and any(path.iterdir()) and not is_store(path):
        raise VocError(Errors.E405, path=str(path))


def recover(path: Path) -> bool:
    """Finish a swap that was interrupted between its two renames (see voc.datasets.atomic_dir):
    the previous output is still complete under '.<name>.old'. Returns True when it was restored."""
    old = path.with_name(f".{path.name}.old")
    if not path.exists() and old.is_dir() and is_store(old):
        os.replace(old, path)
        return True
    return False


def clean_leftovers(path: Path) -> list[str]:
    """Under the lock: remove the temp folders of runs that were killed mid-write (voc.datasets.atomic_dir
    makes '.<name>.<random>.tmp' beside the CDP folder), and a stale '.<name>.old' once the folder is whole."""
    removed = []
    for tmp in path.parent.glob(f".{path.name}.*.tmp"):
        if tmp.is_dir():
            shutil.rmtree(tmp, ignore_errors=True)
            removed.append(tmp.name)
    old = path.with_name(f".{path.name}.old")
    if old.is_dir() and path.is_dir() and is_store(path):
        shutil.rmtree(old, ignore_errors=True)
        removed.append(old.name)
    return removed


def read_manifest(path: Path) -> Optional[dict[str, Any]]:
    if not is_store(path):
        return None
    try:
        m = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise VocError(Errors.E406, path=str(path), detail=f"manifest.json unreadable ({e})") from None
    if not isinstance(m, dict) or m.get("format") not in READABLE_FORMATS:
        raise VocError(Errors.E406, path=str(path), detail=f"manifest format {m.get('format') if isinstance(m, dict) else m!r}, "
                                                           f"expected {FORMAT}")
    return m


def read_table(path: Path, name: str, schema: pa.Schema, manifest: dict[str, Any]) -> pd.DataFrame:
    """Read a partitioned table back (without the partition column), checked against the manifest."""
    base = path / name
    expected = manifest.get("tables", {}).get(name, {})
    if not base.is_dir():
        if expected.get("rows", 0):
            raise VocError(Errors.E406, path=str(path), detail=f"table '{name}' is missing")
        return empty(schema)
    try:
        table = ds.dataset(base, format="parquet", partitioning=partitioning()).to_table()
    except (OSError, pa.ArrowException) as e:
        raise DatasetError(Errors.E402, dataset=f"cdp {name}", path=str(base), detail=str(e).splitlines()[0]) from e
    if table.num_rows != expected.get("rows", table.num_rows):
        raise VocError(Errors.E406, path=str(path),
                       detail=f"table '{name}' has {table.num_rows} rows, the manifest says {expected.get('rows')}")
    df = table.drop_columns([c for c in ("date",) if c in table.column_names]).to_pandas()
    return conform(df, schema)


def link_or_copy(src: Path, dst: Path) -> None:
    """Files are never modified in place, so an unchanged partition is hard-linked, not copied."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def carry_partitions(old: Path, new: Path, rel: str, keys: list[str]) -> None:
    for key in keys:
        src = old / rel / f"date={key}"
        for f in sorted(src.iterdir()) if src.is_dir() else []:
            link_or_copy(f, new / rel / f"date={key}" / f.name)


def carry_tree(old: Path, new: Path, rel: str) -> None:
    """Hard-link every file under old/rel into new/rel (the change log's earlier versions)."""
    base = old / rel
    if not base.is_dir():
        return
    for f in sorted(base.rglob("*")):
        if f.is_file():
            link_or_copy(f, new / rel / f.relative_to(base))


def version_dir(version: int) -> str:
    return f"version={version}"


def write_changelog(df: pd.DataFrame, schema: pa.Schema, root: Path, name: str, version: int, *, jsonl: bool) -> int:
    """One change-log partition: the rows of ``df`` (schema columns + op) as
    root/changelog/name/version=N/part-0.parquet (and JSONL). Returns the number of rows."""
    cols = [f.name for f in schema]
    full = pa.schema(list(schema) + [pa.field("op", pa.string())])
    table = pa.Table.from_pandas(df[cols + ["op"]], schema=full, preserve_index=False)
    d = root / CHANGELOG / name / version_dir(version)
    d.mkdir(parents=True, exist_ok=True)
    import pyarrow.parquet as pq

    pq.write_table(table, d / "part-0.parquet")
    if jsonl:
        p = root / JSONL / CHANGELOG / name / version_dir(version) / "part-0.jsonl"
        p.parent.mkdir(parents=True, exist_ok=True)
        write_jsonl_frame(df[cols + ["op"]], p)
    return len(df)


def schema_doc(schema: pa.Schema) -> list[dict[str, Any]]:
    """Column names and types for the manifest (Arrow type names: string, int32, double, bool, timestamp[us, tz=UTC])."""
    return [{"name": f.name, "type": str(f.type), "nullable": f.nullable} for f in schema]


def write_partitions(df: pd.DataFrame, keys: pd.Series, schema: pa.Schema, root: Path, name: str,
                     *, jsonl: bool) -> list[str]:
    """Write the rows of ``df`` into root/name/date=<key>/part-0.parquet (and JSONL), one file per key.
    ``df`` is expected sorted; rows keep their order within a partition."""
    if df.empty:
        return []
    part = pd.Series(keys.values, index=df.index, name="date")
    table = pa.Table.from_pandas(df[[f.name for f in schema]], schema=schema, preserve_index=False)
    table = table.append_column("date", pa.array(part.tolist(), pa.string()))
    ds.write_dataset(table, root / name, format="parquet", partitioning=partitioning(),
                     basename_template="part-{i}.parquet", existing_data_behavior="overwrite_or_ignore",
                     use_threads=False, preserve_order=True, max_partitions=100_000,
                     max_rows_per_file=0, max_open_files=1024)
    written = sorted(set(part))
    if jsonl:
        cols = [f.name for f in schema]
        for key, rows in df[cols].groupby(part, sort=True):
            p = root / JSONL / name / f"date={key}" / "part-0.jsonl"
            p.parent.mkdir(parents=True, exist_ok=True)
            write_jsonl_frame(rows, p)
    return written


def write_jsonl_frame(df: pd.DataFrame, path: Path) -> None:
    text = df.to_json(orient="records", lines=True, date_format="iso", date_unit="us", force_ascii=False) if len(df) else ""
    if text and not text.endswith("\n"):
        text += "\n"
    path.write_text(text, encoding="utf-8")


def write_manifest(root: Path, manifest: dict[str, Any]) -> None:
    (root / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8")
