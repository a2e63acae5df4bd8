"""Reading on Spark: the input FILES are distributed, each is parsed by voc's own readers.

The driver lists the files exactly as the local engine does (``voc.ingest.scan``: same order,
hidden/excluded names, symlink rules); a DataFrame of (file_index, path) is spread over the
executors and every file is read there by ``voc.ingest`` inside ``mapInArrow``, so formats,
rejects and provenance are the local engine's. One row per item comes back:

    kind 'record'   a contact (voc.schema.CONTACTS columns) with its messages nested
                    (``messages``: array<struct voc.schema.MESSAGES>)
    kind 'reject'   a reject (voc.schema.REJECTS columns)
    kind 'file'     one per file: the format it was read as (for run.json)

``file_index, item_index`` keep the local engine's order. Duplicate contact ids across files
(E015, or the 'source:id' prefix for the same id from two systems) need the global file order:
the driver walks the (file_index, item_index, contact_id, source) keys in order with the same
rule as ``voc.ingest.iter_records`` and the few fixes are joined back.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import pyarrow as pa

from voc.config import IngestConfig
from voc.ingest import IngestStats, Record, Reject, scan, to_frames
from voc.ingest import reading as _reading
from voc.schema import CONTACTS, MESSAGES, REJECTS

ITEM_KEYS = [("file_index", pa.int64()), ("item_index", pa.int64()), ("kind", pa.string()),
             ("file_format", pa.string()), ("path", pa.string()), ("_source", pa.string())]
MESSAGE_STRUCT = pa.struct(list(MESSAGES))
ITEMS = pa.schema([*ITEM_KEYS, *CONTACTS, ("messages", pa.list_(MESSAGE_STRUCT)), *REJECTS])


@dataclass
class Ingested:
    """The distributed result of reading: records (one row per contact, messages nested, in the
    local engine's order by file_index, item_index), rejects (ordered the same way) and the stats."""

    records: Any          # Spark DataFrame
    rejects: list[dict[str, Any]]
    stats: IngestStats
    n_files: int


def file_items(file_index: int, path: str, config: IngestConfig, root: str | None) -> pa.Table:
    """Every item of one file as rows of ``ITEMS`` (runs on an executor)."""
    info: dict[str, Any] = {}
    p = Path(path)
    items = list(_reading.read_with_info(p, config, Path(root) if root is not None else None, info))
    records = [it for it in items if isinstance(it, Record)]
    n = len(items) + 1
    cols: dict[str, list[Any]] = {name: [None] * n for name, _ in ITEM_KEYS}
    cols["file_index"] = [file_index] * n
    cols["item_index"] = list(range(n))
    cols["path"] = [str(p)] * n
    rej = {f.name: [None] * n for f in REJECTS}
    rec_pos = np.full(n, -1, dtype=np.int64)
    j = 0
    for i, it in enumerate(items):
        if isinstance(it, Record):
            cols["kind"][i] = "record"
            cols["_source"][i] = it.contact.get("_source")
            rec_pos[i] = j
            j += 1
        else:
            cols["kind"][i] = "reject"
            for k, v in it.as_dict().items():
                rej[k][i] = v
    cols["kind"][-1] = "file"
    cols["file_format"][-1] = info.get("format", "unknown")

    contacts, messages = to_frames(records)
    ct = pa.Table.from_pandas(contacts, schema=CONTACTS, preserve_index=False)
    mt = pa.Table.from_pandas(messages, schema=MESSAGES, preserve_index=False)
    take = pa.array(np.where(rec_pos >= 0, rec_pos, 0), mask=rec_pos < 0)
    arrays: list[pa.Array] = [pa.array(cols[name], type=t) for name, t in ITEM_KEYS]
    arrays += [ct.column(f.name).take(take) for f in CONTACTS]
    counts = np.zeros(n, dtype=np.int32)
    if records:
        counts[rec_pos >= 0] = [len(r.messages) for r in records]
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    values = pa.StructArray.from_arrays([mt.column(f.name).combine_chunks() if mt.num_rows else pa.array([], f.type)
                                         for f in MESSAGES], fields=list(MESSAGES))
    arrays.append(pa.ListArray.from_arrays(pa.array(offsets), values, mask=pa.array(rec_pos < 0)))
    arrays += [pa.array(rej[f.name], type=f.type) for f in REJECTS]
    return pa.Table.from_arrays([a.combine_chunks() if isinstance(a, pa.ChunkedArray) else a for a in arrays],
                                schema=ITEMS)


def _reader(config_json: str, root: str | None):
    def read_partition(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        config = IngestConfig.model_validate_json(config_json)
        for rb in batches:
            for fi, path in zip(rb.column("file_index").to_pylist(), rb.column("path").to_pylist()):
                yield from file_items(int(fi), path, config, root).to_batches()
    return read_partition


def _dedupe_fixes(keys: pa.Table) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(renames, rejects) of voc.ingest's duplicate-id rule, walked in the global order."""
    first_seen: dict[str, tuple[str, str]] = {}
    renames: list[dict[str, Any]] = []
    rejects: list[dict[str, Any]] = []
    d = keys.to_pydict()
    for fi, ii, cid, src, path, loc in zip(d["file_index"], d["item_index"], d["contact_id"], d["_source"],
                                           d["path"], d["source_record"]):
        rec = Record(contact={"contact_id": cid, "_source": src or "", "_path": path, "source_record": loc}, messages=[])
        out = _reading.dedupe(rec, first_seen)
        if isinstance(out, Reject):
            rejects.append({"file_index": fi, "item_index": ii, **out.as_dict()})
        elif out.contact["contact_id"] != cid:
            renames.append({"file_index": fi, "item_index": ii, "new_id": out.contact["contact_id"]})
    return renames, rejects


def read(spark: Any, input_path: str | Path, config: IngestConfig, *, partitions: int | None = None) -> Ingested:
    """Distribute the files under ``input_path`` and read them with voc's readers (see the module doc)."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    from voc.engines.spark.types import struct_type

    path = Path(input_path)
    skipped: dict[str, int] = {}
    files = scan(path, config, skipped)
    root = str(path) if path.is_dir() else str(path.parent)
    n_parts = max(1, min(len(files), partitions or spark.sparkContext.defaultParallelism))
    file_schema = T.StructType([T.StructField("file_index", T.LongType()), T.StructField("path", T.StringType())])
    file_df = spark.createDataFrame([(i, str(f)) for i, f in enumerate(files)], file_schema).repartition(n_parts)
    items = file_df.mapInArrow(_reader(config.model_dump_json(), root), struct_type(ITEMS)).cache()

    rows = items.filter(F.col("kind") != "record").select(
        "file_index", "item_index", "kind", "file_format", *REJECTS.names).orderBy("file_index", "item_index").toArrow()
    keys = (items.filter(F.col("kind") == "record")
            .select("file_index", "item_index", "contact_id", "_source", "path", "source_record")
            .orderBy("file_index", "item_index").toArrow())
    renames, dup_rejects = _dedupe_fixes(keys)

    records = items.filter(F.col("kind") == "record")
    if dup_rejects:
        gone = spark.createDataFrame([(r["file_index"], r["item_index"]) for r in dup_rejects],
                                     "file_index long, item_index long")
        records = records.join(F.broadcast(gone), ["file_index", "item_index"], "left_anti")
    if renames:
        ren = spark.createDataFrame([(r["file_index"], r["item_index"], r["new_id"]) for r in renames],
                                    "file_index long, item_index long, new_id string")
        records = (records.join(F.broadcast(ren), ["file_index", "item_index"], "left")
                   .withColumn("contact_id", F.coalesce(F.col("new_id"), F.col("contact_id"))).drop("new_id")
                   .withColumn("messages", F.transform("messages", lambda m: m.withField("contact_id", F.col("contact_id")))))
    records = records.select("file_index", "item_index", *CONTACTS.names, "messages")

    # rejects in the local engine's order: (file, item), the duplicate-id ones at their record's place
    d = rows.to_pydict()
    ordered: list[tuple[int, int, dict[str, Any]]] = []
    stats = IngestStats()
    stats.files_skipped.update(skipped)
    for i in range(rows.num_rows):
        if d["kind"][i] == "file":
            stats.add_file(d["file_format"][i] or "unknown")
        else:
            ordered.append((d["file_index"][i], d["item_index"][i], {k: d[k][i] for k in REJECTS.names}))
    for r in dup_rejects:
        ordered.append((r["file_index"], r["item_index"], {k: r[k] for k in REJECTS.names}))
    ordered.sort(key=lambda t: (t[0], t[1]))
    rejects = [r for _, _, r in ordered]

    agg = records.agg(F.count(F.lit(1)).alias("n"), F.sum("n_messages").alias("m")).collect()[0]
    n_rec, n_msg = int(agg["n"] or 0), int(agg["m"] or 0)
    stats.records_read = stats.records_seen = n_rec
    stats.messages_read = stats.messages_seen = n_msg
    for r in rejects:
        stats.rejects_by_level[r["level"]] = stats.rejects_by_level.get(r["level"], 0) + 1
        stats.rejects_by_code[r["code"]] = stats.rejects_by_code.get(r["code"], 0) + 1
        if r["level"] in ("file", "contact"):
            stats.records_seen += 1
        elif r["level"] == "message":
            stats.messages_seen += 1
    return Ingested(records=records, rejects=rejects, stats=stats, n_files=len(files))
