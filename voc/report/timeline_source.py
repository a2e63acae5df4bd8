"""The run's timeline as the report reads it.

The report shows two things from the timeline: the paths into contacts (the Sankey and the table
of the step right before a contact, over EVERY contact) and the steps around a contact of the few
friction journeys it shows. A Parquet timeline (voc's own, often ten million rows and more) never
enters pandas: DuckDB aggregates the paths over all contacts (one row per distinct path), and reads
the rows around the contacts of the journeys shown only. Memory is therefore bounded by the number
of distinct paths and of journeys shown, not by the number of contacts or events. DuckDB works
under the run's ``journey.duckdb_memory_limit`` (and spills beyond it).

A timeline already in memory (a CSV folder, a table handed in) is read by the pandas functions of
``voc.report.paths``; the two give the same rows in the same order."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Optional

import pandas as pd

from voc.report import paths
from voc.report.figures import START
from voc.report.inputs import WANTED, ReportInputs, read_timeline_near_contacts

# the columns the report reads of the timeline; the paths into contacts need the first four
NEEDED = ("journey_id", "ts", "event", "kind")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@dataclass
class TimelineSource:
    """A timeline in memory (``frame``) or a Parquet file read by DuckDB on demand (``path``).
    ``rows_read``: the timeline rows read into pandas so far (the paths aggregate is not counted:
    it has one row per distinct path, not per timeline row)."""

    frame: Optional[pd.DataFrame] = None
    path: Optional[Path] = None
    memory_limit: Optional[str] = None      # journey.duckdb_memory_limit of the run (None: the default)
    threads: Optional[int] = None
    rows_read: int = 0

    def _connect(self):
        from voc.config import JourneyConfig
        from voc.sequences.engine import connect

        fields: dict[str, Any] = {}
        if self.memory_limit:
            fields["duckdb_memory_limit"] = self.memory_limit
        if self.threads:
            fields["duckdb_threads"] = self.threads
        con = connect(JourneyConfig(**fields))
        con.execute("SET TimeZone = 'UTC'")
        return con

    def _src(self) -> str:
        return "read_parquet('" + str(self.path).replace("'", "''") + "')"

    def paths_to_contact(self, steps_before: int = 3) -> pd.DataFrame:
        """``voc.report.paths.paths_to_contact`` over every contact of the timeline: columns s_-k ..
        s_-1, s_0, count; most frequent path first (ties by the steps' names)."""
        if self.frame is not None:
            return paths.paths_to_contact(self.frame, steps_before)
        import duckdb
        import pyarrow.parquet as pq

        from voc.errors import DatasetError, Errors

        present = set(pq.read_schema(self.path).names)
        if not set(NEEDED) <= present:
            return pd.DataFrame()
        k = int(steps_before)
        order = "ts NULLS LAST" + (", seq NULLS LAST" if "seq" in present else "")
        # event as paths_to_contact reads it (astype(str)): a missing name is the text 'None'
        lags = "".join(f", LAG(e, {i}) OVER w AS p{i}" for i in range(1, k + 1))
        cols = ", ".join([f"COALESCE(p{i}, '{START}') AS {_quote(f's_-{i}')}" for i in range(k, 0, -1)] + ["e AS s_0"])
        names = [_quote(f"s_-{i}") for i in range(k, 0, -1)] + ["s_0"]
        sql = (f"WITH t AS (SELECT journey_id, ts{', seq' if 'seq' in present else ''}, "
               f"CAST(kind AS VARCHAR) = 'contact' AS is_contact, COALESCE(CAST(event AS VARCHAR), 'None') AS e "
               f"FROM {self._src()}), "
               f"w AS (SELECT is_contact, e{lags} FROM t WINDOW w AS (PARTITION BY journey_id ORDER BY {order})) "
               f"SELECT {cols}, COUNT(*) AS count FROM w WHERE is_contact GROUP BY ALL "
               f"ORDER BY count DESC, {', '.join(names)}")
        con = self._connect()
        try:
            df = con.sql(sql).df()
        except duckdb.Error as e:
            raise DatasetError(Errors.E402, dataset="timeline", path=str(self.path), detail=str(e).splitlines()[0]) from e
        finally:
            con.close()
        if df.empty:
            return pd.DataFrame()
        df["count"] = df["count"].astype("int64")
        for c in df.columns[:-1]:
            df[c] = df[c].astype(str)          # as paths_to_contact types them (astype(str))
        return df

    def journeys(self, journey_ids: Iterable[Any]) -> pd.DataFrame:
        """The timeline rows of ``journey_ids`` that ``voc.report.paths.steps_around_contact`` needs: from
        a Parquet file, those within a few steps of a contact, with ``journey_steps`` (see
        ``voc.report.inputs.read_timeline_near_contacts``)."""
        ids = [str(j) for j in dict.fromkeys(journey_ids)]
        if self.frame is not None:
            tl = self.frame
            out = tl[tl["journey_id"].astype(str).isin(ids)] if "journey_id" in tl.columns else tl.iloc[:0]
        else:
            out = read_timeline_near_contacts(self.path, WANTED["timeline"], journeys=ids, connect=self._connect)
        self.rows_read += len(out)
        return out


def timeline_of(inp: ReportInputs) -> Optional[TimelineSource]:
    """The run's timeline as the report reads it: the table in memory when one was read (a CSV
    folder), else the Parquet file left to DuckDB (``ReportInputs.lazy``); None when there is none.
    DuckDB works under the run's ``journey.duckdb_memory_limit`` and threads. One per report."""
    src = inp.cache.get("timeline_source")
    if src is None:
        if "timeline" in inp.tables:
            src = TimelineSource(frame=inp.tables["timeline"])
        elif "timeline" in inp.lazy:
            from voc.metrics.store import journey_config_of

            jc = journey_config_of(inp.out_dir)
            src = TimelineSource(path=inp.lazy["timeline"], memory_limit=jc.duckdb_memory_limit, threads=jc.duckdb_threads)
        else:
            return None
        inp.cache["timeline_source"] = src
    return src
