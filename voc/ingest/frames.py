"""Records -> the typed contacts and messages tables of voc.schema."""
from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd
import pyarrow as pa

from voc.ingest.base import Record
from voc.ingest.timestamps import parse_timestamp
from voc.schema import CONTACTS, MESSAGES, arrow_table, to_pandas


def _ts(value: Any) -> datetime | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    try:
        return parse_timestamp(value)
    except ValueError:
        return None


def _str(value: Any) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


CHUNK = 2048


def to_frames(records: list[Record]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(contacts, messages) typed by voc.schema; seq is 0..n-1 per contact in message order.

    Built ``CHUNK`` records at a time: the row dicts of one chunk at most live beside the records."""
    if len(records) <= CHUNK:
        contacts, messages = to_arrow(records)
    else:
        parts = [to_arrow(records[i:i + CHUNK]) for i in range(0, len(records), CHUNK)]
        contacts = pa.concat_tables([c for c, _ in parts])
        messages = pa.concat_tables([m for _, m in parts])
    return to_pandas(contacts), to_pandas(messages)


def to_arrow(records: list[Record]) -> tuple[pa.Table, pa.Table]:
    """(contacts, messages) as Arrow tables of the voc.schema types: a few bytes per value, where
    the Records' dicts take ~10x the text they hold (see voc.ingest.tables)."""
    contacts: list[dict[str, Any]] = []
    messages: list[dict[str, Any]] = []
    str_c = [f.name for f in CONTACTS if str(f.type) == "string"]
    str_m = [f.name for f in MESSAGES if str(f.type) == "string"]
    for rec in records:
        c = {k: rec.contact.get(k) for k in CONTACTS.names}
        for k in str_c:
            c[k] = _str(c[k])
        c["created_at"], c["closed_at"] = _ts(c["created_at"]), _ts(c["closed_at"])
        c["n_messages"] = len(rec.messages)
        contacts.append(c)
        for seq, m in enumerate(rec.messages):
            row = {k: m.get(k) for k in MESSAGES.names}
            for k in str_m:
                row[k] = _str(row[k])
            row["contact_id"] = c["contact_id"]
            row["seq"] = seq
            row["timestamp"] = _ts(row["timestamp"])
            for k in ("start_s", "end_s"):
                row[k] = None if row[k] is None else float(row[k])
            row["source_file"] = row["source_file"] or c["source_file"]
            row["source_record"] = row["source_record"] or c["source_record"]
            messages.append(row)
    return arrow_table(contacts, CONTACTS), arrow_table(messages, MESSAGES)
