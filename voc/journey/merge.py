"""The journey merge: one row per journey with its text features (contacts, intents, sentiment,
topic), repeat contacts, friction and the sequence features of voc.sequences (path, steps,
duration, outcome flags), ready for modelling and for the CDP; and one row per customer."""
from __future__ import annotations

import duckdb
import pandas as pd

from voc.journey import sqlrun

LEAD_COLUMNS = ["journey_id", "customer_id", "start", "end", "n_events", "n_contacts", "n_repeat_contacts",
                "first_intent", "last_intent", "mean_sentiment", "min_sentiment", "top_topic", "channels", "path",
                "friction_score", "friction_kinds"]


def journey_table(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Materialise ``jn`` (sql/journeys.sql) from tl, rc, fs and return it."""
    sqlrun.materialise(con, "jn", "journeys")
    return sqlrun.fetch(con, "SELECT * FROM jn ORDER BY journey_id")


def merge_features(journeys: pd.DataFrame, features: pd.DataFrame | None) -> pd.DataFrame:
    """Add the per-journey sequence features; on a name clash the journey table's own column wins."""
    out = journeys
    if features is not None and len(features.columns):
        extra = [c for c in features.columns if c == "journey_id" or c not in journeys.columns]
        f = features[extra].copy()
        f["journey_id"] = f["journey_id"].astype(str)
        out = journeys.assign(journey_id=journeys["journey_id"].astype(str)).merge(f, on="journey_id", how="left")
    if "path" not in out.columns:
        out["path"] = None
    lead = [c for c in LEAD_COLUMNS if c in out.columns]
    return out[lead + [c for c in out.columns if c not in lead]].reset_index(drop=True)


def customer_table(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """sql/customers.sql over jn, rc and fr."""
    return sqlrun.query(con, "customers")
