"""Diarized transcripts as speech-to-text services return them: a list of segments, or an object
with ``segments`` (WhisperX, pyannote), ``utterances`` (AssemblyAI, Deepgram) or ``results``,
each ``{speaker, start, end, text}`` (also ``speaker_label``, ``transcript``, ``start_time``...).
A list of such objects (each with its own segments) holds several calls.

Times in milliseconds (AssemblyAI) are recognised from the speech rate: fewer than 0.05 words
per time unit cannot be seconds. Speaker labels ('spk_0', 'A', 'SPEAKER_00', 0) get roles from
``ingest.speaker_roles``, else from the greeting heuristic of voc.ingest.roles.guess_agent; the
raw label is kept in ``speaker``. Top-level keys call_id/id, started_at/created_at/date,
customer_id, email, phone, language describe the call."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

from voc import registry
from voc.config import IngestConfig
from voc.errors import Errors
from voc.ingest.base import Item, Reject
from voc.ingest.common import Warnings, channel_of, clean_str, load_json
from voc.ingest.turns import Piece, call_record

SEG_KEYS = ("segments", "utterances", "results", "monologues", "turns")


def _segments(obj: Any) -> list[Any] | None:
    if isinstance(obj, dict):
        for k in SEG_KEYS:
            if isinstance(obj.get(k), list):
                return obj[k]
    return None


def _is_segment(x: Any) -> bool:
    return isinstance(x, dict) and any(k in x for k in ("speaker", "speaker_label", "spk", "speaker_id")) and \
        any(k in x for k in ("text", "transcript", "content", "words"))


@registry.readers.register("diarized_json")
class DiarizedJsonReader:
    name = "diarized_json"
    extensions = (".json",)

    def sniff(self, path: Path, head: str) -> float:
        if not head.lstrip().startswith(("{", "[")):
            return 0.0
        has_speaker = any(k in head for k in ('"speaker"', '"speaker_label"', '"spk"'))
        has_time = any(k in head for k in ('"start"', '"start_time"', '"startTime"', '"start_s"'))
        if has_speaker and has_time:
            return 0.92
        if has_speaker and any(f'"{k}"' in head for k in SEG_KEYS):
            return 0.85
        return 0.0

    def read(self, path: Path, text: str, config: IngestConfig) -> Iterator[Item]:
        doc, salvaged, damage, key = load_json(text, path)
        calls: list[tuple[str, dict[str, Any], list[Any]]] = []
        if salvaged is not None:
            calls = [("file", {}, salvaged)] if key in SEG_KEYS or (salvaged and _is_segment(salvaged[0])) else \
                [(f"record {i}", c, _segments(c) or []) for i, c in enumerate(salvaged, 1) if isinstance(c, dict)]
        elif isinstance(doc, list) and doc \
                and all(_is_segment(x) or not isinstance(x, dict) or _segments(x) is None for x in doc) \
                and any(_is_segment(x) for x in doc):
            calls = [("file", {}, doc)]
        elif isinstance(doc, list):
            for i, c in enumerate(doc, 1):
                if not isinstance(c, dict):
                    yield Reject.of(Errors.E009, file=path, location=f"record {i}", level="contact",
                                    detail=f"found {type(c).__name__}")
                    continue
                calls.append((f"record {i}", c, _segments(c) or []))
        elif isinstance(doc, dict) and _segments(doc) is not None:
            calls = [("file", doc, _segments(doc))]
        else:
            yield Reject.of(Errors.E018, file=path, location="file", level="file", detail="no segments/utterances list")
            return
        warn = Warnings(path)
        for loc, meta, segs in calls:
            rec = self._call(path, loc, meta, segs, config, warn)
            yield from warn.drain()
            if rec is not None:
                yield rec
        if damage is not None:
            yield damage

    def _call(self, path: Path, loc: str, meta: dict[str, Any], segs: list[Any], config: IngestConfig, warn: Warnings):  # noqa: ANN202
        prefix = "" if loc == "file" else f"{loc} "
        rows = []
        for j, s in enumerate(segs, 1):
            sloc = f"{prefix}segment {j}"
            if not isinstance(s, dict):
                rows.append((None, "", sloc, None, None))
                continue
            label = next((s[k] for k in ("speaker", "speaker_label", "spk", "speaker_id") if s.get(k) is not None), None)
            text = s.get("text") or s.get("transcript") or s.get("content")
            if text is None and isinstance(s.get("words"), list):
                text = " ".join(str(w.get("word") or w.get("text") or "") if isinstance(w, dict) else str(w) for w in s["words"])
            start = _num(next((s[k] for k in ("start", "start_time", "startTime", "start_s", "from") if k in s), None))
            end = _num(next((s[k] for k in ("end", "end_time", "endTime", "end_s", "to") if k in s), None))
            rows.append((None if label is None else str(label), str(text or "").strip(), sloc, start, end))
        scale = _time_scale(rows)
        pieces = [Piece(label, text, sloc, None if st is None else st * scale, None if en is None else en * scale)
                  for label, text, sloc, st, en in rows]
        if not any(p.label for p in pieces):
            yield_loc = "file" if loc == "file" else loc
            warn.items.append(Reject.of(Errors.E014, file=path, location=yield_loc, level="file" if loc == "file" else "contact"))
            return None
        created = warn.ts(next((meta[k] for k in ("started_at", "start_time", "created_at", "date", "timestamp")
                                if meta.get(k)), None), loc)
        contact = {
            "contact_id": clean_str(meta.get("call_id") or meta.get("id") or meta.get("conversation_id")),
            "channel": channel_of(meta.get("channel"), "call"),
            "customer_id": meta.get("customer_id"),
            "email": meta.get("email") or meta.get("customer_email"),
            "phone": meta.get("phone") or meta.get("caller") or meta.get("from"),
            "created_at": created,
            "status": meta.get("status"),
            "subject": meta.get("subject"),
            "language": meta.get("language") or meta.get("language_code"),
            "source_record": loc,
            "_source": "calls",
        }
        return call_record(pieces, config, contact, path=path if loc == "file" else None)


def _num(v: Any) -> float | None:
    try:
        return None if v is None else float(v)
    except (TypeError, ValueError):
        return None


def _time_scale(rows: list[tuple[Any, str, str, float | None, float | None]]) -> float:
    """1.0 for seconds, 0.001 for milliseconds (judged by the speech rate)."""
    words = sum(len(t.split()) for _, t, _, _, _ in rows)
    times = [x for _, _, _, s, e in rows for x in (s, e) if x is not None]
    if not times or words == 0:
        return 1.0
    span = max(times) - min(min(times), 0)
    if span <= 0:
        return 1.0
    return 0.001 if words / span < 0.05 else 1.0
