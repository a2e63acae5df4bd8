"""Subtitle cues (SRT and WebVTT) -> (cues, broken cues), losing nothing silently.

Both formats are blocks separated by blank lines: an optional identifier line, a timing line
``start --> end [settings]`` and the cue text. The usual parsers (srt, webvtt-py) silently drop a
cue whose timing line is damaged, merge it into the previous cue's text, or read a damaged
``00:00:0x,000`` as 0 s; here every block that is not a cue with a valid timing line is returned
as a ``Broken`` block with its position and the kind of problem (never its text), for the
reader to reject. WebVTT header, NOTE, STYLE and REGION blocks are not cues.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_CLOCK = r"(?:(\d+):)?([0-5]?\d):([0-5]\d)[.,](\d{1,3})"
_TIMING = re.compile(rf"^\s*{_CLOCK}\s*-->\s*{_CLOCK}(?:\s.*)?$")
_LOOKS_TIMED = re.compile(r"\d{1,2}:\d{2}")
_VTT_SKIP = re.compile(r"^(?:NOTE|STYLE|REGION)(?:[ \t]|$)")


@dataclass
class Cue:
    number: int          # the SRT index when the block states one, else the block's position among cues
    line: int            # first line of the block (1-based)
    start_s: float
    end_s: float
    text: str            # cue text lines joined with '\n', as written (tags kept)


@dataclass
class Broken:
    number: int
    line: int
    problem: str         # what is wrong, in words; never the block's content

    @property
    def location(self) -> str:
        return f"cue {self.number}, line {self.line}"


def _seconds(h: str | None, m: str, s: str, frac: str) -> float:
    ms = (int(h or 0) * 3600 + int(m) * 60 + int(s)) * 1000 + int(frac.ljust(3, "0"))
    return ms / 1000


def parse_timing(line: str) -> tuple[float, float] | None:
    """'00:01:02,500 --> 00:01:04,000' -> (62.5, 64.0); None when the line is not a valid timing line."""
    m = _TIMING.match(line)
    if not m:
        return None
    g = m.groups()
    return _seconds(*g[:4]), _seconds(*g[4:])


def _blocks(text: str) -> list[tuple[int, list[str]]]:
    """(first line number, lines) of each block of non-blank lines."""
    out: list[tuple[int, list[str]]] = []
    cur: list[str] = []
    start = 0
    for n, line in enumerate(text.splitlines(), 1):
        if line.strip():
            if not cur:
                start = n
            cur.append(line)
        elif cur:
            out.append((start, cur))
            cur = []
    if cur:
        out.append((start, cur))
    return out


def parse_cues(text: str, *, webvtt: bool) -> tuple[list[Cue], list[Broken]]:
    text = text.lstrip("\ufeff")
    cues: list[Cue] = []
    broken: list[Broken] = []
    ordinal = 0
    blocks = _blocks(text)
    if webvtt and blocks and blocks[0][1][0].lstrip().startswith("WEBVTT"):
        blocks = blocks[1:]
    for start, lines in blocks:
        if webvtt and _VTT_SKIP.match(lines[0]):
            continue
        ordinal += 1
        stated = lines[0].strip()
        number = int(stated) if not webvtt and stated.isdigit() else ordinal
        arrow = next((i for i, ln in enumerate(lines) if "-->" in ln), None)
        if arrow is None:
            timed = next((i for i, ln in enumerate(lines[:2]) if "->" in ln or _LOOKS_TIMED.search(ln)), None)
            if timed is None:
                broken.append(Broken(number, start, "a block of text with no timing line"))
            else:
                broken.append(Broken(number, start + timed,
                                     "the timing line is malformed (expected 'HH:MM:SS,mmm --> HH:MM:SS,mmm')"))
            continue
        if arrow > 1:
            broken.append(Broken(number, start, f"the timing line comes {arrow + 1} lines into the block, after text"))
            continue
        times = parse_timing(lines[arrow])
        if times is None:
            broken.append(Broken(number, start + arrow,
                                 "the timing line is malformed (expected 'HH:MM:SS,mmm --> HH:MM:SS,mmm')"))
            continue
        if times[1] < times[0]:
            broken.append(Broken(number, start + arrow, "the cue ends before it starts"))
            continue
        cues.append(Cue(number, start, times[0], times[1], "\n".join(lines[arrow + 1:])))
    return cues, broken
