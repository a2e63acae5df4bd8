"""Call (or chat) transcripts as plain text with speaker labels:

    Call ID: CALL-20260203-0142          <- optional header block of 'Key: value' lines
    Date: 2026-02-03 14:05 UTC              (call id, date, customer id, email, phone, agent,
    Customer ID: C012                        language, subject, channel), ended by a blank line

    [00:00:02] Agent: Thank you for calling Acme, this is Dana.
    [00:00:06] Customer: Hi, I was charged twice for my order
    and I'd like a refund.                <- unlabeled lines continue the previous turn
    Dana (Agent): ...                     <- a role in brackets after a name is honoured

Labels are roles ('Agent', 'Customer', 'Caller', 'Rep', ...), names mapped in
``ingest.speaker_roles``, or names that recur as labels (roles then guessed, see
voc.ingest.roles). Clock prefixes ([hh:mm:ss], mm:ss) fill start_s/end_s; with a header date
they also give each turn a timestamp. A file without any speaker label is rejected (E014)."""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any, Iterator

from voc import registry
from voc.config import IngestConfig
from voc.errors import Errors
from voc.ingest.base import Item, Reject
from voc.ingest.columns import norm
from voc.ingest.common import Warnings, channel_of, clean_str
from voc.ingest.roles import role_of
from voc.ingest.timestamps import parse_clock, parse_timestamp
from voc.ingest.turns import Piece, call_record

_CLOCK = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?"
_LINE = re.compile(
    r"^\s*(?:\[(?P<ts>[^\]]{4,40})\]|\((?P<ts3>" + _CLOCK + r")\)|(?P<ts2>" + _CLOCK + r"))?\s*[-–]?\s*"
    r"(?P<label>[A-Za-z][\w .'’\-]{0,38}?)\s*(?:\((?P<paren>[^)]{1,30})\))?\s*:\s*(?P<text>.*)$")
META = {
    "contact_id": {"call id", "conversation id", "id", "call", "ticket id", "interaction id", "recording id", "chat id"},
    "created_at": {"date", "start", "started", "start time", "call start", "date time", "started at", "call date", "created at",
                   "time"},
    "customer_id": {"customer id", "account id", "account", "customer number", "member id"},
    "email": {"email", "customer email", "e mail"},
    "phone": {"phone", "caller number", "caller id", "phone number", "from number", "ani", "from"},
    "subject": {"subject", "topic", "reason", "title"},
    "language": {"language", "lang", "locale"},
    "channel": {"channel", "medium"},
    "status": {"status", "outcome", "disposition"},
    "_ignored": {"agent name", "queue", "duration", "to", "direction", "recording", "wrap up", "agent id", "team"},
}
_META_KEYS = {k: field for field, keys in META.items() for k in keys}


@registry.readers.register("transcript_txt")
class TranscriptTxtReader:
    name = "transcript_txt"
    extensions = (".txt", ".text", ".transcript")

    def sniff(self, path: Path, head: str) -> float:
        lines = [ln for ln in head.splitlines()[:60] if ln.strip()]
        hits = sum(1 for ln in lines if (m := _LINE.match(ln)) and role_of(m.group("label")))
        if path.suffix.lower() in self.extensions:
            return 0.9 if hits >= 2 else 0.4
        if not path.suffix and hits >= 3:
            return 0.5
        return 0.0

    def read(self, path: Path, text: str, config: IngestConfig) -> Iterator[Item]:
        warn = Warnings(path)
        lines = text.splitlines()
        meta, body_start, preamble = _header(lines)
        candidates = _candidates(lines[body_start:], config)
        pieces: list[Piece] = []
        for n, raw in enumerate(lines[body_start:], body_start + 1):
            if not raw.strip():
                continue
            m = _LINE.match(raw)
            label = m.group("label").strip() if m else None
            if m and label in candidates:
                start_s, ts = _stamp(m.group("ts") or m.group("ts2") or m.group("ts3"))
                paren = m.group("paren")
                stated = role_of(paren, config) if paren else None
                full = f"{label} ({paren})" if paren and not stated else label
                pieces.append(Piece(full, m.group("text").strip(), f"line {n}", start_s=start_s, timestamp=ts,
                                    role=stated or (role_of(full, config) if paren else None)))
            elif pieces:
                pieces.append(Piece(None, raw.strip(), f"line {n}"))
            else:
                preamble.append(raw.strip())
        if not any(p.label for p in pieces):
            yield Reject.of(Errors.E014, file=path, location="file", level="file")
            return
        # a turn ends where the next one starts
        starts = [p for p in pieces if p.label]
        for a, b in zip(starts, starts[1:]):
            if a.start_s is not None and b.start_s is not None and b.start_s >= a.start_s:
                a.end_s = b.start_s
        base = warn.ts(meta.get("created_at"), "header") if meta.get("created_at") else None
        contact: dict[str, Any] = {
            "contact_id": clean_str(meta.get("contact_id")),
            "channel": channel_of(meta.get("channel"), "call"),
            "customer_id": meta.get("customer_id"),
            "email": meta.get("email"),
            "phone": meta.get("phone"),
            "created_at": base,
            "status": meta.get("status"),
            "subject": meta.get("subject") or (preamble[0] if preamble else None),
            "language": meta.get("language"),
            "source_record": "file",
            "_source": "calls",
        }
        rec = call_record(pieces, config, contact, base=base, path=path)
        yield from warn.drain()
        yield rec


def _header(lines: list[str]) -> tuple[dict[str, str], int, list[str]]:
    """Leading 'Key: value' lines with known metadata keys, up to the first blank line."""
    meta: dict[str, str] = {}
    preamble: list[str] = []
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    start = i
    while i < len(lines) and lines[i].strip():
        key, sep, value = lines[i].partition(":")
        field = _META_KEYS.get(norm(key)) if sep else None
        if field is None:
            if i == start and not sep and not meta:  # a title line
                preamble.append(lines[i].strip())
                i += 1
                continue
            break
        if field != "_ignored":
            meta.setdefault(field, value.strip())
        i += 1
    if not meta:
        return {}, start + len(preamble), preamble
    return meta, i, preamble


def _candidates(lines: list[str], config: IngestConfig) -> set[str]:
    """Labels that are speakers: known roles or mapped names, or labels used on 2+ lines."""
    counts: Counter[str] = Counter()
    timed: set[str] = set()
    for raw in lines:
        m = _LINE.match(raw)
        if m:
            label = m.group("label").strip()
            counts[label] += 1
            if m.group("ts") or m.group("ts2") or m.group("ts3") or m.group("paren"):
                timed.add(label)
    out = {lab for lab in counts if role_of(lab, config) or lab in timed}
    if out:
        # other labels count when they recur as often as real speakers do (names of people)
        out |= {lab for lab, c in counts.items() if c >= 2 and len(lab.split()) <= 3 and not _META_KEYS.get(norm(lab))}
    else:
        out = {lab for lab, c in counts.items() if c >= 2 and len(lab.split()) <= 3 and not _META_KEYS.get(norm(lab))}
        if len(out) < 2:
            out = set()
    return out


def _stamp(value: str | None) -> tuple[float | None, Any]:
    if not value:
        return None, None
    value = value.strip()
    if re.fullmatch(_CLOCK, value):
        return parse_clock(value), None
    try:
        return None, parse_timestamp(value)
    except ValueError:
        return None, None
