"""The report's view of the run's figures and the aggregated tables behind the charts.

The headline figures themselves (contacts, customers, repeat-contact rate, same-issue repeat rate,
first-contact resolution, negative share, friction rate, friction score) are defined and computed
once in voc.metrics and stored in run.json["metrics"]; ``headline`` reads them from there, and the
per-intent / per-channel breakdowns use the same per-contact flags (voc.metrics.flags_of).
"""
from __future__ import annotations

from typing import Any, Optional

import numpy as np
import pandas as pd

from voc import metrics as run_metrics
from voc.report.inputs import ReportInputs

UNKNOWN = {"unknown", "", "nan", "none", "<na>"}


def _known(s: pd.Series) -> pd.Series:
    """Values that are a real label (not null / 'unknown')."""
    return s.notna() & ~s.astype(str).str.strip().str.lower().isin(UNKNOWN)


def figures(inp: ReportInputs) -> dict[str, dict[str, Any]]:
    """The run's metric records (voc.metrics), read once per report."""
    if "metrics" not in inp.cache:
        inp.cache["metrics"] = run_metrics.load(inp.out_dir)
    return inp.cache["metrics"]


def repeat_window_days(inp: ReportInputs) -> float:
    return float(run_metrics.journey_config_of(inp.out_dir).repeat_window_days)


def repeat_table(inp: ReportInputs) -> tuple[Optional[pd.DataFrame], str]:
    """Per contact: contact_id, customer_id, channel, intent, is_repeat, same_issue,
    resolved_first_contact; and where they came from ('journeys', 'contacts' or '')."""
    if "flags" not in inp.cache:
        inp.cache["flags"] = run_metrics.flags_of(inp.out_dir)
    return inp.cache["flags"]


def headline(inp: ReportInputs) -> dict[str, Any]:
    """The figures at the top of the report and in the terminal summary (None: not available).
    The metric values are voc.metrics' records; ``metrics`` holds the full records."""
    m = figures(inp)
    c = inp.get("contacts")
    h: dict[str, Any] = {"contacts": m["contacts"]["value"], "customers": m["customers"]["value"],
                         "repeat_contact_rate": m["repeat_contact_rate"]["value"],
                         "repeat_source": m["repeat_contact_rate"]["source"],
                         "same_issue_repeat_rate": m["same_issue_repeat_rate"]["value"],
                         "first_contact_resolution": m["first_contact_resolution"]["value"],
                         "share_negative": m["negative_share"]["value"],
                         "friction_rate": m["friction_rate"]["value"], "friction_score": m["friction_score"]["value"],
                         "top_intent": None, "top_intent_share": None, "rejects": None, "messages": None,
                         "period_start": None, "period_end": None, "channels": {}, "metrics": m}
    if c is not None:
        if "created_at" in c.columns and c["created_at"].notna().any():
            h["period_start"] = c["created_at"].min().isoformat()
            h["period_end"] = c["created_at"].max().isoformat()
        if "channel" in c.columns:
            h["channels"] = {str(k): int(v) for k, v in c["channel"].dropna().astype(str).value_counts().items()}
        if "intent" in c.columns and _known(c["intent"]).any():
            vc = c.loc[_known(c["intent"]), "intent"].astype(str).value_counts()
            h["top_intent"] = str(vc.index[0])
            h["top_intent_share"] = float(vc.iloc[0] / len(c))
    msgs = inp.get("messages")
    if msgs is not None:
        h["messages"] = int(len(msgs))
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
            # the rate and the number it is a share of (contacts with a known repeat status), so that
            # "65% of 17" reads the same in the findings and on the chart
            rep = rr.assign(r=rr["is_repeat"].astype(bool)).groupby("intent")["r"]
            g["repeat_rate"] = rep.mean()
            g["repeat_base"] = rep.size()
            fcr = rr.dropna(subset=["resolved_first_contact"]) if "resolved_first_contact" in rr.columns else rr.iloc[:0]
            if not fcr.empty:
                g["fcr"] = fcr.assign(f=fcr["resolved_first_contact"].astype(bool)).groupby("intent")["f"].mean()
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
