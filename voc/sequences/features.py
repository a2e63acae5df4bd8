"""Per-journey sequence features (for journeys.parquet)."""
from __future__ import annotations

import duckdb
import pandas as pd

from voc.config import JourneyConfig
from voc.globs import expand
from voc.sequences.engine import Prepared, TimelineLike, use
from voc.sequences.outcomes import column_name

FEATURE_COLUMNS = ["journey_id", "n_steps", "n_distinct_steps", "start", "end", "duration_s", "path",
                   "first_step", "last_step", "n_loops", "n_contacts", "time_to_first_contact_s"]


def _outcomes(tl, config: JourneyConfig) -> list[dict]:
    return [{"name": name, "column": column_name(name), "events": expand(pats, tl.steps)}
            for name, pats in config.outcomes.items()]


def journey_features_table(tl: Prepared, config: JourneyConfig, name: str) -> None:
    """The same features as ``journey_features``, materialised as the table ``name`` on the
    prepared timeline's connection (nothing goes through Python: a large log's journeys are merged
    and written by DuckDB). Types as ``journey_features`` returns them: counts BIGINT, steps and
    path VARCHAR, one BOOLEAN per outcome."""
    outcomes = _outcomes(tl, config)
    sql = tl.sql("journey_features", outcomes=outcomes, max_path_steps=config.max_path_steps)
    rel = tl.con.sql(sql)
    q = lambda c: '"' + c.replace('"', '""') + '"'  # noqa: E731
    cast = {**{c: "BIGINT" for c in ("n_steps", "n_distinct_steps", "n_loops", "n_contacts")},
            **{c: "VARCHAR" for c in ("journey_id", "path", "first_step", "last_step")},
            **{o["column"]: "BOOLEAN" for o in outcomes}}
    cols = ", ".join(f"CAST({q(c)} AS {cast[c]}) AS {q(c)}" if c in cast else q(c) for c in rel.columns)
    tl.con.execute(f"CREATE OR REPLACE TEMP TABLE {q(name)} AS SELECT {cols} FROM ({sql}) AS f")


def journey_features(timeline: TimelineLike, config: JourneyConfig | None = None,
                     con: duckdb.DuckDBPyConnection | None = None) -> pd.DataFrame:
    """One row per journey: journey_id, n_steps, n_distinct_steps, start, end, duration_s,
    path ('a > b > c', cut after journey.max_path_steps steps), first_step, last_step,
    n_loops (consecutive repeats of the same step), n_contacts, time_to_first_contact_s
    (NULL without contact), and reached_<outcome> (bool) per configured outcome (its names or
    globs, voc.globs)."""
    config = config or JourneyConfig()
    with use(timeline, config, con) as tl:
        outcomes = _outcomes(tl, config)
        df = tl.query("journey_features", outcomes=outcomes, max_path_steps=config.max_path_steps)
    for c in ("n_steps", "n_distinct_steps", "n_loops", "n_contacts"):
        df[c] = df[c].astype("int64")
    for c in ("journey_id", "path", "first_step", "last_step"):
        df[c] = df[c].astype("str")
    for c in ("start", "end"):
        if isinstance(df[c].dtype, pd.DatetimeTZDtype):
            df[c] = df[c].dt.tz_convert("UTC")
    for o in outcomes:
        df[o["column"]] = df[o["column"]].astype(bool)
    return df.reset_index(drop=True)
