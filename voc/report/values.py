"""How a metric record of voc.metrics reads, the same in the report, the terminal summary and
`voc journeys`: its value and what it is a share of."""
from __future__ import annotations

from typing import Any

from voc.report.metrics import fmt_pct


def metric_value(rec: dict[str, Any]) -> str:
    """A metric record's value as shown everywhere: counts with thousands separators, shares as
    one-decimal percentages, scores 0..100 with one decimal."""
    v = rec.get("value")
    if v is None:
        return "n/a"
    if rec["unit"] == "count":
        return f"{int(v):,}"
    if rec["unit"] == "share":
        return fmt_pct(v)
    return f"{v:.1f}"


def metric_basis(rec: dict[str, Any]) -> str:
    """'48 of 119 contacts linked to a customer, with a time' (what the value is a share of)."""
    if rec.get("value") is None:
        return "needs " + rec["needs"]
    if rec["unit"] == "share":
        return f"{rec['numerator']:,} of {rec['denominator']:,} {rec['denominator_definition']}"
    if rec["unit"] == "score":
        return f"mean over {rec['denominator']:,} {rec['denominator_definition']}"
    return ""


def metric_card_note(rec: dict[str, Any]) -> str:
    """The short form of metric_basis for a headline card: '48 of 119 contacts with a known customer'."""
    if rec.get("value") is None:
        return "needs " + rec["needs"]
    short = rec.get("denominator_short") or rec["denominator_definition"]
    if rec["unit"] == "share":
        return f"{rec['numerator']:,} of {rec['denominator']:,} {short}"
    if rec["unit"] == "score":
        return f"0-100, mean over {rec['denominator']:,} {short}"
    return ""
