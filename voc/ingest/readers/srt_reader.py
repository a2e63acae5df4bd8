"""Call transcripts as SRT subtitles (parsed with the ``srt`` package). The speaker of a cue is
an 'Agent:' prefix or a '[Customer]' tag; cues without one continue the previous speaker.
Consecutive cues of one speaker form one turn; locations are 'cue N' (the SRT index)."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

from voc import registry
from voc.config import IngestConfig
from voc.errors import Errors
from voc.ingest.base import Item, Reject
from voc.ingest.common import Warnings
from voc.ingest.readers.webvtt_reader import _clean, pieces_to_contact, speaker_prefix
from voc.ingest.turns import Piece, call_record

_SRT_HEAD = re.compile(r"^\s*\d+\s*\r?\n\s*\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}\s*-->\s*\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}")


@registry.readers.register("srt")
class SrtReader:
    name = "srt"
    extensions = (".srt",)

    def sniff(self, path: Path, head: str) -> float:
        if _SRT_HEAD.match(head.lstrip("\ufeff")):
            return 0.95
        return 0.6 if path.suffix.lower() in self.extensions else 0.0

    def read(self, path: Path, text: str, config: IngestConfig) -> Iterator[Item]:
        import srt

        pieces: list[Piece] = []
        try:
            subs = list(srt.parse(text.lstrip("\ufeff")))
        except srt.SRTParseError as e:
            yield Reject.of(Errors.E011, file=path, location="file", level="file", detail=f"not a valid SRT file: {e}")
            return
        for sub in subs:
            label, body = speaker_prefix(_clean(sub.content), config)
            pieces.append(Piece(label, body, f"cue {sub.index}", sub.start.total_seconds(), sub.end.total_seconds()))
        if not any(p.label for p in pieces):
            yield Reject.of(Errors.E014, file=path, location="file", level="file")
            return
        warn = Warnings(path)
        rec = call_record(pieces, config, pieces_to_contact(path, {}, warn), path=path)
        yield from warn.drain()
        yield rec
