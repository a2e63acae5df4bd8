"""CSV/TSV event logs (optionally gzipped). Locations are exact physical line numbers, also when
quoted fields span several lines."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from voc import registry
from voc.errors import Errors, VocError
from voc.journey.readers.base import RawEvents, suffixes


@registry.event_readers.register("csv")
class CsvEventReader:
    name = "csv"
    extensions = (".csv", ".tsv", ".txt")

    def read(self, path: Path) -> RawEvents:
        sep = "\t" if suffixes(path)[0] == ".tsv" else ","
        try:
            df = pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False, na_values=[""],
                             encoding="utf-8-sig", compression="infer", on_bad_lines="error", engine="c")
        except pd.errors.EmptyDataError:
            df = pd.DataFrame()
        except (pd.errors.ParserError, UnicodeDecodeError, OSError, EOFError) as e:
            raise VocError(Errors.E306, file=str(path), detail=str(e).splitlines()[0]) from None
        df.columns = [str(c).strip() for c in df.columns]
        # physical line of each record: header is line 1; a record starts after all lines of the previous ones
        if len(df):
            newlines = np.zeros(len(df), dtype=np.int64)
            for c in df.columns:
                col = df[c]
                newlines += col.str.count("\n").fillna(0).to_numpy(dtype=np.int64)
            start = 2 + np.concatenate([[0], np.cumsum(1 + newlines)[:-1]])
            locs = pd.Series([f"line {n}" for n in start], index=df.index, dtype=object)
        else:
            locs = pd.Series([], dtype=object)
        return RawEvents(df.reset_index(drop=True), locs.reset_index(drop=True))
