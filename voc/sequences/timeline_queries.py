"""What ``voc.sequences.outcomes`` asks of a prepared timeline beyond the metric SQL, written once for
both engines: an engine's prepared timeline (``voc.sequences.engine.Prepared`` on DuckDB,
``voc.engines.spark.sequences.SparkTimeline`` on Spark) subclasses ``TimelineQueries`` and supplies
``view`` (the table the queries read) and ``frame(sql)`` (run a query, return a small pandas table).

    n_journeys()        distinct journey ids
    contact_intents()   intent, journeys: intents of contact steps ('contact:<channel>'), most frequent
                        first, ties by intent (the candidates of the contact:intent=<x> outcomes)

Both queries are plain SQL that DuckDB and Spark SQL read alike; the results are cached per timeline.
"""
from __future__ import annotations

from typing import Any

import pandas as pd


def n_journeys_sql(view: str) -> str:
    return f"SELECT COUNT(DISTINCT journey_id) AS n FROM {view}"


def contact_intents_sql(view: str) -> str:
    return (f"SELECT intent, COUNT(DISTINCT journey_id) AS journeys FROM {view} "
            "WHERE event LIKE 'contact:%' AND intent IS NOT NULL GROUP BY intent")


def contact_intents_table(df: pd.DataFrame) -> pd.DataFrame:
    """intent (str), journeys (int64), most frequent first, ties by intent: the engines' rows in one order."""
    out = pd.DataFrame({"intent": df["intent"].astype(object).map(str) if len(df) else pd.Series([], dtype=object),
                        "journeys": df["journeys"].astype("int64") if len(df) else pd.Series([], dtype="int64")})
    return out.sort_values(["journeys", "intent"], ascending=[False, True], kind="stable").reset_index(drop=True)


class TimelineQueries:
    """Mixin: ``n_journeys`` and ``contact_intents`` over ``self.view`` through ``self.frame``."""

    view: str
    _cache: dict[str, Any]

    def frame(self, sql: str) -> pd.DataFrame:   # pragma: no cover - every engine supplies it
        raise NotImplementedError

    def n_journeys(self) -> int:
        if "n_journeys" not in self._cache:
            df = self.frame(n_journeys_sql(self.view))
            self._cache["n_journeys"] = int(df.iloc[0, 0]) if len(df) and pd.notna(df.iloc[0, 0]) else 0
        return self._cache["n_journeys"]

    def contact_intents(self) -> pd.DataFrame:
        if "intents" not in self._cache:
            self._cache["intents"] = contact_intents_table(self.frame(contact_intents_sql(self.view)))
        return self._cache["intents"]
