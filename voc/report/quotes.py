"""Example quotes: what customers actually wrote. Message text is redacted upstream; identifier
columns (email, phone) are never read by the report, and identifiers that look like an email or a
phone number (e.g. a journey keyed by email) are masked before display."""
from __future__ import annotations

import re
from typing import Iterable, Optional

import pandas as pd

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
_PHONE = re.compile(r"^\+?[\d\s().-]{7,}$")


def safe_id(v: object) -> str:
    """An identifier fit for display: emails and phone numbers are masked."""
    if v is None or (isinstance(v, float) and v != v):
        return ""
    s = str(v)
    if _EMAIL.search(s):
        return "[EMAIL]"
    if _PHONE.match(s) and sum(ch.isdigit() for ch in s) >= 7:
        return "[PHONE]"
    return s


def _clip(text: str, max_chars: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= max_chars else text[: max_chars - 1].rstrip() + "…"


def customer_messages(messages: pd.DataFrame) -> pd.DataFrame:
    m = messages
    if "role" in m.columns:
        m = m[m["role"].astype(str) == "customer"]
    m = m.dropna(subset=["text"])
    m = m[m["text"].astype(str).str.strip().str.len() >= 12]
    return m


def quote_per_contact(messages: pd.DataFrame, contact_ids: Optional[Iterable[str]] = None, *,
                      max_chars: int = 280) -> pd.Series:
    """One quote per contact (contact_id -> text): the customer's most negative message when
    message sentiment is present, else their first message."""
    m = customer_messages(messages)
    if contact_ids is not None:
        ids = set(map(str, contact_ids))
        m = m[m["contact_id"].astype(str).isin(ids)]
    if m.empty:
        return pd.Series(dtype=str)
    m = m.assign(_cid=m["contact_id"].astype(str))
    if "sentiment_score" in m.columns and m["sentiment_score"].notna().any():
        m = m.assign(_s=pd.to_numeric(m["sentiment_score"], errors="coerce").fillna(0.0))
        m = m.sort_values(["_cid", "_s"], kind="stable")
    elif "seq" in m.columns:
        m = m.sort_values(["_cid", "seq"], kind="stable")
    first = m.drop_duplicates("_cid")
    if "_s" in first.columns:
        first = first.sort_values("_s", kind="stable")
    return pd.Series([_clip(t, max_chars) for t in first["text"]], index=first["_cid"].values, dtype=str)


def quotes_for(messages: Optional[pd.DataFrame], contact_ids: Iterable[str], k: int, max_chars: int = 280) -> list[dict]:
    if messages is None or k <= 0:
        return []
    ids = [str(c) for c in contact_ids]
    q = quote_per_contact(messages, ids, max_chars=max_chars)
    out: list[dict] = []
    seen: set[str] = set()
    for cid in q.index:  # most negative first when message sentiment is present
        if len(out) >= k:
            break
        if q[cid] not in seen:
            seen.add(q[cid])
            out.append({"contact_id": cid, "text": q[cid]})
    return out
