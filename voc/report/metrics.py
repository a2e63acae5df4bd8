"""Headline figures and the aggregated tables behind the charts: pure functions of the inputs.

Definitions (shown in the report next to each figure):
- repeat-contact rate: share of contacts that the journey step flagged ``is_repeat`` (another
  contact by the same customer shortly before); without journey tables, estimated from the
  contacts alone: same customer_id within the repeat window (journey.repeat_window_days, 7 d).
- first-contact resolution: share of first contacts (not repeats) with ``resolved_first_contact``.
- share negative: share of contacts whose customer-side sentiment is 'negative'.
"""
from __future__ import annotations

from typing import Any, Optional

import numpy as np
import pandas as pd

from voc.report.inputs import ReportInputs

UNKNOWN = {"unknown", "", "nan", "none", "<na>"}
DEFAULT_REPEAT_DAYS = 7.0


def _known(s: pd.Series) -> pd.Series:
    """Values that are a real label (not null / 'unknown')."""
    return s.notna() & ~s.astype(str).str.strip().str.lower().isin(UNKNOWN)


def repeat_window_days(inp: ReportInputs) -> float:
    try:
        return float(inp.run.get("config", {}).get("journey", {}).get("repeat_window_days", DEFAULT_REPEAT_DAYS))
    except (TypeError, ValueError, AttributeError):
        return DEFAULT_REPEAT_DAYS


def customer_ids(inp: ReportInputs) -> Optional[pd.Series]:
    """customer_id per contact (contacts row order), filled from identity resolution when present."""
    c = inp.get("contacts")
    if c is None:
        return None
    cust = c["customer_id"] if "customer_id" in c.columns else pd.Series([None] * len(c), index=c.index, dtype="str")
    ident = inp.get("identity")
    if ident is not None and {"contact_id", "customer_id"} <= set(ident.columns):
        m = ident.dropna(subset=["customer_id"]).drop_duplicates("contact_id").set_index("contact_id")["customer_id"]
        cust = cust.where(cust.notna(), c["contact_id"].map(m))
    return cust


def repeat_table(inp: ReportInputs) -> tuple[Optional[pd.DataFrame], str]:
    """Per contact: contact_id, channel, intent, is_repeat, resolved_first_contact; and where it came from.

    'journeys' when repeat_contacts exists, 'estimated' when derived from contacts, '' when impossible."""
    rc = inp.get("repeat_contacts")
    c = inp.get("contacts")
    if rc is not None and "is_repeat" in rc.columns:
        df = rc.copy()
        if c is not None:
            for col in ("channel", "intent"):
                if col not in df.columns and col in c.columns:
                    df[col] = df["contact_id"].map(c.drop_duplicates("contact_id").set_index("contact_id")[col])
        return df, "journeys"
    if c is None or "created_at" not in c.columns:
        return None, ""
    cust = customer_ids(inp)
    if cust is None or cust.notna().sum() == 0 or c["created_at"].notna().sum() == 0:
        return None, ""
    df = pd.DataFrame({"contact_id": c["contact_id"], "customer_id": cust, "created_at": c["created_at"],
                       "channel": c.get("channel"), "intent": c.get("intent")})
    df = df.sort_values(["customer_id", "created_at"], kind="stable")
    prev = df.groupby("customer_id", sort=False)["created_at"].shift(1)
    gap_h = (df["created_at"] - prev).dt.total_seconds() / 3600.0
    window_h = repeat_window_days(inp) * 24.0
    df["is_repeat"] = (gap_h <= window_h).fillna(False).astype("boolean")
    df.loc[df["customer_id"].isna() | df["created_at"].isna(), "is_repeat"] = pd.NA
    nxt = df.groupby("customer_id", sort=False)["created_at"].shift(-1)
    gap_next_h = (nxt - df["created_at"]).dt.total_seconds() / 3600.0
    resolved = ~(gap_next_h <= window_h).fillna(False)
    df["resolved_first_contact"] = resolved.astype("boolean").where(df["is_repeat"] == False)  # noqa: E712
    return df.sort_index(), "estimated"


def _rate(s: pd.Series) -> Optional[float]:
    s = s.dropna()
    if len(s) == 0:
        return None
    return float(s.astype(bool).mean())


def headline(inp: ReportInputs) -> dict[str, Any]:
    """The figures at the top of the report and in the terminal summary (None: not available)."""
    c = inp.get("contacts")
    h: dict[str, Any] = {"contacts": None, "customers": None, "repeat_contact_rate": None, "repeat_source": "",
                         "first_contact_resolution": None, "share_negative": None, "top_intent": None,
                         "top_intent_share": None, "rejects": None, "messages": None, "period_start": None,
                         "period_end": None, "channels": {}}
    if c is not None:
        h["contacts"] = int(len(c))
        cust = customer_ids(inp)
        if cust is not None and cust.notna().any():
            h["customers"] = int(cust.dropna().nunique())
        if "created_at" in c.columns and c["created_at"].notna().any():
            h["period_start"] = c["created_at"].min().isoformat()
            h["period_end"] = c["created_at"].max().isoformat()
        if "channel" in c.columns:
            h["channels"] = {str(k): int(v) for k, v in c["channel"].dropna().astype(str).value_counts().items()}
        if "sentiment" in c.columns and c["sentiment"].notna().any():
            h["share_negative"] = float((c["sentiment"].dropna().astype(str) == "negative").mean())
        if "intent" in c.columns and _known(c["intent"]).any():
            vc = c.loc[_known(c["intent"]), "intent"].astype(str).value_counts()
            h["top_intent"] = str(vc.index[0])
            h["top_intent_share"] = float(vc.iloc[0] / len(c))
    m = inp.get("messages")
    if m is not None:
        h["messages"] = int(len(m))
    rt, source = repeat_table(inp)
    if rt is not None:
        h["repeat_contact_rate"] = _rate(rt["is_repeat"])
        h["repeat_source"] = source
        if "resolved_first_contact" in rt.columns:
            first = rt[rt["is_repeat"] == False] if "is_repeat" in rt.columns else rt  # noqa: E712
            h["first_contact_resolution"] = _rate(first["resolved_first_contact"])
    if inp.rejects is not None:
        h["rejects"] = int(len(inp.rejects))
    elif isinstance(inp.run.get("rejects"), dict):
        h["rejects"] = int(inp.run["rejects"].get("total", 0))
    return h


