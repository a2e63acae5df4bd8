"""XES event logs (IEEE 1849), plain or gzipped, parsed with the standard library's iterparse
(pm4py is AGPL and is not a dependency). Each trace is a case: its ``concept:name`` becomes the
``case:concept:name`` column and its other attributes ``case:<key>`` (the usual flattening, so a
log exported to CSV by process-mining tools and the XES original read the same)."""
from __future__ import annotations

import gzip
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Iterator

import pandas as pd

from voc import registry
from voc.errors import Errors, VocError
from voc.ingest.base import Reject
from voc.journey.readers.base import RawEvents, suffixes

_ATTRS = {"string", "date", "int", "float", "boolean", "id"}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


@registry.event_readers.register("xes")
class XesEventReader:
    name = "xes"
    extensions = (".xes",)

    def read(self, path: Path) -> RawEvents:
        """The whole file at once (small logs, tests); a journeys run uses ``iter_batches``."""
        batches = list(self.iter_batches(path, batch_size=None))
        if len(batches) == 1:
            return batches[0]
        frames = [b.frame for b in batches if len(b.frame)]
        df = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
        df = df.astype(object).where(df.notna(), None) if len(df) else df
        return RawEvents(df,
                         pd.concat([b.locations for b in batches], ignore_index=True) if batches else pd.Series([], dtype=object),
                         [r for b in batches for r in b.rejects])

    def iter_batches(self, path: Path, batch_size: int | None = 200_000) -> Iterator[RawEvents]:
        """The events in batches of about ``batch_size`` (whole traces; None: one batch), streamed
        with iterparse: memory holds one batch, not the log."""
        rows: list[dict] = []
        locs: list[str] = []
        rejects: list[Reject] = []
        opener = gzip.open if suffixes(path)[1] else open
        pending: list[tuple[dict, str]] = []   # events of the current trace (its attributes may come after them)
        n_trace = n_event = 0
        in_trace = False
        ns = ""
        try:
            with opener(path, "rb") as f:
                for kind, el in ET.iterparse(f, events=("start", "end")):
                    if kind == "start":
                        if el.tag.endswith("trace"):
                            ns = el.tag[: -len("trace")]
                            in_trace = True
                            n_trace += 1
                            n_event = 0
                            pending = []
                        continue
                    tag = el.tag[len(ns):] if ns and el.tag.startswith(ns) else _local(el.tag)
                    if tag == "event":
                        n_event += 1
                        attrs = {c.get("key"): c.get("value") for c in el
                                 if _local(c.tag) in _ATTRS and c.get("key") is not None}
                        loc = f"trace {n_trace} event {n_event}" if in_trace else f"event {n_event}"
                        if in_trace:
                            pending.append((attrs, loc))
                        else:
                            rows.append(attrs)
                            locs.append(loc)
                        el.clear()
                    elif tag == "trace":
                        case = {f"case:{c.get('key')}": c.get("value") for c in el
                                if _local(c.tag) in _ATTRS and c.get("key") is not None}
                        for ev, loc in pending:
                            rows.append({**case, **ev})
                            locs.append(loc)
                        pending = []
                        in_trace = False
                        el.clear()
                        if batch_size is not None and len(rows) >= batch_size:
                            yield _batch(rows, locs, [])
                            rows, locs = [], []
        except ET.ParseError as e:
            # keep what was read; the damaged tail is one reject
            rejects.append(Reject.of(Errors.E309, file=path, location=f"line {e.position[0]}", level="event",
                                     detail=f"XML is malformed ({e}); events after this point were not read"))
            for ev, loc in pending:
                rows.append(ev)
                locs.append(loc)
        except (OSError, EOFError) as e:
            raise VocError(Errors.E306, file=str(path), detail=str(e).splitlines()[0]) from None
        if not rows and not rejects and n_trace == 0 and n_event == 0:
            raise VocError(Errors.E306, file=str(path), detail="no <trace> or <event> elements")
        yield _batch(rows, locs, rejects)


def _batch(rows: list[dict], locs: list[str], rejects: list[Reject]) -> RawEvents:
    df = pd.DataFrame.from_records(rows) if rows else pd.DataFrame()
    df = df.astype(object).where(df.notna(), None) if len(df) else df
    return RawEvents(df, pd.Series(locs, dtype=object), rejects)
