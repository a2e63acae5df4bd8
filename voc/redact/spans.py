"""Detected spans and how overlapping detections are resolved.

A ``Span`` is a half-open character range ``[start, end)`` of the *original* text with an
entity label (EMAIL, PHONE, CARD, IBAN, URL, IP, PERSON, ADDRESS, ...) and the detector that found it.
Pattern detectors are precise and checksum-validated, so their spans win over name spans;
within a kind the longest span wins. Name spans that overlap a pattern span are trimmed to
what lies outside it (spaCy likes to swallow an email into a PERSON or ORG entity), never
dropped whole, so the name part is still redacted.
"""
from __future__ import annotations

from typing import Iterable, NamedTuple

PATTERN_SOURCES = ("pattern",)
_EDGE = " \t\r\n.,;:!?'\"()[]{}<>-–—/\\|*_~`"


class Span(NamedTuple):
    start: int
    end: int
    label: str
    source: str = "pattern"   # pattern | ner | cue | known

    @property
    def length(self) -> int:
        return self.end - self.start


def _overlaps(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def _subtract(span: Span, blockers: list[Span], text: str) -> list[Span]:
    """The pieces of ``span`` outside every blocker, stripped of edge punctuation, keeping letters only."""
    pieces = [(span.start, span.end)]
    for b in blockers:
        nxt = []
        for s, e in pieces:
            if b.end <= s or b.start >= e:
                nxt.append((s, e))
                continue
            if s < b.start:
                nxt.append((s, b.start))
            if b.end < e:
                nxt.append((b.end, e))
        pieces = nxt
    out = []
    for s, e in pieces:
        while s < e and text[s] in _EDGE:
            s += 1
        while e > s and text[e - 1] in _EDGE:
            e -= 1
        if e > s and any(c.isalpha() for c in text[s:e]):
            out.append(Span(s, e, span.label, span.source))
    return out


def resolve(text: str, spans: Iterable[Span], protected: Iterable[Span] = (), keep: Iterable[Span] = ()) -> list[Span]:
    """Non-overlapping spans sorted by start.

    Order of precedence: pattern spans (longest first), then name spans (longest first),
    which are trimmed around pattern spans. ``protected`` ranges (placeholders already in
    the text) are never redacted again: a pattern span touching one is dropped, a name span
    is trimmed around it. ``keep`` ranges (brand, product and company names) only block name
    spans, which are trimmed around them.
    """
    protected = sorted(protected)
    patterns = sorted((s for s in spans if s.source in PATTERN_SOURCES), key=lambda s: (-s.length, s.start))
    names = sorted((s for s in spans if s.source not in PATTERN_SOURCES), key=lambda s: (-s.length, s.start))
    chosen: list[Span] = []
    for s in patterns:
        if s.end <= s.start:
            continue
        if any(_overlaps(s, p) for p in protected) or any(_overlaps(s, c) for c in chosen):
            continue
        chosen.append(s)
    blockers = chosen + list(protected) + list(keep)
    for s in names:
        for piece in _subtract(s, blockers, text):
            if not any(_overlaps(piece, c) for c in chosen):
                chosen.append(piece)
                blockers.append(piece)
    return sorted(chosen)


def apply(text: str, spans: list[Span], placeholder: str) -> str:
    """Replace each (non-overlapping, sorted) span by the placeholder of its label."""
    if not spans:
        return text
    parts: list[str] = []
    pos = 0
    for s in spans:
        parts.append(text[pos:s.start])
        parts.append(placeholder.format(label=s.label))
        pos = s.end
    parts.append(text[pos:])
    return "".join(parts)
