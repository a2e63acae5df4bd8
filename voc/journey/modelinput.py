"""The prediction layer (prediction, segments, unusual journeys) fed from DuckDB, at any log size.

The models work on a timeline in memory (voc.journey.predict). On a large log that would be the
whole log in pandas, so the input is chosen in DuckDB first: when the run has more journeys than
``journey.models_max_journeys``, a seeded random sample of that many journeys (ordered by a hash
of the journey id and ``journey.predict.seed``: the same log gives the same sample) and ONLY their
timeline rows, friction and journey rows are read into pandas. The models' tables then cover the
sampled journeys, and warning E336 says so (terminal, journey_run.json, report).

``journey_traits`` (one row per journey, the CDP view) always has every journey: the scores of the
sampled journeys are joined to the journeys table in DuckDB, the others are NULL."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from voc.config import JourneyConfig
from voc.errors import Errors, VocError
from voc.journey.friction import FRICTION_COLUMNS, FRICTION_ORDER
from voc.journey.predict.analytics import journey_analytics
from voc.journey.predict.timeline import COLUMNS as TIMELINE_COLUMNS

SAMPLE = "model_journeys"
TRAITS = "model_traits"


@dataclass
class ModelRun:
    tables: dict[str, pd.DataFrame]      # predictions, prediction_drivers, segments, segment_profiles, anomalies
    info: dict[str, Any]                 # prediction / segments / unusual sections, timings, warnings
    traits_sql: str                      # SELECT of journey_traits (every journey) on the connection
    sample: dict[str, Any] = field(default_factory=dict)


def _frame(con: duckdb.DuckDBPyConnection, sql: str) -> pd.DataFrame:
    table = con.sql(sql).to_arrow_table()
    if isinstance(table, pa.RecordBatchReader):
        table = table.read_all()
    return table.to_pandas()


def choose_sample(con: duckdb.DuckDBPyConnection, journeys: str, limit: int | None, seed: int) -> dict[str, Any]:
    """Materialise SAMPLE (journey_id) when ``journeys`` has more than ``limit`` rows; the counts."""
    total = int(con.sql(f"SELECT COUNT(*) FROM {journeys}").fetchall()[0][0])
    sampled = limit is not None and total > limit
    if sampled:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {SAMPLE} AS SELECT journey_id FROM {journeys} "
                    f"ORDER BY hash(journey_id, {int(seed)}), journey_id LIMIT {int(limit)}")
    return {"sampled": sampled, "journeys": limit if sampled else total, "total_journeys": total}


def run_models(con: duckdb.DuckDBPyConnection, config: JourneyConfig, journeys: str, *,
               repeat_contacts: pd.DataFrame | None, case_based: bool) -> ModelRun:
    """Prediction, segments and unusual journeys over the timeline ``tl``, friction ``fr`` and the
    merged journeys table ``journeys`` on ``con`` (see the module doc)."""
    wanted = config.predict.enabled or config.segments.enabled or config.unusual.enabled
    sample = (choose_sample(con, journeys, config.models_max_journeys, config.predict.seed) if wanted
              else {"sampled": False})
    where = f" WHERE journey_id IN (SELECT journey_id FROM {SAMPLE})" if sample["sampled"] else ""
    view: dict[str, pd.DataFrame] = {}
    if wanted:
        present = {r[0] for r in con.sql("SELECT * FROM tl LIMIT 0").description}
        cols = ", ".join(c for c in TIMELINE_COLUMNS if c in present)
        view["timeline"] = _frame(con, f"SELECT {cols} FROM tl{where} ORDER BY journey_id, seq")
        view["friction"] = _frame(con, f"SELECT {', '.join(FRICTION_COLUMNS)} FROM fr{where} ORDER BY {FRICTION_ORDER}")
        view["journeys"] = _frame(con, f"SELECT * FROM {journeys}{where} ORDER BY journey_id")
        if repeat_contacts is not None:
            view["repeat_contacts"] = repeat_contacts
        if sample["sampled"]:
            sample["rows"] = int(len(view["timeline"]))
            sample["total_rows"] = int(con.sql("SELECT COUNT(*) FROM tl").fetchall()[0][0])
    else:
        view["journeys"] = _frame(con, f"SELECT * FROM {journeys} LIMIT 0")
    tables, info = journey_analytics(view, config, case_based=case_based)
    del view
    if sample["sampled"]:
        w = VocError(Errors.E336, n=sample["journeys"], total=sample["total_journeys"], rows=sample["rows"],
                     all_rows=sample["total_rows"]).as_dict()
        info.setdefault("warnings", []).append(w)
        sample["warning"] = "E336"
    traits = tables.pop("journey_traits")
    return ModelRun(tables, info, _traits_sql(con, journeys, traits), sample)


def _traits_sql(con: duckdb.DuckDBPyConnection, journeys: str, traits: pd.DataFrame) -> str:
    """journey_traits for every journey of ``journeys``: the model columns of ``traits`` (the
    journeys the models saw) left-joined in DuckDB."""
    own = [c for c in ("journey_id", "customer_id", "end") if c in traits.columns]
    model = [c for c in traits.columns if c not in own]
    types = {"segment_id": pa.int64()}
    arrays = {"journey_id": pa.array(traits["journey_id"].astype(str).tolist(), pa.string())}
    for c in model:
        t = types.get(c, pa.float64())
        arrays[c] = pa.array(pd.to_numeric(traits[c], errors="coerce").astype("Float64" if t == pa.float64() else "Int64"),
                             t, from_pandas=True)
    con.register(TRAITS, pa.table(arrays) if arrays else pa.table({"journey_id": pa.array([], pa.string())}))
    q = lambda c: '"' + c.replace('"', '""') + '"'  # noqa: E731
    sel = [f"j.{q(c)}" for c in own] + [f"t.{q(c)}" for c in model]
    return (f"SELECT {', '.join(sel)} FROM {journeys} j LEFT JOIN {TRAITS} t ON t.journey_id = j.journey_id "
            f"ORDER BY j.journey_id")


def drop(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"DROP TABLE IF EXISTS {SAMPLE}")
    try:
        con.unregister(TRAITS)
    except (duckdb.Error, KeyError):
        pass
