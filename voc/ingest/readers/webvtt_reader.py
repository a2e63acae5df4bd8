"""Call transcripts as WebVTT (blocks parsed by voc.ingest.cues: a cue with a damaged timing line is
rejected with its number and line (E021), the others read; webvtt-py dropped such a cue silently
and merged its neighbours into one turn). Speakers come from voice spans
``<v Agent Dana>`` (several per cue are split), else from an 'Agent:' / '[Agent]' prefix in the
cue text. Consecutive cues of one speaker form one turn; locations are 'cue N' / 'cue N-M'.
An optional ``NOTE`` block of 'Key: value' lines carries call metadata (call id, date,
customer id, email, phone), as in the txt reader."""
from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any, Iterator

from voc import registry
from voc.config import IngestConfig
from voc.errors import Errors
from voc.ingest.base import Item, Reject
from voc.ingest.columns import norm
from voc.ingest.common import Warnings, channel_of, clean_str
from voc.ingest.cues import parse_cues
from voc.ingest.readers.transcript_txt import _META_KEYS
from voc.ingest.turns import Piece, call_record

_VOICE = re.compile(r"<v(?:\.[\w.\-]+)?\s+([^>]+)>")
_TAG = re.compile(r"</?[a-zA-Z][^>]*>|<\d{2}:[\d:.]+>")
_PREFIX = re.compile(r"^\s*(?:-\s*)?(?:\[(?P<b>[^\]]{1,40})\]|(?P<l>[A-Za-z][\w .'\-]{0,30}?)\s*:)\s*(?P<t>.*)$", re.S)


def speaker_prefix(text: str, config: IngestConfig) -> tuple[str | None, str]:
    """'Agent: hello' / '[Customer] hi' / '- Rep: ok' -> (label, text) when the label is a role
    or a mapped name, or is bracketed; otherwise (None, text)."""
    from voc.ingest.roles import role_of

    m = _PREFIX.match(text)
    if not m:
        return None, text
    label = (m.group("b") or m.group("l") or "").strip()
    if m.group("b") or role_of(label, config):
        return label, m.group("t").strip()
    if label and len(label.split()) <= 2 and label[0].isupper() and label.replace(" ", "").replace("_", "").isalnum():
        return label, m.group("t").strip()
    return None, text


def _meta(text: str) -> dict[str, str]:
    meta: dict[str, str] = {}
    for block in re.findall(r"(?ms)^NOTE\b(.*?)(?:\n\s*\n|\Z)", text):
        for line in block.splitlines():
            key, sep, value = line.partition(":")
            field = _META_KEYS.get(norm(key)) if sep else None
            if field and field != "_ignored":
                meta.setdefault(field, value.strip())
    return meta


def pieces_to_contact(path: Path, meta: dict[str, str], warn: Warnings) -> dict[str, Any]:
    return {
        "contact_id": clean_str(meta.get("contact_id")),
        "channel": channel_of(meta.get("channel"), "call"),
        "customer_id": meta.get("customer_id"),
        "email": meta.get("email"),
        "phone": meta.get("phone"),
        "created_at": warn.ts(meta.get("created_at"), "header") if meta.get("created_at") else None,
        "status": meta.get("status"),
        "subject": meta.get("subject"),
        "language": meta.get("language"),
        "source_record": "file",
        "_source": "calls",
    }


@registry.readers.register("webvtt")
class WebVttReader:
    name = "webvtt"
    extensions = (".vtt",)

    def sniff(self, path: Path, head: str) -> float:
        if head.lstrip("\ufeff").startswith("WEBVTT"):
            return 0.97
        return 0.6 if path.suffix.lower() in self.extensions else 0.0

    def read(self, path: Path, text: str, config: IngestConfig) -> Iterator[Item]:
        yield from read_cues(path, text, config, webvtt=True, meta=_meta(text))


def read_cues(path: Path, text: str, config: IngestConfig, *, webvtt: bool, meta: dict[str, str]) -> Iterator[Item]:
    """The record of a subtitle file (SRT or WebVTT) and a message-level reject per broken cue; when
    no cue can be read, one file-level reject (E020) that says so."""
    cues, broken = parse_cues(text, webvtt=webvtt)
    fmt = "WebVTT" if webvtt else "SRT"
    if not cues:
        detail = (f"none of its {len(broken)} cue(s) has a valid timing line" if broken else "it holds no cue")
        yield Reject.of(Errors.E020, file=path, location="file", level="file", fmt=fmt, detail=detail)
        return
    pieces: list[Piece] = []
    for cue in cues:
        loc = f"cue {cue.number}"
        spans = _VOICE.split(cue.text) if webvtt else [cue.text]
        if len(spans) > 1:
            lead = _clean(spans[0])
            if lead:
                pieces.append(Piece(None, lead, loc, cue.start_s, cue.end_s))
            for label, body in zip(spans[1::2], spans[2::2]):
                pieces.append(Piece(label.strip(), _clean(body), loc, cue.start_s, cue.end_s))
        else:
            label, body = speaker_prefix(_clean(cue.text), config)
            pieces.append(Piece(label, body, loc, cue.start_s, cue.end_s))
    if not any(p.label for p in pieces):
        yield Reject.of(Errors.E014, file=path, location="file", level="file")
        return
    warn = Warnings(path)
    rec = call_record(pieces, config, pieces_to_contact(path, meta, warn), path=path)
    for b in broken:
        yield Reject.of(Errors.E021, file=path, location=b.location, level="message", detail=b.problem)
    yield from warn.drain()
    yield rec


def _clean(text: str) -> str:
    return html.unescape(_TAG.sub("", text)).replace("\n", " ").strip()
