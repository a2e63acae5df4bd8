"""Parquet event logs: typed columns are turned into text here and parsed like every other format."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from voc import registry
from voc.errors import Errors, VocError
from voc.journey.readers.base import RawEvents


@registry.event_readers.register("parquet")
class ParquetEventReader:
    name = "parquet"
    extensions = (".parquet", ".pq")

    def read(self, path: Path) -> RawEvents:
        try:
            table = pq.read_table(path)
        except (OSError, pa.ArrowException) as e:
            raise VocError(Errors.E306, file=str(path), detail=str(e).splitlines()[0]) from None
        cols = {}
        for name, col in zip(table.column_names, table.columns):
            t = col.type
            if pa.types.is_timestamp(t):
                s = col.to_pandas()
                if getattr(s.dt, "tz", None) is None and t.tz is None:
                    s = s.dt.strftime("%Y-%m-%dT%H:%M:%S.%f")
                else:
                    s = s.dt.tz_convert("UTC").dt.strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")
                cols[str(name)] = s.astype(object).where(s.notna(), None)
            elif pa.types.is_string(t) or pa.types.is_large_string(t):
                cols[str(name)] = pd.Series(col.to_pylist(), dtype=object)
            elif pa.types.is_nested(t):
                import json
                cols[str(name)] = pd.Series([None if v is None else json.dumps(v, default=str) for v in col.to_pylist()],
                                            dtype=object)
            else:
                cols[str(name)] = pd.Series([None if v is None else str(v) for v in col.to_pylist()], dtype=object)
        df = pd.DataFrame(cols)
        locs = pd.Series([f"row {i + 1}" for i in range(len(df))], dtype=object)
        return RawEvents(df, locs)
