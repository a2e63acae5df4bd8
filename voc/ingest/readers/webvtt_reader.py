"""Call transcripts as WebVTT (parsed with webvtt-py). Speakers come from voice spans
``<v Agent Dana>`` (several per cue are split), else from an 'Agent:' / '[Agent]' prefix in the
cue text. Consecutive cues of one speaker form one turn; locations are 'cue N' / 'cue N-M'.
An optional ``NOTE`` block of 'Key: value' lines carries call metadata (call id, date,
customer id, email, phone), as in the txt reader."""
from __future__ import annotations

import html
import io
import re
from pathlib import Path
from typing import Any, Iterator

from voc import registry
from voc.config import IngestConfig
from voc.errors import Errors
from voc.ingest.base import Item, Reject
from voc.ingest.common import Warnings, channel_of, clean_str
from voc.ingest.readers.transcript_txt import _META_KEYS
from voc.ingest.columns import norm
from voc.ingest.timestamps import parse_clock
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
        import webvtt
        from webvtt.errors import MalformedFileError

        try:
            captions = list(webvtt.from_buffer(io.StringIO(text.lstrip("\ufeff"))))
        except (MalformedFileError, ValueError) as e:
            yield Reject.of(Errors.E011, file=path, location="file", level="file", detail=f"not a valid WebVTT file: {e}")
            return
        pieces: list[Piece] = []
        for n, cap in enumerate(captions, 1):
            start, end = parse_clock(cap.start), parse_clock(cap.end)
            raw = cap.raw_text
            spans = _VOICE.split(raw)
            loc = f"cue {n}"
            if len(spans) > 1:
                lead = _clean(spans[0])
                if lead:
                    pieces.append(Piece(None, lead, loc, start, end))
                for label, body in zip(spans[1::2], spans[2::2]):
                    pieces.append(Piece(label.strip(), _clean(body), loc, start, end))
            else:
                label, body = speaker_prefix(_clean(raw), config)
                pieces.append(Piece(label, body, loc, start, end))
        if not any(p.label for p in pieces):
            yield Reject.of(Errors.E014, file=path, location="file", level="file")
            return
        warn = Warnings(path)
        contact = pieces_to_contact(path, _meta(text), warn)
        rec = call_record(pieces, config, contact, path=path)
        yield from warn.drain()
        yield rec


def _clean(text: str) -> str:
    return html.unescape(_TAG.sub("", text)).replace("\n", " ").strip()
