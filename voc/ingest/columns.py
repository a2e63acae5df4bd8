"""Column aliasing for ticket exports (CSV, flat JSON): header -> canonical field.

Headers are compared normalised (case, spaces, punctuation ignored): 'Ticket ID', 'ticket_id'
and 'TicketId' are the same. ``ingest.columns`` in the config is checked before the built-ins."""
from __future__ import annotations

import re
from typing import Iterable

ALIASES: dict[str, list[str]] = {
    "contact_id": ["ticket id", "id", "ticket", "ticket number", "ticket no", "case id", "case number",
                   "conversation id", "contact id", "incident id", "request id", "chat id", "number"],
    "subject": ["subject", "title", "summary", "topic", "ticket subject"],
    "text": ["description", "body", "text", "message", "comment", "comment body", "content", "plain body",
             "description text", "details", "customer message", "question", "initial message", "first message",
             "comments", "note", "transcript", "public comment"],
    "customer_id": ["customer id", "customer", "customer number", "external id", "requester external id",
                    "user id", "client id", "account id", "crm id", "requester id", "contact id external"],
    "email": ["requester email", "email", "e mail", "contact email", "customer email", "from", "from email",
              "requester", "contact", "user email", "reporter email"],
    "phone": ["phone", "requester phone", "phone number", "contact phone", "customer phone", "mobile", "caller number"],
    "name": ["requester name", "name", "customer name", "contact name", "full name", "requester"],
    "status": ["status", "state", "ticket status"],
    "created_at": ["created at", "created time", "created", "creation date", "date created", "opened at",
                   "submitted at", "timestamp", "date", "created on", "open date"],
    "closed_at": ["resolved at", "closed time", "closed at", "solved at", "resolved time", "resolution date",
                  "closed", "closed date", "resolved", "solved"],
    "channel": ["channel", "source", "via", "medium", "origin", "ticket channel", "contact channel"],
    "language": ["language", "locale", "lang", "requester language"],
    # one row per comment exports
    "author_role": ["author role", "role", "author type", "sender type", "commenter role", "from role", "speaker role"],
    "author": ["author", "author name", "sender", "commenter", "speaker", "author email"],
    "comment_created_at": ["comment created at", "comment date", "comment time", "message created at", "sent at", "posted at"],
    "is_public": ["public", "is public", "visibility"],
}


def norm(header: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", str(header).lower().replace("\ufeff", "")).strip()


def resolve(headers: Iterable[str], overrides: dict[str, list[str]] | None = None) -> dict[str, str]:
    """Map canonical field -> the header that holds it. Each header is used for one field at most;
    config overrides first, then built-in aliases in their order of preference."""
    headers = [h for h in headers if h is not None]
    by_norm: dict[str, str] = {}
    for h in headers:
        by_norm.setdefault(norm(h), h)
    used: set[str] = set()
    out: dict[str, str] = {}
    for field, names in (overrides or {}).items():
        for name in names:
            h = by_norm.get(norm(name))
            if h is not None and h not in used:
                out[field] = h
                used.add(h)
                break
    for field, names in ALIASES.items():
        if field in out:
            continue
        for name in names:
            h = by_norm.get(norm(name))
            if h is not None and h not in used:
                out[field] = h
                used.add(h)
                break
    return out
