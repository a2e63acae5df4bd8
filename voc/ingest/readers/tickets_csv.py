"""Ticket exports as CSV (Zendesk, Freshdesk, Help Scout, Jira SM...): one row per ticket, or one
row per comment (ticket id + author/role + body), which is grouped back into tickets.

Headers are matched through voc.ingest.columns (config ``ingest.columns`` first). Locations are
physical line numbers, the header being line 1, correct across multi-line quoted fields.

One-row-per-ticket exports are read as a stream, row by row (memory does not grow with the file);
one-row-per-comment exports are grouped back into tickets, which needs all their rows. A row
holding NUL bytes (binary damage) is rejected on its own (E022), the other rows read."""
from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import Any, Iterable, Iterator

from voc import registry
from voc.config import IngestConfig
from voc.errors import Errors
from voc.ingest.base import Item, Record, Reject
from voc.ingest.columns import ALIASES, norm, resolve
from voc.ingest.common import Warnings, clean_email, clean_str, mapped_contact, message
from voc.ingest.roles import role_of
from voc.ingest.source import Source

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))

_DELIMS = (",", ";", "\t", "|")
_TEXT_ALIASES = {norm(a) for a in ALIASES["text"]}
_ALL_ALIASES = {norm(a) for names in ALIASES.values() for a in names}


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in _DELIMS}
    best = max(_DELIMS, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _rows(f: Iterable[str], first_line: str) -> Iterator[tuple[int, list[str]]]:
    """(first physical line, fields) per non-blank row of the lines ``f`` (a file opened with newline='')."""
    reader = csv.reader(f, delimiter=_delimiter(first_line))
    prev = 0
    for row in reader:
        start = prev + 1
        prev = reader.line_num
        if not row or all(not f.strip() for f in row):
            continue
        yield start, row


@registry.readers.register("tickets_csv")
class TicketsCsvReader:
    name = "tickets_csv"
    extensions = (".csv", ".tsv")

    def sniff(self, path: Path, head: str) -> float:
        first = head.lstrip("\ufeff").split("\n", 1)[0]
        cells = {norm(c.strip().strip('"')) for c in first.split(_delimiter(first))}
        known = len(cells & _ALL_ALIASES)
        if path.suffix.lower() in self.extensions:
            return 0.9 if known else 0.6
        if known >= 2 and cells & _TEXT_ALIASES:
            return 0.5
        return 0.0

    def read(self, path: Path, text: str, config: IngestConfig) -> Iterator[Item]:
        yield from self.read_source(path, Source.of_text(text, path), config)

    def read_source(self, path: Path, source: Source, config: IngestConfig) -> Iterator[Item]:
        with source.open_text() as f:
            yield from self._read(path, _skip_bom(f), source.head.lstrip("\ufeff").split("\n", 1)[0], config)

    def _read(self, path: Path, f: Iterable[str], first_line: str, config: IngestConfig) -> Iterator[Item]:
        rows = _rows(f, first_line)
        try:
            _, header = next(rows)
        except StopIteration:
            yield Reject.of(Errors.E003, file=path, location="file", level="file")
            return
        if any("\x00" in h for h in header):
            yield Reject.of(Errors.E020, file=path, location="line 1", level="file", fmt="CSV",
                            detail=f"its header row holds {sum(h.count(chr(0)) for h in header)} NUL byte(s) (binary damage)")
            return
        header = [h.strip() for h in header]
        cols = resolve(header, config.columns)
        if "text" not in cols:
            yield Reject.of(Errors.E007, file=path, location="line 1", level="file",
                            missing="['text'] (e.g. Description, Body, Comment)", present=", ".join(repr(h) for h in header))
            return
        idx = {field: header.index(h) for field, h in cols.items()}
        warn = Warnings(path)
        if ("author_role" in idx or "author" in idx) and "contact_id" in idx:
            body = list(rows)  # a per-comment export is grouped by ticket id: all rows are needed
            if _ids_repeat(body, idx["contact_id"]):
                yield from self._comments(path, body, idx, config, warn)
                return
            rows = iter(body)
        for line, row in rows:
            loc = f"line {line}"
            if any("\x00" in c for c in row):
                yield Reject.of(Errors.E022, file=path, location=loc, level="contact", what="row",
                                n=sum(c.count("\x00") for c in row))
                continue
            get = _getter(row, idx)
            if len(row) > len(header) and any(c.strip() for c in row[len(header):]):
                yield Reject.of(Errors.E011, file=path, location=loc, level="field",
                                detail=f"row has {len(row)} fields, the header {len(header)}; the extra fields were ignored")
            contact = _contact(get, loc, warn)
            txt = get("text") or ""
            if not txt.strip() and contact["subject"]:
                txt = contact["subject"]  # e-mail tickets with the request in the subject only
            msgs = [message("customer", txt, speaker=get("name") or contact["email"], timestamp=contact["created_at"],
                            source_record=loc)] if txt.strip() else []
            yield from warn.drain()
            yield Record(contact, msgs)

    def _comments(self, path: Path, body: list[tuple[int, list[str]]], idx: dict[str, int],
                  config: IngestConfig, warn: Warnings) -> Iterator[Item]:
        groups: dict[str, list[tuple[int, list[str]]]] = {}
        for line, row in body:
            if any("\x00" in c for c in row):
                yield Reject.of(Errors.E022, file=path, location=f"line {line}", level="message", what="row",
                                n=sum(c.count("\x00") for c in row))
                continue
            tid = (_getter(row, idx)("contact_id") or "").strip()
            groups.setdefault(tid or f"\0line {line}", []).append((line, row))
        for tid, rows in groups.items():
            first_line = rows[0][0]
            loc = f"line {first_line}"
            get0 = _getter(rows[0][1], idx)
            contact = _contact(get0, loc, warn)
            if tid.startswith("\0"):
                contact["contact_id"] = None
            for _, row in rows[1:]:  # fill contact fields a first comment row left empty
                g = _getter(row, idx)
                for field in ("subject", "customer_id", "email", "phone", "status", "language"):
                    if not contact.get(field):
                        contact[field] = clean_email(g(field)) if field == "email" else clean_str(g(field))
            requester = {v.lower() for v in (get0("name"), contact.get("email")) if v}
            msgs = []
            for line, row in rows:
                g = _getter(row, idx)
                mloc = f"line {line}"
                role = role_of(g("author_role"), config) if g("author_role") else None
                author = g("author")
                if role is None:
                    a = (author or "").strip().lower()
                    role = "customer" if a and (a in requester or clean_email(a) in requester) else ("agent" if a else "customer")
                public = (g("is_public") or "").strip().lower()
                if public in ("false", "0", "no", "private", "internal") and role != "customer":
                    role = "system"
                ts = warn.ts(g("comment_created_at") or g("created_at"), mloc)
                msgs.append(message(role, g("text") or "", speaker=author, timestamp=ts, source_record=mloc))
            stamps = [m["timestamp"] for m in msgs if m["timestamp"] is not None]
            if stamps and "comment_created_at" not in idx:
                contact["created_at"] = min(stamps)
            yield from warn.drain()
            yield Record(contact, msgs)


def _skip_bom(f: Iterable[str]) -> Iterator[str]:
    it = iter(f)
    for first in it:
        yield first.lstrip("\ufeff")
        break
    yield from it


def _ids_repeat(body: list[tuple[int, list[str]]], col: int) -> bool:
    seen: set[str] = set()
    for _, row in body:
        v = row[col].strip() if col < len(row) else ""
        if v and v in seen:
            return True
        seen.add(v)
    return False


def _getter(row: list[str], idx: dict[str, int]):  # noqa: ANN202
    def get(field: str) -> str | None:
        i = idx.get(field)
        if i is None or i >= len(row):
            return None
        v = row[i].strip()
        return v or None

    return get


def _contact(get, loc: str, warn: Warnings) -> dict[str, Any]:  # noqa: ANN001
    return mapped_contact(get, loc, warn, source="csv")
