"""What readers produce: one ``Record`` per contact read, one ``Reject`` per thing that could not be.

Accounting rule (checked in tests): for every input file,
    records seen = Records yielded + Rejects of level "file" or "contact"
and for messages,
    messages seen = messages kept in Records + Rejects of level "message".
A file that cannot be read at all counts as one record, rejected at level "file".
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterator, Protocol, Union

from voc.config import IngestConfig
from voc.errors import ErrorSpec
from voc.ingest.names import printable


@dataclass
class Record:
    """One contact: canonical contact fields (see voc.schema.CONTACTS) and its messages
    (dicts with the voc.schema.MESSAGES fields; contact_id, seq and provenance are filled in)."""

    contact: dict[str, Any]
    messages: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Reject:
    file: str
    location: str          # "file", "line 12", "record 3", "cue 4", "message 2 of record 3"
    level: str             # file | contact | message | event
    code: str
    reason: str
    fix: str

    @classmethod
    def of(cls, spec: ErrorSpec, *, file: str | Path, location: str, level: str, **details: Any) -> "Reject":
        shown = printable(file)
        cause, fix = spec.render(file=shown, location=location, **details)
        return cls(file=shown, location=location, level=level, code=spec.code, reason=cause, fix=fix)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


Item = Union[Record, Reject]


class Reader(Protocol):
    """A format reader, registered in voc.registry.readers under its name."""

    name: str
    extensions: tuple[str, ...]

    def sniff(self, path: Path, head: str) -> float:
        """How sure (0..1) this reader is that the file is its format, from the extension and the first KB."""

    def read(self, path: Path, text: str, config: IngestConfig) -> Iterator[Item]:
        """Yield a Record per contact and a Reject per record/message that could not be read."""

    # Optional: ``read_source(path, source, config)`` reads from a voc.ingest.source.Source (lines or
    # bytes streamed from disk) instead of the whole text; readers of large exports implement it.