def intent_sentiment(c: pd.DataFrame, top: int = 15) -> pd.DataFrame:
    """Contacts per intent (top N by volume, the rest as 'other') and sentiment class."""
    df = pd.DataFrame({"intent": c["intent"].astype(str).where(_known(c["intent"]), "unknown"),
                       "sentiment": c["sentiment"].astype(str).where(c["sentiment"].notna(), "n/a")
                       if "sentiment" in c.columns else "n/a"})
    order = df["intent"].value_counts()
    keep = [i for i in order.index if i != "unknown"][:top]
    df.loc[~df["intent"].isin(keep + ["unknown"]), "intent"] = "other"
    tab = df.groupby(["intent", "sentiment"]).size().unstack(fill_value=0)
    tab = tab.loc[tab.sum(axis=1).sort_values(ascending=True).index]
    return tab


def repeat_by(rt: pd.DataFrame, by: str, *, min_contacts: int = 1, top: int = 15) -> pd.DataFrame:
    """Repeat-contact rate and volume per value of ``by`` (intent or channel)."""
    df = rt.dropna(subset=["is_repeat"])
    if by not in df.columns or df.empty:
        return pd.DataFrame(columns=[by, "contacts", "repeats", "repeat_rate"])
    key = df[by].astype(str).where(_known(df[by]), "unknown")
    g = pd.DataFrame({by: key, "r": df["is_repeat"].astype(bool)}).groupby(by)["r"].agg(["size", "sum"])
    g = g.rename(columns={"size": "contacts", "sum": "repeats"}).reset_index()
    g["repeat_rate"] = g["repeats"] / g["contacts"]
    g = g[g["contacts"] >= min_contacts].sort_values(["contacts"], ascending=False).head(top)
    return g.sort_values("repeat_rate", ascending=True).reset_index(drop=True)


def intent_scorecard(inp: ReportInputs, *, min_contacts: int = 5) -> pd.DataFrame:
    """Per intent: volume, share negative, mean sentiment, repeat rate, friction rate (what is present)."""
    c = inp.get("contacts")
    if c is None or "intent" not in c.columns or not _known(c["intent"]).any():
        return pd.DataFrame()
    df = c[_known(c["intent"])].copy()
    df["intent"] = df["intent"].astype(str)
    g = df.groupby("intent").size().rename("contacts").to_frame()
    if "sentiment" in df.columns and df["sentiment"].notna().any():
        g["share_negative"] = df.assign(neg=df["sentiment"].astype(str) == "negative").groupby("intent")["neg"].mean()
    if "sentiment_score" in df.columns and df["sentiment_score"].notna().any():
        g["mean_sentiment"] = df.groupby("intent")["sentiment_score"].mean()
    rt, _ = repeat_table(inp)
    if rt is not None:
        rr = rt.dropna(subset=["is_repeat"]).copy()
        intents = rr["contact_id"].map(df.drop_duplicates("contact_id").set_index("contact_id")["intent"])
        rr = rr.assign(intent=intents).dropna(subset=["intent"])
        if not rr.empty:
            g["repeat_rate"] = rr.assign(r=rr["is_repeat"].astype(bool)).groupby("intent")["r"].mean()
    fr = inp.get("friction")
    if fr is not None and "contact_id" in fr.columns:
        hit = set(fr["contact_id"].dropna().astype(str))
        g["friction_rate"] = df.assign(f=df["contact_id"].astype(str).isin(hit)).groupby("intent")["f"].mean()
    g = g[g["contacts"] >= min(min_contacts, int(g["contacts"].max()))]
    return g.reset_index().sort_values("contacts", ascending=False).reset_index(drop=True)


def rejects_by_reason(inp: ReportInputs, top: int = 20) -> pd.DataFrame:
    r = inp.rejects
    if r is None or r.empty:
        return pd.DataFrame(columns=["code", "level", "count", "example", "fix"])
    r = r.fillna("")
    g = r.groupby(["code", "level"]).agg(count=("reason", "size"), example=("reason", "first"), fix=("fix", "first"))
    return g.reset_index().sort_values("count", ascending=False).head(top).reset_index(drop=True)


def fmt_pct(x: Optional[float]) -> str:
    return "n/a" if x is None or (isinstance(x, float) and np.isnan(x)) else f"{100 * x:.1f}%"
