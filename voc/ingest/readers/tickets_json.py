"""Ticket exports as JSON or JSON Lines, in the shapes help-desk APIs return them:

Zendesk  ``{"tickets": [...], "users": [...]}`` (users sideloaded with ``?include=users``); a
         ticket may carry its ``comments`` (author_id, public, body/plain_body/html_body, via).
         The requester is the author whose id is the ticket's ``requester_id``; other public
         comments are the agent's, private ones internal notes (role ``system``).
Freshdesk a list of tickets (``description_text``, ``requester``, numeric ``status``/``source``)
         with ``conversations`` (``incoming`` true = customer, ``private`` = internal note).
generic  flat objects whose keys go through the same column aliases as CSV exports.
JSONL    one ticket of any of these shapes per line; a bad line is rejected (E016), the rest read.

Large exports are streamed: JSON Lines line by line, a JSON array of tickets (top level, or under
``tickets`` / ``data`` / ``results``) item by item with the ``ijson`` parser, so memory does not
grow with the file. Zendesk's sideloaded ``users`` are read first in a pass of their own. A damaged
array keeps the tickets before the damage (E006, located by line and column).
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Iterator

from voc import registry
from voc.config import IngestConfig
from voc.errors import Errors
from voc.ingest.base import Item, Record, Reject
from voc.ingest.columns import ALIASES, resolve
from voc.ingest.common import FRESHDESK_STATUS, Warnings, as_list, channel_of, clean_str, load_json, mapped_contact, message
from voc.ingest.html_text import html_to_text
from voc.ingest.json_stream import items, json_list, salvage
from voc.ingest.source import Source

_TEXT_KEY = re.compile(r'"(' + "|".join(re.escape(a).replace(r"\ ", "[ _]?") for a in ALIASES["text"]) + r')"\s*:', re.I)
_ZENDESK_KEYS = ('"requester_id"', '"via"', '"submitter_id"', '"assignee_id"')
_FRESHDESK_KEYS = ('"description_text"', '"incoming"', '"responder_id"', '"fr_escalated"', '"to_emails"')


@registry.readers.register("tickets_json")
class TicketsJsonReader:
    name = "tickets_json"
    extensions = (".json", ".jsonl", ".ndjson")

    def sniff(self, path: Path, head: str) -> float:
        ext = path.suffix.lower()
        h = head.lstrip()
        if not h.startswith(("{", "[")):
            return 0.0
        score = 0.0
        if '"tickets"' in head or any(k in head for k in _FRESHDESK_KEYS):
            score = 0.95
        elif any(k in head for k in _ZENDESK_KEYS):
            score = 0.85
        elif '"subject"' in head and any(k in head for k in ('"description"', '"body"', '"text"', '"comments"')):
            score = 0.6
        elif _TEXT_KEY.search(head):
            score = 0.5 if ext in (".jsonl", ".ndjson") else 0.4
        return score

    def read(self, path: Path, text: str, config: IngestConfig) -> Iterator[Item]:
        yield from self.read_source(path, Source.of_text(text, path), config)

    def read_source(self, path: Path, source: Source, config: IngestConfig) -> Iterator[Item]:
        if path.suffix.lower() in (".jsonl", ".ndjson") or _looks_jsonl(source.head):
            yield from self._jsonl(path, source, config)
            return
        listed = json_list(source, ("tickets", "data", "results"), single=("ticket", "subject", "description", "id"))
        if listed is None:
            yield from self._whole(path, source.text(), config)
            return
        key, tickets = listed
        users = _users(source) if key == "tickets" else {}
        warn = Warnings(path)
        n = 0
        for got in salvage(path, source, ((f"record {i}", t) for i, t in enumerate(tickets, 1))):
            if isinstance(got, Reject):
                yield got
                return
            n += 1
            loc, t = got
            yield from ticket_record(path, t, loc, config, warn, users)
        if n == 0:
            yield Reject.of(Errors.E018, file=path, location="file", level="file", detail="the list of records is empty")

    def _whole(self, path: Path, text: str, config: IngestConfig) -> Iterator[Item]:
        doc, salvaged, damage, _ = load_json(text, path)
        users: dict[Any, dict[str, Any]] = {}
        if salvaged is not None:
            tickets = salvaged
        elif isinstance(doc, dict) and isinstance(doc.get("tickets"), list):
            tickets = doc["tickets"]
            users = {u.get("id"): u for u in doc.get("users") or [] if isinstance(u, dict)}
        elif isinstance(doc, dict) and isinstance(doc.get("ticket"), dict):
            tickets = [doc["ticket"]]
            users = {u.get("id"): u for u in doc.get("users") or [] if isinstance(u, dict)}
        elif isinstance(doc, list):
            tickets = doc
        elif isinstance(doc, dict) and isinstance(doc.get("data") or doc.get("results"), list):
            tickets = doc.get("data") or doc.get("results")
        elif isinstance(doc, dict):
            tickets = [doc]
        else:
            tickets = []
        if not tickets and damage is None:
            yield Reject.of(Errors.E018, file=path, location="file", level="file",
                            detail=f"top level is {type(doc).__name__}")
            return
        warn = Warnings(path)
        for i, t in enumerate(tickets, 1):
            yield from ticket_record(path, t, f"record {i}", config, warn, users)
        if damage is not None:
            yield damage

    def _jsonl(self, path: Path, source: Source, config: IngestConfig) -> Iterator[Item]:
        warn = Warnings(path)
        for n, line in enumerate(source.lines(), 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as e:
                yield Reject.of(Errors.E016, file=path, location=f"line {n}", level="contact",
                                detail=f"{e.msg} at column {e.colno}")
                continue
            for r in ticket_record(path, obj, f"line {n}", config, warn, {}):
                if isinstance(r, Record):
                    r.contact["source_format"] = f"{r.contact['_source']}_jsonl"
                yield r


def _users(source: Source) -> dict[Any, dict[str, Any]]:
    """Zendesk's sideloaded users (``?include=users``), wherever they are in the file."""
    import ijson

    try:
        return {u.get("id"): u for u in items(source, "users.item") if isinstance(u, dict)}
    except ijson.JSONError:  # damaged: the tickets before the damage are read without them, as the whole-text salvage does
        return {}


