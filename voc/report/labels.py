"""Readable labels and cell values for the report: identifiers as words ('address_or_details_change'
-> 'address or details change'), column names as headers, shares as percentages, seconds as
durations, booleans as yes/no, lists as comma-separated text. Event names in paths stay as logged
(an analyst searches the log for them)."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np
import pandas as pd

HEADERS = {
    "share_negative": "negative", "repeat_rate": "repeat-contact rate", "repeat_base": "contacts with a known customer",
    "fcr": "first-contact resolution", "same_issue_repeat_rate": "same-issue repeat rate",
    "friction_rate": "friction rate", "mean_sentiment": "mean sentiment", "fcr_observed": "FCR observable",
    "conversion_from_start": "reached (of the first step)", "drop_off_from_previous": "lost since the previous step",
    "journeys_with_step": "journeys with the step", "total_journeys": "journeys", "median_s_from_previous":
    "median time from the previous step", "median_s": "median time", "p90_s": "90th percentile time", "mean_s": "mean time",
    "from_step": "from", "to_step": "to", "p_reach": "reach probability (model)", "removal_effect": "removal effect",
    "attributed_share": "attributed share", "count_with_outcome": "with the outcome", "step_index": "#",
    "topic_id": "topic", "n": "transitions", "kind": "kind",
}
# columns holding a share 0..1, shown as a percentage
SHARE_COLUMNS = {"share", "share_negative", "repeat_rate", "fcr", "same_issue_repeat_rate", "friction_rate", "support",
                 "confidence", "probability", "conversion_from_start", "drop_off_from_previous", "p_reach",
                 "removal_effect", "attributed_share", "match_rate", "observed_share", "observed_reach",
                 "confidence_low", "confidence_high", "observed_removal", "event_match_rate", "share_with_friction"}


def is_duration(col: str) -> bool:
    """Columns holding seconds: median_s, p90_s, median_s_from_previous, time_to_first_contact_s, ..."""
    return col.endswith("_s") or "_s_" in col


def label(value: Any) -> str:
    """An identifier as words: underscores to spaces (None/NaN -> '')."""
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return ""
    return str(value).replace("_", " ").strip()


def header(col: str) -> str:
    """A column name as a table header."""
    return HEADERS.get(col, label(col))


def duration(seconds: Optional[float]) -> str:
    """Seconds as a short duration: 45 s, 12 min, 3.5 h, 2.1 d."""
    if seconds is None or (isinstance(seconds, float) and seconds != seconds) or seconds is pd.NA:
        return ""
    s = float(seconds)
    if abs(s) < 90:
        return f"{s:.0f} s"
    if abs(s) < 90 * 60:
        return f"{s / 60:.0f} min"
    if abs(s) < 48 * 3600:
        return f"{s / 3600:.1f} h"
    return f"{s / 86400:.1f} d"


def pct(x: Any) -> str:
    if x is None or x is pd.NA or (isinstance(x, float) and x != x):
        return ""
    v = 100 * float(x)
    return f"{v:.0f}%" if v == round(v) else (f"{v:.1f}%" if abs(v) >= 0.1 else f"{v:.2f}%")


def cell(col: str, v: Any) -> Any:
    """A table cell, formatted by what its column holds."""
    if v is None or v is pd.NA or (isinstance(v, float) and v != v):
        return ""
    if isinstance(v, str) and v.strip() in ("None", "nan", "NaN", "<NA>", "NaT"):
        return ""
    if isinstance(v, (bool, np.bool_)):
        return "yes" if v else "no"
    if isinstance(v, (list, tuple, np.ndarray)):
        return ", ".join(label(x) if col.endswith("kinds") else str(x) for x in v)
    if isinstance(v, pd.Timestamp):
        return v.strftime("%Y-%m-%d %H:%M")
    if isinstance(v, (float, np.floating, int, np.integer)) and not isinstance(v, bool):
        if col in SHARE_COLUMNS:
            return pct(v)
        if col == "p_value":
            return "p < 0.001" if float(v) < 0.001 else f"p = {float(v):.3f}"
        if col == "lift":
            return f"{float(v):.2f}×"
        if is_duration(col):
            return duration(v)
        if isinstance(v, (int, np.integer)) or float(v).is_integer():
            return f"{int(v):,}"
        return f"{float(v):,.2f}" if abs(float(v)) < 1000 else f"{float(v):,.0f}"
    if col in ("intent", "kind", "first_intent", "last_intent", "top_friction", "outcome", "dimension", "channel"):
        return label(v)
    if col == "friction_kinds":
        return ", ".join(label(k) for k in str(v).split(",") if k)
    return v
