"""Per-customer traits for a CDP, computed from the customer's CDP contact rows.

All window traits look at the customer's contacts in the ``window_days`` up to and including
their *last contact* (not "now"), so traits depend only on the data: a re-run on the same data
gives the same traits, and a customer's traits change only when their contacts do.

- last_intent: intent of the latest contact that has one ('unknown' counts as none).
- last_contact_at: time of the latest contact.
- contacts_<N>d: contacts in the window.
- repeat_contact_flag: a contact in the window was a repeat (is_repeat: the journey step's, or the
  same definition computed from the contacts alone, voc.metrics); when no contact carries is_repeat
  (no customer ids or times), two or more contacts in the window.
- sentiment_trend: sentiment_score of the latest minus that of the earliest scored contact in the
  window (-2..2; > 0 improving, < 0 worsening); null with fewer than two scored contacts.
- friction_score: highest friction score (0..100, the scale of journeys.parquet) of the journeys of the
  customer's contacts in the window (null without journey data); with one journey per customer it is
  that journey's score, as in customers.parquet.
- top_topic: most frequent topic_label over all the customer's contacts (outliers, topic -1,
  left out; ties go to the most recent).
- n_contacts: all the customer's contacts.
- email_sha256 / phone_sha256 (identifiers='hash' only): the hashed e-mail / phone of the customer's
  latest contact that has one, so a CDP can match the traits row like the contact rows.
- segment_id, propensity_<outcome> (when the output folder holds `voc journeys`' journey_traits): the
  segment of the customer's latest journey and, while that journey is open, its predicted
  probability of reaching <outcome> (docs/prediction.md).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from voc.enrich.rows import HASHED_ID_FIELDS, META_FIELDS, TS

UNKNOWN = {"unknown", ""}


def window_column(window_days: int) -> str:
    return f"contacts_{window_days}d"


def journey_trait_fields(columns: list[str]) -> list[tuple[str, pa.DataType]]:
    """The journey-model traits a `voc journeys` output offers (journey_traits table): segment_id and
    propensity_<outcome> per predicted target."""
    fields: list[tuple[str, pa.DataType]] = [("segment_id", pa.int32())] if "segment_id" in columns else []
    return fields + [(c, pa.float64()) for c in sorted(columns) if c.startswith("propensity_")]


def journey_traits_by_customer(jt: pd.DataFrame) -> pd.DataFrame:
    """One row per customer (index customer_id) from journey_traits: the customer's latest journey
    (by its end, then journey_id). segment_id: its segment; propensity_<outcome>: its score while the
    journey is open for that outcome (null otherwise: its outcome is known or it was not scored)."""
    cols = [n for n, _ in journey_trait_fields(list(jt.columns))]
    j = jt[jt["customer_id"].notna()].copy()
    if j.empty or not cols:
        return pd.DataFrame(columns=cols, index=pd.Index([], name="customer_id"))
    j["customer_id"] = j["customer_id"].astype(str)
    order = ["customer_id"] + (["end"] if "end" in j.columns else []) + ["journey_id"]
    j = j.sort_values(order, kind="stable", na_position="first")
    return j.groupby("customer_id", sort=True).tail(1).set_index("customer_id")[cols].sort_index()   # (last() would skip nulls)


def add_journey_traits(traits: pd.DataFrame, by_customer: pd.DataFrame | None) -> pd.DataFrame:
    if by_customer is None or not len(by_customer.columns):
        return traits
    out = traits.copy()
    for c in by_customer.columns:
        out[c] = out["customer_id"].astype(str).map(by_customer[c])
    return out


def traits_schema(window_days: int, identifiers: str = "drop",
                  journey_fields: list[tuple[str, pa.DataType]] | None = None) -> pa.Schema:
    ids = list(HASHED_ID_FIELDS) if identifiers == "hash" else []
    return pa.schema([
        ("customer_id", pa.string()),
        ("last_intent", pa.string()),
        ("last_contact_at", TS),
        (window_column(window_days), pa.int32()),
        ("repeat_contact_flag", pa.bool_()),
        ("sentiment_trend", pa.float64()),
        ("friction_score", pa.float64()),
        ("top_topic", pa.string()),
        ("n_contacts", pa.int32()),
    ] + list(journey_fields or []) + ids + list(META_FIELDS))


def customer_traits(contacts: pd.DataFrame, window_days: int, identifiers: str = "drop") -> pd.DataFrame:
    """Traits of every customer in ``contacts`` (CDP contact rows), one row each, sorted by customer_id."""
    wcol = window_column(window_days)
    c = contacts[contacts["customer_id"].notna()].copy()
    cols = [f.name for f in traits_schema(window_days, identifiers) if f.name not in ("content_hash", "updated_at")]
    if c.empty:
        return pd.DataFrame(columns=cols)
    c = c.sort_values(["customer_id", "created_at", "contact_id"], kind="stable", na_position="first")
    g = c.groupby("customer_id", sort=True)
    out = pd.DataFrame(index=g.size().index)
    out["n_contacts"] = g.size()
    last_at = g["created_at"].max()
    out["last_contact_at"] = last_at

    known_intent = c["intent"].notna() & ~c["intent"].astype(str).str.lower().isin(UNKNOWN)
    out["last_intent"] = c[known_intent].groupby("customer_id")["intent"].last()

    start = c["customer_id"].map(last_at - pd.Timedelta(days=window_days))
    in_win = c["created_at"].notna() & (c["created_at"] >= start)
    w = c[in_win]
    gw = w.groupby("customer_id")
    out[wcol] = gw.size()
    out[wcol] = out[wcol].fillna(0)

    rep_known = w["is_repeat"].notna()
    any_rep = w[rep_known].assign(r=w.loc[rep_known, "is_repeat"].astype(bool)).groupby("customer_id")["r"].any()
    if contacts["is_repeat"].notna().any():
        out["repeat_contact_flag"] = any_rep.reindex(out.index)
    else:
        out["repeat_contact_flag"] = out[wcol] >= 2

    scored = w[w["sentiment_score"].notna()]
    gs = scored.groupby("customer_id")["sentiment_score"]
    trend = (gs.last() - gs.first()).where(gs.size() >= 2)
    out["sentiment_trend"] = trend.reindex(out.index)

    out["friction_score"] = gw["friction_score"].max().reindex(out.index)

    topics = c[c["topic_label"].notna() & (c["topic_id"].fillna(0) != -1)].copy()
    if not topics.empty:
        topics["_pos"] = np.arange(len(topics))
        t = topics.groupby(["customer_id", "topic_label"]).agg(n=("_pos", "size"), last=("_pos", "max")).reset_index()
        t = t.sort_values(["customer_id", "n", "last"], ascending=[True, False, False], kind="stable")
        out["top_topic"] = t.drop_duplicates("customer_id").set_index("customer_id")["topic_label"]
    else:
        out["top_topic"] = None
    if identifiers == "hash":
        for col in ("email_sha256", "phone_sha256"):
            known = c[c[col].notna()] if col in c.columns else c.iloc[0:0]
            out[col] = known.groupby("customer_id")[col].last().reindex(out.index) if len(known) else None
    out = out.reset_index().rename(columns={"index": "customer_id"})
    return out[cols]
