"""E-mails as .eml (RFC 822/MIME, parsed with the standard library ``email`` package): one
contact per file, channel 'email', the sender is the customer. The plain-text part is preferred
(HTML is converted); quoted replies ('> ...', 'On <date>, <name> wrote:', Outlook's
'-----Original Message-----' / 'From: ... Sent:' blocks) and the signature after '-- ' are cut."""
from __future__ import annotations

import email
import re
from email import policy
from email.utils import getaddresses
from pathlib import Path
from typing import Iterator

from voc import registry
from voc.config import IngestConfig
from voc.errors import Errors
from voc.ingest.base import Item, Record, Reject
from voc.ingest.common import Warnings, clean_str, message
from voc.ingest.html_text import html_to_text

_HEADER = re.compile(r"^(From|To|Subject|Date|Message-ID|Received|Return-Path|MIME-Version|Delivered-To|Reply-To):", re.I | re.M)
_CUT = [
    re.compile(r"^\s*On\b[^\n]{0,200}(\n[^\n]{0,200})?\bwrote:\s*$", re.M),
    re.compile(r"^\s*-{2,}\s*Original Message\s*-{2,}\s*$", re.M | re.I),
    re.compile(r"^\s*From:\s.*\n\s*(Sent|Date):\s", re.M),
    re.compile(r"^\s*_{10,}\s*$", re.M),
    re.compile(r"^-- ?$", re.M),
    re.compile(r"^\s*Sent from my (iPhone|iPad|Android|Galaxy|mobile)", re.M | re.I),
]


def strip_quoted(text: str) -> str:
    cut = len(text)
    for pat in _CUT:
        m = pat.search(text)
        if m and m.start() > 0:
            cut = min(cut, m.start())
    body = text[:cut]
    return "\n".join(ln for ln in body.splitlines() if not ln.lstrip().startswith(">")).strip()


@registry.readers.register("email")
class EmailReader:
    name = "email"
    extensions = (".eml", ".msg.txt")

    def sniff(self, path: Path, head: str) -> float:
        headers = {m.group(1).lower() for m in _HEADER.finditer(head[:4096])}
        if path.suffix.lower() == ".eml":
            return 0.95
        if {"from", "subject"} <= headers and len(headers) >= 3:
            return 0.8
        return 0.0

    def read(self, path: Path, text: str, config: IngestConfig) -> Iterator[Item]:
        msg = email.message_from_string(text, policy=policy.default)
        if not msg.keys():
            yield Reject.of(Errors.E020, file=path, location="file", level="file", fmt="e-mail (.eml)",
                            detail="no e-mail headers found")
            return
        warn = Warnings(path)
        sender = getaddresses([str(msg.get("From", ""))])
        name, addr = sender[0] if sender else ("", "")
        body_part = msg.get_body(preferencelist=("plain", "html"))
        body = ""
        if body_part is not None:
            try:
                content = body_part.get_content()
            except (LookupError, ValueError):  # unknown charset or broken transfer encoding
                content = body_part.get_payload(decode=True) or b""
                content = content.decode("utf-8", "replace") if isinstance(content, bytes) else str(content)
            body = html_to_text(content) if body_part.get_content_type() == "text/html" else str(content)
        created = warn.ts(msg.get("Date"), "header Date")
        contact = {
            "contact_id": clean_str((msg.get("Message-ID") or "").strip().strip("<>")),
            "channel": "email",
            "customer_id": clean_str(msg.get("X-Customer-ID")),
            "email": addr,
            "phone": None,
            "created_at": created,
            "subject": clean_str(msg.get("Subject")),
            "language": clean_str(msg.get("Content-Language")),
            "status": None,
            "source_record": "file",
            "_source": "email",
        }
        yield from warn.drain()
        yield Record(contact,
                     [message("customer", strip_quoted(body), speaker=name or addr, timestamp=created, source_record="body")])