def _looks_jsonl(text: str) -> bool:
    lines = [ln for ln in text.lstrip().splitlines()[:3] if ln.strip()]
    if len(lines) < 2 or not lines[0].lstrip().startswith("{"):
        return False
    try:
        json.loads(lines[0])
        return True
    except json.JSONDecodeError:
        return False


def shape_of(t: dict[str, Any]) -> str:
    if "conversations" in t or "description_text" in t or isinstance(t.get("source"), int) or "responder_id" in t:
        return "freshdesk"
    if "via" in t or "requester_id" in t or "submitter_id" in t:
        return "zendesk"
    return "generic"


def ticket_record(path: Path, t: Any, loc: str, config: IngestConfig, warn: Warnings,
                  users: dict[Any, dict[str, Any]]) -> Iterator[Item]:
    if not isinstance(t, dict):
        yield Reject.of(Errors.E009, file=path, location=loc, level="contact", detail=f"found {type(t).__name__}")
        return
    shape = shape_of(t)
    if shape == "zendesk":
        rec = _zendesk(t, loc, warn, users)
    elif shape == "freshdesk":
        rec = _freshdesk(t, loc, warn)
    else:
        rec = _generic(t, loc, warn, config)
        if rec is None:
            yield Reject.of(Errors.E007, file=path, location=loc, level="contact",
                            missing="['text'] (e.g. description, body, message)", present=", ".join(map(repr, t.keys())))
            return
    yield from warn.drain()
    yield rec


def _zendesk(t: dict[str, Any], loc: str, warn: Warnings, users: dict[Any, dict[str, Any]]) -> Record:
    rid = t.get("requester_id")
    via = t.get("via") or {}
    source_from = ((via.get("source") or {}).get("from") or {}) if isinstance(via, dict) else {}
    requester = t.get("requester") if isinstance(t.get("requester"), dict) else users.get(rid, {})
    metric = t.get("metric_set") or {}
    contact = {
        "contact_id": clean_str(t.get("id")),
        "channel": channel_of(via.get("channel") if isinstance(via, dict) else via, "ticket"),
        "customer_id": requester.get("external_id") or (t.get("custom_fields_map") or {}).get("customer_id"),
        "email": requester.get("email") or source_from.get("address") or t.get("recipient_email"),
        "phone": requester.get("phone") or source_from.get("phone") or source_from.get("formatted_phone"),
        "created_at": warn.ts(t.get("created_at"), loc),
        "closed_at": warn.ts(t.get("solved_at") or metric.get("solved_at") or t.get("closed_at"), loc),
        "status": t.get("status"),
        "subject": t.get("subject") or t.get("raw_subject"),
        "language": t.get("locale") or requester.get("locale"),
        "source_record": loc,
        "source_format": "zendesk_json",
        "_source": "zendesk",
        "tags": t.get("tags"),
    }
    comments = as_list(t.get("comments"))
    msgs: list[dict[str, Any]] = []
    if not comments:
        msgs.append(message("customer", _text(t.get("description")), speaker=requester.get("name") or rid,
                            timestamp=contact["created_at"], source_record=f"{loc} description"))
    for j, c in enumerate(comments, 1):
        mloc = f"{loc} comment {j}"
        if not isinstance(c, dict):
            msgs.append(message("system", "", source_record=mloc))
            continue
        author = c.get("author_id")
        user = users.get(author, {})
        if author is not None and author == rid:
            role = "customer"
        elif c.get("public") is False:
            role = "system"
        elif user.get("role") == "end-user":
            role = "customer"
        else:
            role = "agent"
        body = c.get("plain_body") or c.get("body") or html_to_text(c.get("html_body"))
        msgs.append(message(role, _text(body), speaker=user.get("name") or author,
                            timestamp=warn.ts(c.get("created_at"), mloc), source_record=mloc))
    return Record(contact, msgs)


