"""JSON Lines event logs (one JSON object per line, optionally gzipped). A malformed line is a
reject with its line number; nested values are kept as JSON text."""
from __future__ import annotations

import gzip
import json
from pathlib import Path

import pandas as pd

from voc import registry
from voc.errors import Errors, VocError
from voc.ingest.base import Reject
from voc.journey.readers.base import RawEvents, suffixes


def _text(v):
    if v is None:
        return None
    if isinstance(v, (dict, list)):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


@registry.event_readers.register("jsonl")
class JsonlEventReader:
    name = "jsonl"
    extensions = (".jsonl", ".ndjson", ".json")

    def read(self, path: Path) -> RawEvents:
        rows: list[dict] = []
        locs: list[str] = []
        rejects: list[Reject] = []
        opener = gzip.open if suffixes(path)[1] else open
        try:
            with opener(path, "rt", encoding="utf-8-sig") as f:
                for n, line in enumerate(f, start=1):
                    if not line.strip():
                        continue
                    loc = f"line {n}"
                    try:
                        obj = json.loads(line)
                    except ValueError as e:
                        rejects.append(Reject.of(Errors.E309, file=path, location=loc, level="event",
                                                 detail=f"invalid JSON ({e.msg})"))
                        continue
                    if not isinstance(obj, dict):
                        rejects.append(Reject.of(Errors.E309, file=path, location=loc, level="event",
                                                 detail=f"expected a JSON object, found {type(obj).__name__}"))
                        continue
                    rows.append({str(k): _text(v) for k, v in obj.items()})
                    locs.append(loc)
        except (OSError, UnicodeDecodeError, EOFError) as e:
            raise VocError(Errors.E306, file=str(path), detail=str(e).splitlines()[0]) from None
        df = pd.DataFrame.from_records(rows) if rows else pd.DataFrame()
        df = df.astype(object).where(df.notna(), None) if len(df) else df
        return RawEvents(df, pd.Series(locs, dtype=object), rejects)
