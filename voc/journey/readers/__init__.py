"""Event-log readers, one per format, registered in voc.registry.event_readers."""
from __future__ import annotations

from pathlib import Path

from voc import registry
from voc.errors import Errors, VocError
from voc.journey.readers import csv, jsonl, parquet, xes  # noqa: F401  (registration)
from voc.journey.readers.base import EventReader, RawEvents, suffixes

__all__ = ["EventReader", "RawEvents", "reader_for"]


def reader_for(path: Path) -> EventReader:
    """The registered reader whose extensions include the file's suffix (compression ignored)."""
    suffix, _ = suffixes(path)
    for name in registry.event_readers.names():
        cls = registry.event_readers.get(name)
        if suffix in cls.extensions:
            return cls()
    known = sorted({e for n in registry.event_readers.names() for e in registry.event_readers.get(n).extensions})
    raise VocError(Errors.E306, file=str(path), detail=f"unknown extension '{suffix or '(none)'}'; known: {', '.join(known)}")
