"""What an event reader returns: the file's rows as text columns, one location per row
("line 12", "row 3", "trace 5 event 2"), and the records it could not read at all."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import pandas as pd

from voc.ingest.base import Reject


@dataclass
class RawEvents:
    frame: pd.DataFrame                     # one row per record, columns as in the file (values as text or null)
    locations: pd.Series                    # aligned with frame: where each row is in the file
    rejects: list[Reject] = field(default_factory=list)   # records that could not be parsed at all

    @property
    def n_records(self) -> int:
        return len(self.frame) + len(self.rejects)


class EventReader(Protocol):
    """An event-log format, registered in voc.registry.event_readers under its name."""

    name: str
    extensions: tuple[str, ...]   # lower-case suffixes, compression suffix excluded

    def read(self, path: Path) -> RawEvents:
        ...


def suffixes(path: Path) -> tuple[str, bool]:
    """(format suffix, gzipped) of a path: 'x.csv.gz' -> ('.csv', True)."""
    parts = [s.lower() for s in path.suffixes]
    gz = bool(parts) and parts[-1] in (".gz", ".gzip")
    if gz:
        parts = parts[:-1]
    return (parts[-1] if parts else ""), gz
