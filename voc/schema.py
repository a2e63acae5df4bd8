"""The canonical tables of voc and their column types.

contacts   one row per contact (ticket, chat, call, email)
messages   one row per message or call turn
rejects    one row per input record that could not be read, with the reason
events     one row per behavioural event of a customer journey (see voc.journey)

Every row keeps its provenance: ``source_file`` and ``source_record`` (e.g. "line 12",
"record 3", "cue 4"), so any figure can be traced back to the export it came from.
"""
from __future__ import annotations

from typing import Any, Iterable

import pandas as pd
import pyarrow as pa

CHANNELS = ("ticket", "chat", "call", "email")
ROLES = ("customer", "agent", "bot", "system")

TS = pa.timestamp("us", tz="UTC")

CONTACTS = pa.schema([
    ("contact_id", pa.string()),
    ("channel", pa.string()),
    ("customer_id", pa.string()),
    ("email", pa.string()),
    ("phone", pa.string()),
    ("created_at", TS),
    ("closed_at", TS),
    ("status", pa.string()),
    ("subject", pa.string()),
    ("language", pa.string()),
    ("n_messages", pa.int32()),
    ("source_format", pa.string()),
    ("source_file", pa.string()),
    ("source_record", pa.string()),
])

MESSAGES = pa.schema([
    ("contact_id", pa.string()),
    ("seq", pa.int32()),
    ("role", pa.string()),
    ("speaker", pa.string()),
    ("timestamp", TS),
    ("text", pa.string()),
    ("start_s", pa.float64()),
    ("end_s", pa.float64()),
    ("source_file", pa.string()),
    ("source_record", pa.string()),
])

REJECTS = pa.schema([
    ("file", pa.string()),
    ("location", pa.string()),
    ("level", pa.string()),  # file | contact | message | field (record kept, one value unreadable) | event
    ("code", pa.string()),
    ("reason", pa.string()),
    ("fix", pa.string()),
])

# Columns the NLP stages add (present only when those stages ran).
CONTACT_NLP_COLUMNS = {
    "intent": pa.string(),
    "intent_confidence": pa.float64(),
    "sentiment": pa.string(),          # negative | neutral | positive
    "sentiment_score": pa.float64(),   # -1 .. 1, customer side
    "sentiment_start": pa.float64(),
    "sentiment_end": pa.float64(),
    "sentiment_min": pa.float64(),
    "topic_id": pa.int32(),
    "topic_label": pa.string(),
}
MESSAGE_NLP_COLUMNS = {
    "sentiment": pa.string(),
    "sentiment_score": pa.float64(),
}


def _frame(rows: Iterable[dict[str, Any]], schema: pa.Schema) -> pd.DataFrame:
    return to_pandas(arrow_table(rows, schema))


def arrow_table(rows: Iterable[dict[str, Any]], schema: pa.Schema) -> pa.Table:
    """Dicts -> an Arrow table of ``schema`` (missing keys become null). A string holding lone
    surrogates (bytes of a file name that are not UTF-8, as ``os.fsdecode`` gives them) is written
    with those bytes as ``\\xNN`` instead of failing the whole table."""
    rows = list(rows)
    cols = {f.name: [r.get(f.name) for r in rows] for f in schema}
    try:
        return pa.Table.from_pydict(cols, schema=schema)
    except UnicodeEncodeError:
        for f in schema:
            if pa.types.is_string(f.type):
                cols[f.name] = [_utf8_safe(v) if isinstance(v, str) else v for v in cols[f.name]]
        return pa.Table.from_pydict(cols, schema=schema)


def _utf8_safe(s: str) -> str:
    try:
        s.encode("utf-8")
        return s
    except UnicodeEncodeError:
        errors = "surrogateescape" if _escaped_bytes(s) else "backslashreplace"
        return s.encode("utf-8", errors).decode("utf-8", "backslashreplace")


def _escaped_bytes(s: str) -> bool:
    return all(0xDC80 <= ord(c) <= 0xDCFF for c in s if 0xD800 <= ord(c) <= 0xDFFF)


