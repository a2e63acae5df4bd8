"""Speaker turns of a call (from .txt, WebVTT, SRT or diarized JSON) -> one Record.

Consecutive pieces by the same speaker (subtitle cues, diarization segments) are merged into
one turn; pieces with no speaker continue the previous speaker's turn. Roles come from
voc.ingest.roles.assign_roles (config ``speaker_roles``, built-in labels, then the greeting
heuristic); the raw label is kept in ``speaker``."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from voc.config import IngestConfig
from voc.ingest.base import Record
from voc.ingest.common import message


@dataclass
class Piece:
    label: str | None
    text: str
    location: str
    start_s: float | None = None
    end_s: float | None = None
    timestamp: datetime | None = None
    role: str | None = None  # when the source states it (e.g. 'Maria (Customer):')


def merge(pieces: list[Piece], *, join: str = " ") -> list[Piece]:
    out: list[Piece] = []
    for p in pieces:
        if out and (p.label is None or p.label == out[-1].label) and (p.role is None or p.role == out[-1].role):
            last = out[-1]
            last.text = f"{last.text}{join}{p.text}".strip() if p.text else last.text
            if p.end_s is not None:
                last.end_s = p.end_s
            last.location = _span(last.location, p.location)
            continue
        if p.label is None:
            out.append(Piece(None, p.text, p.location, p.start_s, p.end_s, p.timestamp))
            continue
        out.append(Piece(p.label, p.text, p.location, p.start_s, p.end_s, p.timestamp, p.role))
    return out


_NAME_TS = re.compile(r"(?<!\d)(20\d{2})-?(\d{2})-?(\d{2})(?:[T_ -]?(\d{2})[:h.-]?(\d{2})(?:[:m.-]?(\d{2}))?)?(?!\d)")


def date_from_name(path: Path) -> datetime | None:
    """'call_20260131_142.srt' -> 2026-01-31 00:00 UTC; 'rec-2026-01-31_14-05-09.vtt' -> 14:05:09.
    Call platforms name recordings by their start; subtitle formats have no header to say it."""
    m = _NAME_TS.search(path.stem)
    if not m:
        return None
    y, mo, d, hh, mm, ss = (int(g) if g else 0 for g in m.groups())
    try:
        return datetime(y, mo, d, hh, mm, ss, tzinfo=timezone.utc)
    except ValueError:
        return None


def _span(a: str, b: str) -> str:
    """'line 5' + 'line 7' -> 'line 5-7'; 'cue 3-4' + 'cue 6' -> 'cue 3-6'."""
    ua, _, na = a.rpartition(" ")
    ub, _, nb = b.rpartition(" ")
    if ua == ub and na and nb:
        return f"{ua} {na.split('-')[0]}-{nb.split('-')[-1]}"
    return a


def labelled(pieces: list[Piece]) -> bool:
    return any(p.label for p in pieces)


def call_record(pieces: list[Piece], config: IngestConfig, contact: dict[str, Any], *, base: datetime | None = None,
                path: Path | None = None) -> Record:
    """``contact`` holds what the file says about the call (id, customer, created_at...). When the
    file states no start time, a date-time in the file name is used (see ``date_from_name``)."""
    from voc.ingest.roles import assign_roles

    turns = merge(pieces)
    # leading unlabeled text (before the first speaker) goes to the first speaker
    if turns and turns[0].label is None and len(turns) > 1:
        turns[1].text = f"{turns[0].text} {turns[1].text}"
        turns[1].start_s = turns[0].start_s if turns[0].start_s is not None else turns[1].start_s
        turns = turns[1:]
    stated = {t.label: t.role for t in turns if t.label and t.role}
    roles = assign_roles([(t.label, t.text) for t in turns if t.label and t.label not in stated], config)
    roles.update(stated)
    base = base or contact.get("created_at")
    if base is None and path is not None:
        base = date_from_name(path)
        contact["created_at"] = base
    msgs = []
    for t in turns:
        ts = t.timestamp
        if ts is None and base is not None and t.start_s is not None:
            ts = base + timedelta(seconds=t.start_s)
        msgs.append(message(roles.get(t.label or "", "customer"), t.text, speaker=t.label, timestamp=ts,
                            start_s=t.start_s, end_s=t.end_s, source_record=t.location))
    contact.setdefault("channel", "call")
    if contact.get("created_at") is None:
        stamps = [m["timestamp"] for m in msgs if m["timestamp"] is not None]
        contact["created_at"] = min(stamps) if stamps else None
    if contact.get("closed_at") is None and base is not None:
        ends = [t.end_s for t in turns if t.end_s is not None]
        if ends:
            contact["closed_at"] = base + timedelta(seconds=max(ends))
    return Record(contact, msgs)
