"""The data behind the report's contact explorer: one small row per contact (id, day, channel, intent,
topic, sentiment, one redacted quote), embedded in report.html as JSON so the page filters by date
range, channel, intent and topic, drills from a chart or an alert to the contacts behind it, and
downloads any table as CSV, offline. Identifier columns (email, phone, customer id) are never embedded."""
from __future__ import annotations

import json
from typing import Any

import pandas as pd

from voc.report import quotes
from voc.report.inputs import ReportInputs

MAX_CONTACTS = 20_000   # bounds the file size (~100-250 bytes per contact)
QUOTE_CHARS = 200
FIELDS = ["id", "day", "channel", "intent", "topic", "sentiment", "quote"]


def _col(c: pd.DataFrame, name: str, default: str = "") -> pd.Series:
    if name not in c.columns:
        return pd.Series(default, index=c.index)
    return c[name].astype("string").fillna(default).astype(str)


def explorer_data(inp: ReportInputs) -> dict[str, Any]:
    """{'fields': FIELDS, 'rows': [[...]], 'total': n, 'shown': k} (the most recent contacts when cut)."""
    c = inp.get("contacts")
    if c is None or c.empty:
        return {"fields": FIELDS, "rows": [], "total": 0, "shown": 0}
    total = len(c)
    if "created_at" in c.columns:
        c = c.sort_values("created_at", ascending=False, kind="stable", na_position="last")
    c = c.head(MAX_CONTACTS)
    ids = c["contact_id"].astype(str)
    day = pd.to_datetime(c["created_at"], utc=True, errors="coerce").dt.strftime("%Y-%m-%d").fillna("") \
        if "created_at" in c.columns else pd.Series("", index=c.index)
    topic = _col(c, "topic_label")
    if "topic_id" in c.columns:
        topic = topic.where(pd.to_numeric(c["topic_id"], errors="coerce") != -1, "unassigned")
    q = quotes.quote_per_contact(inp.get("messages"), ids, max_chars=QUOTE_CHARS) if inp.get("messages") is not None \
        else pd.Series(dtype=str)
    rows = [[quotes.safe_id(i), d, ch, it, tp, se, q.get(i, "")]
            for i, d, ch, it, tp, se in zip(ids, day, _col(c, "channel"), _col(c, "intent", "unknown"), topic,
                                            _col(c, "sentiment"))]
    return {"fields": FIELDS, "rows": rows, "total": total, "shown": len(rows)}


def to_script_json(data: Any) -> str:
    """JSON safe inside a <script> element: '<', '>' and '&' are escaped, so user text can never close it."""
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":"))
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))
