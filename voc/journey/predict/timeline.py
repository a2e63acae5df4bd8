"""The timeline as the prediction layer reads it: plain numpy dtypes, one row per step, sorted by
(journey_id, seq), with ``pos`` (1-based position in the journey) and ``t`` (epoch seconds)."""
from __future__ import annotations

import numpy as np
import pandas as pd

COLUMNS = ["journey_id", "ts", "seq", "kind", "event", "channel", "contact_id", "intent", "sentiment",
           "topic_label", "sentiment_score", "properties"]


def _text(s: pd.Series) -> pd.Series:
    out = s.astype(object)
    return out.where(out.notna(), None)


def prepare(timeline: pd.DataFrame) -> pd.DataFrame:
    """Normalise a timeline table (pyarrow-backed or not; optional columns may be missing)."""
    n = len(timeline)
    df = pd.DataFrame(index=range(n))
    src = timeline.reset_index(drop=True)
    for c in COLUMNS:
        df[c] = src[c] if c in src.columns else pd.Series([None] * n, dtype=object)
    df["journey_id"] = df["journey_id"].astype(str)
    df["ts"] = pd.to_datetime(df["ts"], utc=True)
    if src.get("seq") is None:
        df["seq"] = np.arange(n)
    df["seq"] = pd.to_numeric(df["seq"], errors="coerce").fillna(0).astype("int64")
    for c in ("kind", "event", "channel", "contact_id", "intent", "sentiment", "topic_label", "properties"):
        df[c] = _text(df[c])
    df["event"] = df["event"].map(lambda v: "(unknown)" if v is None else str(v))
    df["sentiment_score"] = pd.to_numeric(df["sentiment_score"].astype(object), errors="coerce").astype(float)
    df = df[df["ts"].notna()]
    df = df.sort_values(["journey_id", "seq", "ts"], kind="stable").reset_index(drop=True)
    df["pos"] = df.groupby("journey_id", sort=False).cumcount().to_numpy() + 1
    df["t"] = (df["ts"] - pd.Timestamp(0, tz="UTC")).dt.total_seconds().to_numpy(dtype=float)
    return df


def journey_spans(tl: pd.DataFrame) -> pd.DataFrame:
    """Per journey: n_total, start_t, end_t, start (timestamp)."""
    g = tl.groupby("journey_id", sort=True)
    return pd.DataFrame({"n_total": g.size(), "start_t": g["t"].min(), "end_t": g["t"].max(), "start": g["ts"].min()})
