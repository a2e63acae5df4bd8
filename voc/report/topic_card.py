"""Per topic, the treatment intents get: volume, share, negative share, repeat rate, trend. Pure
table -> table functions (contacts, the per-contact repeat flags, trends.parquet or topics_over_time).

Trend: in the latest complete period of trends.parquet, a topic's contacts against what its baseline
share of the topic traffic would give (``expected_contacts`` of voc.trends.series): 1.5 = 50% more
than expected. Without trends.parquet: the last bin of topics_over_time against the mean of the
bins before it."""
from __future__ import annotations

from typing import Optional

import numpy as np
import pandas as pd

OUTLIER_LABELS = {"", "nan", "none", "<na>", "outliers", "unassigned"}


def topic_of(contacts: pd.DataFrame) -> Optional[pd.Series]:
    """The topic of each contact as its readable label (None for outliers / no topic)."""
    if "topic_label" in contacts.columns and contacts["topic_label"].notna().any():
        t = contacts["topic_label"].astype(str).where(contacts["topic_label"].notna(), None)
    elif "topic_id" in contacts.columns and contacts["topic_id"].notna().any():
        tid = pd.to_numeric(contacts["topic_id"], errors="coerce")
        t = ("topic " + tid.astype("Int64").astype(str)).where(tid.notna(), None)
    else:
        return None
    t = t.where(~t.astype(str).str.strip().str.lower().isin(OUTLIER_LABELS), None)
    if "topic_id" in contacts.columns:
        t = t.where(pd.to_numeric(contacts["topic_id"], errors="coerce") != -1, None)
    return t


def topic_growth(trends: Optional[pd.DataFrame], topics_over_time: Optional[pd.DataFrame] = None) -> pd.DataFrame:
    """topic, period, period contacts, expected contacts, growth (observed / expected) per topic."""
    cols = ["topic", "period", "period_contacts", "expected", "growth"]
    if trends is not None and not trends.empty and {"dimension", "value", "contacts", "expected_contacts"} <= set(trends.columns):
        t = trends[trends["dimension"].astype(str) == "topic"]
        if "partial" in t.columns:
            t = t[~t["partial"].fillna(False).astype(bool)]
        t = t.dropna(subset=["expected_contacts"])
        if not t.empty:
            last = t["period_start"].max()
            t = t[t["period_start"] == last]
            exp = t["expected_contacts"].astype(float)
            return pd.DataFrame({"topic": t["value"].astype(str).to_numpy(),
                                 "period": [str(last)[:10]] * len(t), "period_contacts": t["contacts"].astype(int).to_numpy(),
                                 "expected": exp.round(1).to_numpy(),
                                 "growth": np.where(exp > 0, t["contacts"].astype(float) / exp.where(exp > 0, 1), np.nan)})
    tot = topics_over_time
    if tot is not None and not tot.empty and {"bin_start", "count"} <= set(tot.columns):
        key = "label" if "label" in tot.columns else "topic_id"
        if "topic_id" in tot.columns:
            tot = tot[pd.to_numeric(tot["topic_id"], errors="coerce") != -1]
        piv = tot.pivot_table(index="bin_start", columns=key, values="count", aggfunc="sum").sort_index().fillna(0)
        if len(piv) >= 2:
            last, before = piv.iloc[-1], piv.iloc[:-1].mean()
            return pd.DataFrame({"topic": [str(k) for k in piv.columns], "period": str(piv.index[-1])[:10],
                                 "period_contacts": last.astype(int).to_numpy(), "expected": before.round(1).to_numpy(),
                                 "growth": np.where(before > 0, last / before.where(before > 0, 1), np.nan)})
    return pd.DataFrame(columns=cols)


def topic_scorecard(contacts: pd.DataFrame, flags: Optional[pd.DataFrame] = None,
                    growth: Optional[pd.DataFrame] = None) -> pd.DataFrame:
    """Per topic (largest first): contacts, share, share_negative, repeat_rate (of the contacts with a
    known repeat status), trend (growth in the latest period, where known)."""
    t = topic_of(contacts)
    if t is None or t.isna().all():
        return pd.DataFrame()
    df = pd.DataFrame({"topic": t.to_numpy(), "contact_id": contacts["contact_id"].astype(str).to_numpy()})
    n_all = len(df)
    if "sentiment" in contacts.columns and contacts["sentiment"].notna().any():
        s = contacts["sentiment"]
        df["neg"] = (s.astype(str) == "negative").where(s.notna(), np.nan).astype(float).to_numpy()
    if flags is not None and "is_repeat" in flags.columns:
        f = flags.drop_duplicates("contact_id")
        rep = pd.Series(f["is_repeat"].to_numpy(), index=f["contact_id"].astype(str))
        df["rep"] = [np.nan if v is None or v is pd.NA or (isinstance(v, float) and v != v) else float(bool(v))
                     for v in df["contact_id"].map(rep)]
    df = df.dropna(subset=["topic"])
    g = df.groupby("topic").size().rename("contacts").to_frame()
    g["share"] = g["contacts"] / n_all
    if "neg" in df.columns:
        g["share_negative"] = df.groupby("topic")["neg"].mean()
    if "rep" in df.columns and df["rep"].notna().any():
        g["repeat_rate"] = df.groupby("topic")["rep"].mean()
    if growth is not None and not growth.empty:
        g["trend"] = growth.set_index("topic")["growth"].reindex(g.index)
    return g.reset_index().sort_values("contacts", ascending=False, kind="stable").reset_index(drop=True)


def fastest_growing(growth: pd.DataFrame, *, min_contacts: int = 5, top: int = 5) -> pd.DataFrame:
    """Topics with the largest growth in the latest period (at least ``min_contacts`` in it), growing only."""
    if growth is None or growth.empty:
        return pd.DataFrame(columns=["topic", "period", "period_contacts", "expected", "growth"])
    g = growth.dropna(subset=["growth"])
    g = g[(g["period_contacts"] >= min_contacts) & (g["growth"] > 1)]
    return g.sort_values(["growth", "period_contacts"], ascending=False).head(top).reset_index(drop=True)
