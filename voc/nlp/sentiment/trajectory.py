"""Contact-level sentiment and its trajectory, from per-message scores (pure functions, table -> table).

For the scored (customer) messages of each contact, in ``seq`` order, with n of them and
t = ceil(n / 3) (so t = 1 for up to 3 messages):

    sentiment_score  weighted mean score; a message's weight is its length weight (1, or sqrt(text
                     length) with ``aggregate="length_weighted"``) times its recency weight
                     ``recency_decay ** k``, k = how many scored messages come after it (the
                     latest turn has k = 0). With the default decay 0.5 the last turn outweighs
                     all earlier turns of the same length together, so a conversation that ends
                     angry is negative and one that ends resolved and thankful is not; 1.0 weighs
                     every turn alike (the plain or length-weighted mean).
    sentiment_start  mean score of the first t messages (the first message when n <= 3)
    sentiment_end    mean score of the last t messages (the last message when n <= 3)
    sentiment_min    lowest message score (the worst moment)
    sentiment_trend  end - start (> 0: the customer left happier than they came)
    sentiment        contact label: the most probable class of the class probabilities averaged
                     with the same weights when the backend gives them, else the score thresholds
    n_scored         how many messages were scored

A contact with one scored message has start = end = min = score. Contacts without any scored
message get nulls (they are kept, never dropped).
"""
from __future__ import annotations

from typing import Literal, Optional, Sequence

import numpy as np
import pandas as pd

from voc.config import SentimentConfig
from voc.nlp.sentiment.base import LABELS, labels_from_scores

PROBA_COLUMNS = ("p_negative", "p_neutral", "p_positive")
CONTACT_COLUMNS = ("sentiment", "sentiment_score", "sentiment_start", "sentiment_end", "sentiment_min",
                   "sentiment_trend", "n_scored")


def message_weights(texts: pd.Series, aggregate: Literal["mean", "length_weighted"]) -> np.ndarray:
    if aggregate == "mean":
        return np.ones(len(texts))
    lengths = texts.fillna("").astype(str).str.len().to_numpy(dtype=np.float64)
    return np.sqrt(np.maximum(lengths, 1.0))


def recency_weights(n_after: np.ndarray, decay: float) -> np.ndarray:
    """decay ** n_after: 1 for a contact's latest scored turn, ``decay`` for the one before, ..."""
    if not 0.0 < decay <= 1.0:
        raise ValueError(f"recency_decay must be in (0, 1], got {decay}")
    return np.power(float(decay), np.asarray(n_after, dtype=np.float64))


def contact_sentiment(messages: pd.DataFrame, *, aggregate: Literal["mean", "length_weighted"] = "length_weighted",
                      negative_below: float = -0.05, positive_above: float = 0.05,
                      contact_ids: Optional[Sequence[str]] = None,
                      recency_decay: float = SentimentConfig.model_fields["recency_decay"].default) -> pd.DataFrame:
    """One row per contact (``contact_ids`` order when given, else first appearance) with the columns
    above. ``messages`` needs contact_id, seq, sentiment_score (null = not scored) and, for length
    weighting, text; the p_* columns are used when present."""
    m = messages.loc[messages["sentiment_score"].notna()].copy()
    has_proba = all(c in m.columns for c in PROBA_COLUMNS) and len(m) > 0 and bool(m[list(PROBA_COLUMNS)].notna().all().all())
    m["_score"] = m["sentiment_score"].astype("float64").to_numpy(dtype=np.float64, na_value=np.nan)
    text = m["text"] if "text" in m.columns else pd.Series([""] * len(m), index=m.index)
    m["_w"] = message_weights(text, aggregate if "text" in m.columns else "mean")
    m["_seq"] = (m["seq"].astype("float64").to_numpy(dtype=np.float64, na_value=np.nan) if "seq" in m.columns
                 else np.arange(len(m)))
    m["_cid"] = m["contact_id"].astype(str)
    m = m.sort_values(["_cid", "_seq"], kind="stable")

    g = m.groupby("_cid", sort=False)
    n = g["_score"].transform("size").to_numpy()
    rank = g.cumcount().to_numpy()
    t = np.ceil(n / 3.0)
    first = rank < t
    last = rank >= n - t
    m["_w"] = m["_w"].to_numpy() * recency_weights(n - 1 - rank, recency_decay)
    ws = m["_w"].to_numpy() * m["_score"].to_numpy()
    frame = pd.DataFrame({"_cid": m["_cid"].to_numpy(), "ws": ws, "w": m["_w"].to_numpy(), "s": m["_score"].to_numpy(),
                          "sf": np.where(first, m["_score"].to_numpy(), 0.0), "nf": first.astype(float),
                          "sl": np.where(last, m["_score"].to_numpy(), 0.0), "nl": last.astype(float)})
    if has_proba:
        P = m[list(PROBA_COLUMNS)].astype("float64").to_numpy(dtype=np.float64)
        for j, c in enumerate(PROBA_COLUMNS):
            frame[c] = P[:, j] * m["_w"].to_numpy()
    agg = frame.groupby("_cid", sort=False).agg(
        ws=("ws", "sum"), w=("w", "sum"), smin=("s", "min"), sf=("sf", "sum"), nf=("nf", "sum"),
        sl=("sl", "sum"), nl=("nl", "sum"), n=("s", "size"),
        **({c: (c, "sum") for c in PROBA_COLUMNS} if has_proba else {}))
    out = pd.DataFrame(index=agg.index)
    out["sentiment_score"] = np.clip(agg["ws"] / agg["w"], -1.0, 1.0)
    out["sentiment_start"] = agg["sf"] / agg["nf"]
    out["sentiment_end"] = agg["sl"] / agg["nl"]
    out["sentiment_min"] = agg["smin"]
    out["sentiment_trend"] = out["sentiment_end"] - out["sentiment_start"]
    if has_proba:
        out["sentiment"] = [LABELS[i] for i in agg[list(PROBA_COLUMNS)].to_numpy().argmax(axis=1)]
    else:
        out["sentiment"] = labels_from_scores(out["sentiment_score"].to_numpy(), negative_below=negative_below,
                                              positive_above=positive_above)
    out["n_scored"] = agg["n"].astype("int64")

    ids = [str(c) for c in (contact_ids if contact_ids is not None else pd.unique(messages["contact_id"].astype(str)))]
    out = out.reindex(ids)
    out["n_scored"] = out["n_scored"].fillna(0).astype("int64")
    out.index.name = "contact_id"
    return out.reset_index()[["contact_id", *CONTACT_COLUMNS]]
