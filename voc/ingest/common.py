"""Small helpers shared by the readers: channels, identifiers, ids, timestamps with warnings,
message building and damaged-JSON salvage."""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from voc.errors import Errors
from voc.identifiers import normalise_email, normalise_id
from voc.ingest.base import Reject
from voc.ingest.timestamps import parse_timestamp

_CHANNELS = {
    "email": "email", "mail": "email", "e-mail": "email", "outbound email": "email", "outbound_email": "email",
    "chat": "chat", "messaging": "chat", "native_messaging": "chat", "whatsapp": "chat", "facebook": "chat",
    "messenger": "chat", "sms": "chat", "instagram": "chat", "twitter": "chat", "live chat": "chat", "bot": "chat",
    "voice": "call", "phone": "call", "call": "call", "telephone": "call", "ivr": "call",
    "web": "ticket", "web form": "ticket", "portal": "ticket", "api": "ticket", "feedback widget": "ticket",
    "web_widget": "ticket", "ticket": "ticket", "form": "ticket", "help center": "ticket", "mobile": "ticket",
}
# Freshdesk API 'source' codes
FRESHDESK_SOURCES = {1: "email", 2: "ticket", 3: "call", 7: "chat", 9: "ticket", 10: "email"}
FRESHDESK_STATUS = {2: "open", 3: "pending", 4: "resolved", 5: "closed"}


def channel_of(value: Any, default: str = "ticket") -> str:
    if value is None or value == "":
        return default
    if isinstance(value, int) and not isinstance(value, bool):
        return FRESHDESK_SOURCES.get(value, default)
    v = str(value).strip().lower()
    if v.isdigit():
        return FRESHDESK_SOURCES.get(int(v), default)
    if v in _CHANNELS:
        return _CHANNELS[v]
    for key, ch in _CHANNELS.items():
        if key in v:
            return ch
    return default


def clean_email(value: Any) -> str | None:
    """'Maria Garcia <Maria.Garcia@Example.com>' -> 'maria.garcia@example.com' (voc.identifiers, the one
    e-mail normalisation; never Gmail-folded: the column keeps the address as written, in lower case)."""
    return normalise_email(value, gmail=False)


def clean_str(value: Any) -> str | None:
    """Trimmed text, None when missing or blank, 123.0 -> '123' (voc.identifiers.normalise_id)."""
    return normalise_id(value)


def clean_phone(value: Any) -> str | None:
    s = clean_str(value)
    if s is None or sum(c.isdigit() for c in s) < 6:
        return None
    return s


def derived_id(prefix: str, source_file: str, location: str) -> str:
    """A stable id for a record without one: same file path and location -> same id."""
    h = hashlib.sha1(f"{source_file}#{location}".encode("utf-8")).hexdigest()[:12]
    return f"{prefix}-{h}"


class Warnings:
    """Collects field-level warnings (level 'field': the record is kept) while a record is built."""

    def __init__(self, file: Path | str) -> None:
        self.file = str(file)
        self.items: list[Reject] = []

    def ts(self, value: Any, location: str):  # -> datetime | None
        try:
            return parse_timestamp(value)
        except ValueError:
            self.items.append(Reject.of(Errors.E010, file=self.file, location=location, level="field", value=value))
            return None

    def drain(self) -> Iterator[Reject]:
        items, self.items = self.items, []
        yield from items


def mapped_contact(get: Callable[[str], Any], loc: str, warn: Warnings, *, source: str,
                   source_format: str | None = None) -> dict[str, Any]:
    """The contact fields of a ticket whose columns were mapped to canonical names (CSV exports and
    generic JSON tickets): ``get(field)`` returns the raw value or None."""
    contact = {
        "contact_id": clean_str(get("contact_id")),
        "channel": channel_of(get("channel"), "ticket"),
        "customer_id": get("customer_id"),
        "email": clean_email(get("email")),
        "phone": get("phone"),
        "created_at": warn.ts(get("created_at"), loc),
        "closed_at": warn.ts(get("closed_at"), loc),
        "status": get("status"),
        "subject": get("subject"),
        "language": get("language"),
        "source_record": loc,
        "_source": source,
    }
    if source_format is not None:
        contact["source_format"] = source_format
    return contact


def dict_records(path: Path | str, items: Iterable[tuple[str, Any]],
                 build: Callable[[dict[str, Any], str, Warnings], Any], warn: Warnings | None = None) -> Iterator[Any]:
    """The per-record loop of the JSON conversation readers: each (location, item) that is an object
    becomes ``build(item, location, warnings)`` followed by its field warnings; anything else is an
    E009 contact-level reject naming the location."""
    warn = warn or Warnings(path)
    for loc, item in items:
        if not isinstance(item, dict):
            yield Reject.of(Errors.E009, file=str(path), location=loc, level="contact", detail=f"found {type(item).__name__}")
            continue
        rec = build(item, loc, warn)
        yield from warn.drain()
        yield rec


def message(role: str, text: str, *, speaker: Any = None, timestamp=None, start_s: float | None = None,
            end_s: float | None = None, source_record: str | None = None) -> dict[str, Any]:
    return {"role": role, "speaker": clean_str(speaker), "timestamp": timestamp, "text": text,
            "start_s": start_s, "end_s": end_s, "source_record": source_record}


def line_of(text: str, pos: int) -> tuple[int, int]:
    line = text.count("\n", 0, pos) + 1
    col = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return line, col


_ARRAY_KEYS = re.compile(r'"(tickets|conversations|results|segments|utterances|data|items|records|dialogues|messages)"\s*:\s*\[')


def load_json(text: str, file: Path | str) -> tuple[Any, list[Any] | None, Reject | None, str]:
    """Parse JSON; on damage salvage the complete records of the main array before it.

    Returns (document or None, salvaged records or None, E006 reject or None, array key)."""
    try:
        return json.loads(text), None, None, ""
    except json.JSONDecodeError as err:
        first_err = err
    dec = json.JSONDecoder()
    stripped = text.lstrip()
    offset = len(text) - len(stripped)
    key = ""
    if stripped.startswith("["):
        pos = offset + 1
    else:
        m = _ARRAY_KEYS.search(text)
        if not m:
            return None, None, _json_reject(file, text, first_err.pos, first_err.msg), key
        key, pos = m.group(1), m.end()
    items: list[Any] = []
    n = len(text)
    while True:
        while pos < n and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= n:
            err_pos, msg = n, "unexpected end of file"
            break
        if text[pos] == "]":
            err_pos, msg = first_err.pos, first_err.msg
            break
        try:
            obj, pos = dec.raw_decode(text, pos)
        except json.JSONDecodeError as e:
            err_pos, msg = e.pos, e.msg
            break
        items.append(obj)
    return None, items, _json_reject(file, text, err_pos, msg, n_kept=len(items)), key


def _json_reject(file: Path | str, text: str, pos: int, msg: str, n_kept: int = 0) -> Reject:
    line, col = line_of(text, min(pos, len(text)))
    return Reject.of(Errors.E006, file=file, location=f"line {line} column {col}", level="file",
                     detail=f"{msg} ({n_kept} complete records before it were read)")


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        for k in ("data", "items", "comments", "conversations", "conversation_parts", "messages"):
            if isinstance(value.get(k), list):
                return value[k]
    return [value]
