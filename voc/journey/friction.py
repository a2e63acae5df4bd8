"""Friction journeys, each found instance with its stage, severity (0..1) and human-readable evidence.

Kinds (definitions and severities in sql/friction_*.sql):
  escalation                 touches climb config.escalation_order (self-service -> chat -> ... -> call)
  loop                       the same step config.loop_min_repeats+ times within config.loop_window_hours
  error_before_contact       failed steps (config.error_events) shortly before an assisted touch
  long_wait                  a gap after a waiting step beyond the config.long_wait_quantile of that same
                             transition's gaps in the log (fallbacks: the step's gaps, then
                             config.long_wait_hours), or a contact open beyond its channel's quantile
  negative_end               a contact whose customer sentiment ends below 0
  abandonment_after_contact  after the last contact: a bad outcome, no activity, or no successful outcome
  handoff_pingpong           the journey bounces between actors (journey.columns.actor) A -> B -> A

Friction score per journey (0..100): noisy-OR of config.friction_weights[kind] x the kind's worst
severity (sql/friction_score.sql); per customer: the mean and the max over their journeys.
"""
from __future__ import annotations

import duckdb
import pandas as pd
import pyarrow as pa

from voc.config import FRICTION_KINDS, JourneyConfig
from voc.journey import sqlrun
from voc.journey.catalog import positive_outcomes

KINDS = FRICTION_KINDS
FRICTION_COLUMNS = ["journey_id", "customer_id", "kind", "stage", "ts", "contact_id", "severity", "evidence"]


# evidence last: two loops of one journey can start at the same instant (the order of ties was the
# hash table's, and could change from run to run)
FRICTION_ORDER = "journey_id, ts, kind, evidence"
FRICTION_SQL = f"SELECT {', '.join(FRICTION_COLUMNS)} FROM fr ORDER BY {FRICTION_ORDER}"


def compute_friction(con: duckdb.DuckDBPyConnection, config: JourneyConfig, *, data_end_s: float,
                     fetch: bool = True) -> pd.DataFrame | None:
    """All friction found in the timeline ``tl`` on ``con``; leaves ``fr`` (frictions) and ``fs``
    (friction score per journey) on the connection. Returns ``fr`` as pandas, or None with
    ``fetch=False`` (a large log: the caller writes ``FRICTION_SQL`` with DuckDB)."""
    order = [c.lower() for c in config.escalation_order]
    con.register("levels", pa.table({"level": pa.array(range(len(order)), pa.float64()), "name": pa.array(order, pa.string())}))
    weights = {k: float(config.friction_weights.get(k, 0.0)) for k in KINDS}
    con.register("weights", pa.table({"kind": list(weights), "weight": list(weights.values())}))
    observe_days = config.abandonment_days if config.abandonment_days is not None else config.repeat_window_days
    parts = [
        sqlrun.render("friction_escalation", window_s=config.escalation_window_days * 86400.0,
                      max_level=float(max(len(order) - 1, 1))),
        sqlrun.render("friction_loop", window_s=config.loop_window_hours * 3600.0, min_repeats=int(config.loop_min_repeats)),
        sqlrun.render("friction_error", window_s=config.error_window_hours * 3600.0,
                      self_level=order.index("self_service") if "self_service" in order else -1),
        sqlrun.render("friction_wait", threshold_s=config.long_wait_hours * 3600.0,
                      quantile=float(config.long_wait_quantile or 0.5),
                      use_quantile=0 if config.long_wait_quantile is None else 1,
                      min_n=int(config.long_wait_min_count), floor_s=config.long_wait_min_hours * 3600.0),
        sqlrun.render("friction_negative"),
        sqlrun.render("friction_abandon", observe_s=observe_days * 86400.0, data_end_s=float(data_end_s),
                      has_positive=1 if positive_outcomes(config) else 0),
        sqlrun.render("friction_pingpong"),
    ]
    cols = ", ".join(FRICTION_COLUMNS)
    union = "\nUNION ALL\n".join(f"SELECT {cols} FROM ({p}) AS f{i}" for i, p in enumerate(parts))
    con.execute(f"CREATE OR REPLACE TEMP TABLE fr AS SELECT {cols} FROM ({union}) AS u")
    sqlrun.materialise(con, "fs", "friction_score")
    return sqlrun.fetch(con, FRICTION_SQL) if fetch else None
