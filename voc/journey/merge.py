"""The journey merge: one row per journey with its text features (contacts, intents, sentiment,
topic), repeat contacts, friction and the sequence features of voc.sequences (path, steps,
duration, outcome flags), ready for modelling and for the CDP; and one row per customer.

The merge runs in DuckDB (``merge_journeys``: table ``jn`` of sql/journeys.sql joined to the
per-journey sequence features ``jf``), so a log of millions of journeys is merged and written
without passing through pandas."""
from __future__ import annotations

import duckdb
import pandas as pd

from voc import sqltemplate
from voc.journey import sqlrun

LEAD_COLUMNS = ["journey_id", "customer_id", "start", "end", "n_events", "n_contacts", "n_repeat_contacts",
                "first_intent", "last_intent", "mean_sentiment", "min_sentiment", "top_topic", "channels", "path",
                "friction_score", "friction_kinds"]
JOURNEYS = "journeys_all"    # the merged journeys table on the connection


def journey_table(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Materialise ``jn`` (sql/journeys.sql) from tl, rc and fs and return it."""
    materialise_journeys(con)
    return sqlrun.fetch(con, "SELECT * FROM jn ORDER BY journey_id")


def materialise_journeys(con: duckdb.DuckDBPyConnection) -> None:
    """``jn`` (sql/journeys.sql) from tl, rc and fs, left on the connection."""
    sqlrun.materialise(con, "jn", "journeys")


def _order(own: list[str], extra: list[str]) -> list[str]:
    cols = own + extra
    lead = [c for c in LEAD_COLUMNS if c in cols]
    return lead + [c for c in cols if c not in lead]


def merge_journeys(con: duckdb.DuckDBPyConnection, features: str | None) -> str:
    """Materialise ``JOURNEYS``: ``jn`` left-joined to the per-journey sequence features table
    ``features`` (voc.sequences.journey_features_table); on a name clash ``jn``'s own column
    wins. Returns the SELECT of the table in journey order."""
    own = [r[0] for r in con.sql("SELECT * FROM jn LIMIT 0").description]
    extra: list[str] = []
    if features is not None:
        extra = [c[0] for c in con.sql(f"SELECT * FROM {sqltemplate.ident(features)} LIMIT 0").description
                 if c[0] != "journey_id" and c[0] not in own]
    q = sqltemplate.ident
    sel = {**{c: f"j.{q(c)}" for c in own}, **{c: f"f.{q(c)}" for c in extra}}
    if "path" not in sel:
        sel["path"] = "CAST(NULL AS VARCHAR)"
    cols = ", ".join(f"{sel[c]} AS {q(c)}" for c in _order(own, [c for c in sel if c not in own]))
    join = f" LEFT JOIN {q(features)} f ON f.journey_id = j.journey_id" if features is not None else ""
    con.execute(f"CREATE OR REPLACE TEMP TABLE {JOURNEYS} AS SELECT {cols} FROM jn j{join}")
    return f"SELECT * FROM {JOURNEYS} ORDER BY journey_id"


CUSTOMERS_SQL = "customers"


def customer_table(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """sql/customers.sql over jn, rc and fr."""
    return sqlrun.query(con, CUSTOMERS_SQL)
