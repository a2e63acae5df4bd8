"""Call transcripts as SRT subtitles (blocks parsed by voc.ingest.cues: a cue with a damaged timing
line is rejected with its number and line (E021), the others read). The speaker of a cue is an
'Agent:' prefix or a '[Customer]' tag; cues without one continue the previous speaker.
Consecutive cues of one speaker form one turn; locations are 'cue N' (the SRT index)."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

from voc import registry
from voc.config import IngestConfig
from voc.ingest.base import Item
from voc.ingest.readers.webvtt_reader import read_cues

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
        yield from read_cues(path, text, config, webvtt=False, meta={})
