"""Topic analytics: pure functions from a contacts table (with topic_id, topic_label) to a table.

Every function counts every contact it is given: undated contacts get their own row in
``topics_over_time`` (bin_start null) and contacts without an intent or channel are counted
under ``"(none)"``, so totals always match the number of contacts.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa

from voc.nlp.topics.labels import OUTLIER_ID, OUTLIER_LABEL

NONE_GROUP = "(none)"
TS = pd.ArrowDtype(pa.timestamp("us", tz="UTC"))


def _topic_labels(contacts: pd.DataFrame) -> pd.DataFrame:
    if "topic_id" not in contacts.columns:
        raise ValueError("contacts table has no topic_id column: run the topics step first")
    t = pd.DataFrame({"topic_id": pd.to_numeric(contacts["topic_id"], errors="coerce").fillna(OUTLIER_ID)
                      .astype("int32").to_numpy()},
                     index=contacts.index)
    if "topic_label" in contacts.columns:
        t["label"] = contacts["topic_label"].astype("string").fillna(OUTLIER_LABEL).to_numpy()
    else:
        t["label"] = np.where(t["topic_id"] == OUTLIER_ID, OUTLIER_LABEL, "topic " + t["topic_id"].astype(str))
    return t


def _label_map(t: pd.DataFrame) -> pd.Series:
    return t.drop_duplicates("topic_id").set_index("topic_id")["label"]


def time_bin_edges(ts: pd.Series, bins: int) -> pd.DatetimeIndex:
    """``bins`` equal-width UTC intervals from the first to the last timestamp (one bin when all equal)."""
    ts = pd.to_datetime(ts, utc=True).dropna()
    lo, hi = ts.min(), ts.max()
    if lo == hi:
        return pd.DatetimeIndex([lo, lo + pd.Timedelta(microseconds=1)]).as_unit("us")
    # whole microseconds (the tables' unit): equal-width edges can fall on fractions of one, which Arrow
    # refuses to cast; the last edge is rounded up so the latest contact stays inside the last bin
    edges = pd.date_range(lo, hi, periods=bins + 1)
    return pd.DatetimeIndex([*edges[:-1].floor("us"), edges[-1].ceil("us")]).as_unit("us")


def topics_over_time(contacts: pd.DataFrame, bins: int = 10, *, time_col: str = "created_at") -> pd.DataFrame:
    """Contacts per topic and time bin: topic_id, label, bin_start (UTC, null for undated
    contacts), count. Every (topic, bin) pair is listed, zeros included, so the rows chart as
    series directly; counts sum to the number of contacts."""
    if bins < 1:
        raise ValueError("bins must be >= 1")
    t = _topic_labels(contacts)
    ts = pd.to_datetime(contacts[time_col], utc=True, errors="coerce") if time_col in contacts.columns \
        else pd.Series(pd.NaT, index=contacts.index, dtype="datetime64[us, UTC]")
    t["ts"] = ts.to_numpy()
    labels = _label_map(t)
    topic_ids = sorted(labels.index.tolist())
    dated = t[t["ts"].notna()]
    parts: list[pd.DataFrame] = []
    if len(dated):
        edges = time_bin_edges(dated["ts"], bins)
        idx = np.clip(np.searchsorted(edges.asi8, pd.DatetimeIndex(dated["ts"]).as_unit(edges.unit).asi8, side="right") - 1,
                      0, len(edges) - 2)
        counts = pd.crosstab(dated["topic_id"].to_numpy(), idx).reindex(index=topic_ids, columns=range(len(edges) - 1),
                                                                        fill_value=0)
        long = counts.stack().rename("count").reset_index()
        long.columns = ["topic_id", "bin", "count"]
        long["bin_start"] = edges[long["bin"].to_numpy()]
        parts.append(long[["topic_id", "bin_start", "count"]])
    undated = t[t["ts"].isna()]
    if len(undated):
        u = undated.groupby("topic_id").size().rename("count").reset_index()
        u["bin_start"] = pd.NaT
        parts.append(u[["topic_id", "bin_start", "count"]])
    if not parts:
        return pd.DataFrame({"topic_id": pd.Series([], dtype="int32"), "label": pd.Series([], dtype="string"),
                             "bin_start": pd.Series([], dtype=TS), "count": pd.Series([], dtype="int64")})
    out = pd.concat(parts, ignore_index=True)
    out["bin_start"] = pd.to_datetime(out["bin_start"], utc=True).astype(TS)
    out["topic_id"] = out["topic_id"].astype("int32")
    out["label"] = out["topic_id"].map(labels).astype("string")
    out["count"] = out["count"].astype("int64")
    return out[["topic_id", "label", "bin_start", "count"]].sort_values(["bin_start", "topic_id"], na_position="last",
                                                                        kind="stable").reset_index(drop=True)


def topic_share(contacts: pd.DataFrame, by: str) -> pd.DataFrame:
    """Topic mix within each group of ``by`` (e.g. 'intent', 'channel'): by, topic_id, label,
    count, share (of the group's contacts; shares of a group sum to 1). Long format, only
    non-zero cells, largest groups and topics first."""
    if by not in contacts.columns:
        raise ValueError(f"contacts table has no {by!r} column")
    t = _topic_labels(contacts)
    t[by] = contacts[by].astype("string").fillna(NONE_GROUP).to_numpy()
    counts = t.groupby([by, "topic_id"], sort=False).size().rename("count").reset_index()
    totals = counts.groupby(by)["count"].transform("sum")
    counts["share"] = counts["count"] / totals
    counts["label"] = counts["topic_id"].map(_label_map(t)).astype("string")
    counts["_total"] = totals
    counts = counts.sort_values(["_total", by, "count", "topic_id"], ascending=[False, True, False, True], kind="stable")
    counts["topic_id"] = counts["topic_id"].astype("int32")
    counts["count"] = counts["count"].astype("int64")
    return counts[[by, "topic_id", "label", "count", "share"]].reset_index(drop=True)


def topic_crosstab(contacts: pd.DataFrame, by: str, *, normalize: bool = True) -> pd.DataFrame:
    """Wide table: one row per topic label, one column per value of ``by``; shares of each
    column (normalize=True) or counts."""
    long = topic_share(contacts, by)
    return long.pivot_table(index="label", columns=by, values="share" if normalize else "count", fill_value=0,
                            aggfunc="sum", observed=True)


def topic_table(info: pd.DataFrame, contacts: pd.DataFrame) -> pd.DataFrame:
    """``topics.parquet``: topic_id, label, keywords, size, share, representative_docs. Sizes are
    counted on ``contacts`` (so they sum to the number of contacts); label, keywords and
    representative documents come from the model's info table (``TopicModel.describe``)."""
    t = _topic_labels(contacts)
    sizes = t.groupby("topic_id").size()
    base = info[["topic_id", "label", "keywords", "representative_docs"]].copy()
    base["topic_id"] = base["topic_id"].astype("int32")
    missing = sorted(set(sizes.index) - set(base["topic_id"].tolist()))
    if missing:  # ids in contacts the info table does not know (e.g. -1 when the model had no outliers)
        labels = _label_map(t)
        extra = pd.DataFrame({"topic_id": np.array(missing, dtype="int32"), "label": [labels[m] for m in missing],
                              "keywords": [[] for _ in missing], "representative_docs": [[] for _ in missing]})
        base = pd.concat([base, extra], ignore_index=True)
    base["size"] = base["topic_id"].map(sizes).fillna(0).astype("int64")
    n = int(len(contacts))
    base["share"] = base["size"] / n if n else 0.0
    base["label"] = base["label"].astype("string")
    order = np.where(base["topic_id"] == OUTLIER_ID, 1, 0)
    base = base.assign(_o=order).sort_values(["_o", "topic_id"], kind="stable").drop(columns="_o")
    return base[["topic_id", "label", "keywords", "size", "share", "representative_docs"]].reset_index(drop=True)


def flatten_lists(df: pd.DataFrame, columns: Sequence[str] = ("keywords", "representative_docs"),
                  sep: str = " | ") -> pd.DataFrame:
    """List columns as one string each (for CSV output)."""
    out = df.copy()
    for c in columns:
        if c in out.columns:
            out[c] = out[c].map(lambda v: sep.join(str(x) for x in v) if isinstance(v, (list, tuple, np.ndarray)) else v)
    return out
