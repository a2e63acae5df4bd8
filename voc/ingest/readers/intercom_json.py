"""Chat conversations as Intercom's API returns them: ``{"conversations": [...]}``, a list, or
one conversation. The opening message is ``source`` (with ``author``), replies are
``conversation_parts`` (a list, or ``{"conversation_parts": [...]}``). Author types: user, lead,
contact -> customer; admin, teammate -> agent; bot -> bot. ``note`` parts are internal notes
(role system). State changes without a body (assignment, open, close, snoozed) are not messages.
Bodies are HTML and converted to text; ``created_at`` is epoch seconds."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

from voc import registry
from voc.config import IngestConfig
from voc.errors import Errors
from voc.ingest.base import Item, Record, Reject
from voc.ingest.common import Warnings, as_list, clean_str, dict_records, load_json, message
from voc.ingest.html_text import html_to_text
from voc.ingest.json_stream import json_list, salvage
from voc.ingest.source import Source

AUTHOR_ROLES = {"user": "customer", "lead": "customer", "contact": "customer", "visitor": "customer",
                "admin": "agent", "teammate": "agent", "team": "agent", "bot": "bot", "operator": "bot"}
MESSAGE_PARTS = {"comment", "note", "quick_reply", "conversation_rating_remark_added"}


def _role(author: Any) -> str:
    if not isinstance(author, dict):
        return "customer"
    return AUTHOR_ROLES.get(str(author.get("type", "")).lower(), "agent")


@registry.readers.register("intercom_json")
class IntercomJsonReader:
    name = "intercom_json"
    extensions = (".json",)

    def sniff(self, path: Path, head: str) -> float:
        if not head.lstrip().startswith(("{", "[")):
            return 0.0
        if '"conversation_parts"' in head:
            return 0.97
        if '"type": "conversation"' in head or '"type":"conversation"' in head:
            return 0.9
        if '"conversations"' in head and '"author"' in head and '"admin"' in head:
            return 0.8
        return 0.0

    def read(self, path: Path, text: str, config: IngestConfig) -> Iterator[Item]:
        yield from self.read_source(path, Source.of_text(text, path), config)

    def read_source(self, path: Path, source: Source, config: IngestConfig) -> Iterator[Item]:
        """A list of conversations (top level, or under 'conversations' / 'data') is streamed."""
        listed = json_list(source, ("conversations", "data"), single=("id", "source", "conversation_parts"))
        if listed is None:
            yield from self._whole(path, source.text(), config)
            return
        n = 0
        located = ((f"record {i}", conv) for i, conv in enumerate(listed[1], 1))
        warn = Warnings(path)
        for got in salvage(path, source, located):
            if isinstance(got, Reject):
                yield got
                return
            n += 1
            yield from dict_records(path, [got], _conversation, warn)
        if n == 0:
            yield Reject.of(Errors.E018, file=path, location="file", level="file", detail="no conversations")

    def _whole(self, path: Path, text: str, config: IngestConfig) -> Iterator[Item]:
        doc, salvaged, damage, _ = load_json(text, path)
        if salvaged is not None:
            convs = salvaged
        elif isinstance(doc, dict) and isinstance(doc.get("conversations"), list):
            convs = doc["conversations"]
        elif isinstance(doc, dict) and isinstance(doc.get("data"), list):
            convs = doc["data"]
        elif isinstance(doc, list):
            convs = doc
        elif isinstance(doc, dict):
            convs = [doc]
        else:
            convs = []
        if not convs and damage is None:
            yield Reject.of(Errors.E018, file=path, location="file", level="file", detail="no conversations")
            return
        yield from dict_records(path, ((f"record {i}", conv) for i, conv in enumerate(convs, 1)), _conversation)
        if damage is not None:
            yield damage


def _conversation(conv: dict[str, Any], loc: str, warn: Warnings) -> Record:
    source = conv.get("source") or {}
    author = source.get("author") or {}
    contacts = as_list((conv.get("contacts") or {}).get("contacts") if isinstance(conv.get("contacts"), dict)
                       else conv.get("contacts"))
    first_contact = contacts[0] if contacts and isinstance(contacts[0], dict) else {}
    customer = author if _role(author) == "customer" else {}
    stats = conv.get("statistics") or {}
    attrs = conv.get("custom_attributes") or {}
    created = warn.ts(conv.get("created_at") or source.get("created_at"), loc)
    channel = ("email" if str(source.get("type", "")).lower() == "email"
               or source.get("delivered_as") == "customer_initiated_email" else "chat")
    contact = {
        "contact_id": clean_str(conv.get("id")),
        "channel": channel,
        "customer_id": first_contact.get("external_id") or customer.get("external_id") or attrs.get("customer_id"),
        "email": customer.get("email") or first_contact.get("email"),
        "phone": customer.get("phone") or first_contact.get("phone"),
        "created_at": created,
        "closed_at": None,
        "status": conv.get("state") or ("open" if conv.get("open") else ("closed" if conv.get("open") is False else None)),
        "subject": html_to_text(source.get("subject")) or conv.get("title"),
        "language": attrs.get("language") or attrs.get("Language"),
        "source_record": loc,
        "source_format": "intercom_json",
        "_source": "intercom",
    }
    msgs = [message(_role(author), html_to_text(source.get("body")), speaker=author.get("name") or author.get("email"),
                    timestamp=created, source_record=f"{loc} source")]
    parts = conv.get("conversation_parts")
    parts = parts.get("conversation_parts") if isinstance(parts, dict) else parts
    last_close = None
    for j, p in enumerate(parts or [], 1):
        mloc = f"{loc} part {j}"
        if not isinstance(p, dict):
            msgs.append(message("system", "", source_record=mloc))
            continue
        kind = str(p.get("part_type", "comment")).lower()
        ts = warn.ts(p.get("created_at"), mloc)
        if kind == "close":
            last_close = ts
        body = html_to_text(p.get("body"))
        if kind not in MESSAGE_PARTS and not body:
            continue  # a state change (assignment, open, close, snooze), not a message
        a = p.get("author") or {}
        role = "system" if kind == "note" else _role(a)
        msgs.append(message(role, body, speaker=a.get("name") or a.get("email") or a.get("type"), timestamp=ts,
                            source_record=mloc))
    if contact["status"] == "closed" or stats.get("last_close_at"):
        contact["closed_at"] = warn.ts(stats.get("last_close_at"), loc) or last_close
    return Record(contact, msgs)