def _freshdesk(t: dict[str, Any], loc: str, warn: Warnings) -> Record:
    req = t.get("requester") if isinstance(t.get("requester"), dict) else {}
    stats = t.get("stats") or {}
    status = t.get("status")
    custom = t.get("custom_fields") or {}
    contact = {
        "contact_id": clean_str(t.get("id")),
        "channel": channel_of(t.get("source"), "ticket"),
        "customer_id": custom.get("cf_customer_id") or custom.get("customer_id") or req.get("unique_external_id"),
        "email": req.get("email") or t.get("email"),
        "phone": req.get("phone") or req.get("mobile") or t.get("phone"),
        "created_at": warn.ts(t.get("created_at"), loc),
        "closed_at": warn.ts(stats.get("resolved_at") or stats.get("closed_at"), loc),
        "status": FRESHDESK_STATUS.get(status, status) if isinstance(status, int) else status,
        "subject": t.get("subject"),
        "language": t.get("language") or req.get("language"),
        "source_record": loc,
        "source_format": "freshdesk_json",
        "_source": "freshdesk",
        "tags": t.get("tags"),
    }
    name = req.get("name") or contact["email"]
    msgs = [message("customer", _text(t.get("description_text") or html_to_text(t.get("description"))), speaker=name,
                    timestamp=contact["created_at"], source_record=f"{loc} description")]
    for j, c in enumerate(as_list(t.get("conversations")), 1):
        mloc = f"{loc} conversation {j}"
        if not isinstance(c, dict):
            msgs.append(message("system", "", source_record=mloc))
            continue
        if c.get("private"):
            role = "system"
        elif c.get("incoming"):
            role = "customer"
        else:
            role = "agent"
        body = c.get("body_text") or html_to_text(c.get("body"))
        speaker = c.get("from_email") if role == "customer" else (c.get("user_id") or c.get("from_email"))
        msgs.append(message(role, _text(body), speaker=speaker, timestamp=warn.ts(c.get("created_at"), mloc), source_record=mloc))
    return Record(contact, msgs)


def _generic(t: dict[str, Any], loc: str, warn: Warnings, config: IngestConfig) -> Record | None:
    flat = {k: v for k, v in t.items() if not isinstance(v, (dict, list))}
    cols = resolve(flat.keys(), config.columns)
    if "text" not in cols and not isinstance(t.get("messages") or t.get("comments"), list):
        return None
    get = lambda f: flat.get(cols[f]) if f in cols else None  # noqa: E731
    contact = mapped_contact(get, loc, warn, source="tickets", source_format="tickets_json")
    msgs = []
    body = _text(get("text"))
    if body or not isinstance(t.get("messages") or t.get("comments"), list):
        msgs.append(message("customer", body, speaker=get("name") or contact["email"], timestamp=contact["created_at"],
                            source_record=loc))
    for j, m in enumerate(as_list(t.get("messages") or t.get("comments")), 1):
        mloc = f"{loc} message {j}"
        if not isinstance(m, dict):
            msgs.append(message("system", str(m) if isinstance(m, str) else "", source_record=mloc))
            continue
        from voc.ingest.roles import role_of

        role = role_of(m.get("role") or m.get("author_role") or m.get("author_type") or m.get("sender_type"),
                       config) or "customer"
        msgs.append(message(role, _text(m.get("text") or m.get("body") or m.get("message")),
                            speaker=m.get("author") or m.get("sender"),
                            timestamp=warn.ts(m.get("created_at") or m.get("timestamp"), mloc), source_record=mloc))
    return Record(contact, msgs)


def _text(value: Any) -> str:
    if value is None:
        return ""
    s = str(value)
    return html_to_text(s) if "<" in s and ">" in s else s.strip()