def to_pandas(table: pa.Table) -> pd.DataFrame:
    return table.to_pandas(types_mapper=pd.ArrowDtype)


def empty(schema: pa.Schema) -> pd.DataFrame:
    return _frame([], schema)


def contacts_frame(rows: Iterable[dict[str, Any]]) -> pd.DataFrame:
    """Build a contacts table from dicts (missing keys become null; types are enforced)."""
    return _frame(rows, CONTACTS)


def messages_frame(rows: Iterable[dict[str, Any]]) -> pd.DataFrame:
    return _frame(rows, MESSAGES)


def customer_text(messages: pd.DataFrame, contacts: pd.DataFrame | None = None, *, max_chars: int = 2000) -> pd.Series:
    """The customer's side of each contact as one text (subject first), indexed by contact_id.

    Contacts with no customer message fall back to all their text, so every contact gets a text.
    """
    m = messages[["contact_id", "seq", "role", "text"]].sort_values(["contact_id", "seq"], kind="stable")
    cust = m[m["role"] == "customer"]
    joined = cust.groupby("contact_id", sort=False)["text"].agg(lambda s: " ".join(t for t in s if t))
    all_text = m.groupby("contact_id", sort=False)["text"].agg(lambda s: " ".join(t for t in s if t))
    out = all_text.copy()
    out.loc[joined.index] = joined
    out = out.where(out.str.len() > 0, all_text)
    if contacts is not None:
        subj = contacts.set_index("contact_id")["subject"].reindex(out.index).fillna("")
        out = (subj.astype(str) + ". " + out.astype(str)).where(subj.astype(str).str.len() > 0, out)
        out = out.reindex(contacts["contact_id"]).fillna("")
    return out.astype(str).str.slice(0, max_chars)


def contact_parts(messages: pd.DataFrame, contacts: pd.DataFrame, *, max_chars: int = 2000) -> list[list[str]]:
    """Per contact (in ``contacts`` order): its subject, then each customer message (each cut at ``max_chars``;
    all messages when the contact has no customer text) — the pieces ``customer_text`` joins."""
    m = messages[["contact_id", "seq", "role", "text"]].sort_values(["contact_id", "seq"], kind="stable")
    text = m["text"].fillna("").astype(str)
    m = m.assign(text=text.str.slice(0, max_chars))[text.str.strip().str.len() > 0]
    cust = m[m["role"] == "customer"].groupby("contact_id", sort=False)["text"].agg(list).to_dict()
    every = m.groupby("contact_id", sort=False)["text"].agg(list).to_dict()
    subjects = contacts["subject"].fillna("").astype(str).tolist() if "subject" in contacts else [""] * len(contacts)
    out = []
    for cid, subj in zip(contacts["contact_id"].astype(str), subjects):
        parts = ([subj[:max_chars]] if subj.strip() else []) + (cust.get(cid) or every.get(cid) or [])
        out.append(parts)
    return out


def conform(df: pd.DataFrame, schema: pa.Schema, extra: dict[str, pa.DataType] | None = None) -> pd.DataFrame:
    """Cast the columns a table shares with ``schema`` (and ``extra``, e.g. CONTACT_NLP_COLUMNS) to their
    declared Arrow types, so every engine writes the same types whatever produced the column."""
    types = {f.name: f.type for f in schema}
    types.update(extra or {})
    out = df.copy(deep=False)
    for col in out.columns:
        t = types.get(col)
        if t is None or (isinstance(out[col].dtype, pd.ArrowDtype) and out[col].dtype.pyarrow_dtype == t):
            continue
        if pa.types.is_timestamp(t):
            arr = pa.array(pd.to_datetime(out[col], utc=True), type=t)
        else:
            values = out[col].astype(object)
            arr = pa.array(values.where(values.notna(), None).tolist(), type=t)
        out[col] = pd.array(arr, dtype=pd.ArrowDtype(t))
    return out
