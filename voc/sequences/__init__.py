"""Sequence statistics of journeys: transitions, step times, frequent patterns, funnel, variants,
outcome paths and per-journey features.

The metric definitions are SQL written once (``voc/sequences/sql/*.sql``), run here on DuckDB
and on Spark SQL by ``voc.engines`` through ``voc.sequences.sql.render(name, "spark", ...)``.
Every metric is a pure function ``timeline -> pandas.DataFrame``; ``compute_all`` runs them all
on one connection.
"""
from voc.sequences.compute import TABLES, compute_all
from voc.sequences.engine import Prepared, SequenceWarning, connect, prepare
from voc.sequences.features import journey_features, journey_features_table
from voc.sequences.funnel import funnel
from voc.sequences.outcome_paths import outcome_paths
from voc.sequences.patterns import patterns
from voc.sequences.step_times import step_times
from voc.sequences.transitions import transitions
from voc.sequences.variants import variants

__all__ = ["TABLES", "Prepared", "SequenceWarning", "compute_all", "connect", "funnel", "journey_features",
           "journey_features_table",
           "outcome_paths", "patterns", "prepare", "step_times", "transitions", "variants"]
