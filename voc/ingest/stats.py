"""Counts of an ingest run (run.json), with the accounting invariant of voc.ingest.base:
records_seen == records_read + rejects of level file/contact,
messages_seen == messages_read + rejects of level message."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from voc.ingest.base import Record, Reject


@dataclass
class IngestStats:
    files: int = 0
    files_by_format: dict[str, int] = field(default_factory=dict)
    files_skipped: dict[str, int] = field(default_factory=dict)   # entries of a folder not read, by reason
    records_seen: int = 0
    records_read: int = 0
    messages_seen: int = 0
    messages_read: int = 0
    rejects_by_level: dict[str, int] = field(default_factory=dict)
    rejects_by_code: dict[str, int] = field(default_factory=dict)

    def add(self, item: Record | Reject) -> None:
        if isinstance(item, Record):
            self.records_seen += 1
            self.records_read += 1
            n = len(item.messages)
            self.messages_seen += n
            self.messages_read += n
            return
        self.rejects_by_level[item.level] = self.rejects_by_level.get(item.level, 0) + 1
        self.rejects_by_code[item.code] = self.rejects_by_code.get(item.code, 0) + 1
        if item.level in ("file", "contact"):
            self.records_seen += 1
        elif item.level == "message":
            self.messages_seen += 1

    def add_file(self, fmt: str) -> None:
        self.files += 1
        self.files_by_format[fmt] = self.files_by_format.get(fmt, 0) + 1

    @property
    def n_rejects(self) -> int:
        return sum(self.rejects_by_level.values())

    def balanced(self) -> bool:
        lv = self.rejects_by_level
        return (self.records_seen == self.records_read + lv.get("file", 0) + lv.get("contact", 0)
                and self.messages_seen == self.messages_read + lv.get("message", 0))

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["files_by_format"] = dict(sorted(self.files_by_format.items()))
        d["files_skipped"] = dict(sorted(self.files_skipped.items()))
        d["rejects_by_level"] = dict(sorted(self.rejects_by_level.items()))
        d["rejects_by_code"] = dict(sorted(self.rejects_by_code.items()))
        return d
