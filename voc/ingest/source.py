"""One input file as text, streamed when it can be: what the readers read from.

A UTF-8 file (with or without BOM, the usual export) is checked in 1 MB chunks and then read as a
stream: ``lines()`` and ``open_text()`` decode as they go and ``open_binary()`` gives the raw bytes
to a streaming JSON parser, so memory does not grow with the file. Other encodings (UTF-16/32,
legacy code pages found by charset-normalizer, a forced ``ingest.encoding``) are decoded whole by
``voc.ingest.decode``, as are files with stray NUL bytes. ``head`` (the first 64 KB as text) is what
format detection looks at.
"""
from __future__ import annotations

import codecs
import io
from pathlib import Path
from typing import IO, Iterator

from voc.ingest.decode import _MAGIC, Decoded, decode

HEAD_BYTES = 1 << 16
CHUNK_BYTES = 1 << 20


class EmptyText(Exception):
    """The file holds nothing but white space (-> E003)."""


class Source:
    """The text of one file. Build with ``Source.open(path, forced_encoding)`` or ``Source.of_text``."""

    def __init__(self, path: Path | None, *, encoding: str, head: str, text: str | None = None,
                 lost_tail_bytes: int = 0) -> None:
        self.path = path
        self.encoding = encoding
        self.head = head
        self.lost_tail_bytes = lost_tail_bytes
        self._text = text

    # -- building ---------------------------------------------------------------------------------
    @classmethod
    def of_text(cls, text: str, path: Path | None = None) -> "Source":
        """A source over text already in memory (readers called with ``read(path, text, config)``)."""
        text = text[1:] if text.startswith("\ufeff") else text
        return cls(path, encoding="str", head=text[:HEAD_BYTES], text=text)

    @classmethod
    def open(cls, path: Path, forced: str | None = None) -> "Source":
        """Raises NotText / Undecodable (voc.ingest.decode) or EmptyText."""
        with open(path, "rb") as f:
            head = f.read(HEAD_BYTES)
        if not forced and _streamable_utf8(head):
            enc = "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8"
            if _valid_utf8(path):  # also raises EmptyText
                text_head = codecs.getincrementaldecoder(enc)().decode(head, final=False)
                return cls(path, encoding=enc, head=text_head)
        got: Decoded = decode(path.read_bytes(), forced)
        if not got.text.strip():
            raise EmptyText()
        return cls(path, encoding=got.encoding, head=got.text[:HEAD_BYTES], text=got.text,
                   lost_tail_bytes=got.lost_tail_bytes)

    # -- reading ----------------------------------------------------------------------------------
    @property
    def streamed(self) -> bool:
        return self._text is None

    def text(self) -> str:
        """The whole text (decoded once; for readers of small per-conversation files)."""
        if self._text is None:
            with self.open_text() as f:
                self._text = f.read()
        return self._text

    def open_text(self) -> IO[str]:
        """A text file object with newlines untranslated (as ``csv`` wants: ``newline=''``)."""
        if self._text is not None:
            return io.StringIO(self._text, newline="")
        return io.TextIOWrapper(open(self.path, "rb"), encoding=self.encoding, newline="")

    def lines(self) -> Iterator[str]:
        """The lines, one at a time, without their line ends ('\\n', '\\r\\n' or '\\r')."""
        if self._text is not None:
            f: IO[str] = io.StringIO(self._text, newline=None)
        else:
            f = io.TextIOWrapper(open(self.path, "rb"), encoding=self.encoding, newline=None)
        with f:
            for line in f:
                yield line.rstrip("\n")

    def open_binary(self) -> IO[bytes] | None:
        """The UTF-8 bytes after any BOM (for a streaming JSON parser); None when the file was
        decoded whole from another encoding (use ``text()``)."""
        if self._text is not None:
            return None
        f = open(self.path, "rb")
        if self.encoding == "utf-8-sig" and f.read(3) != codecs.BOM_UTF8:
            f.seek(0)
        return f


def _streamable_utf8(head: bytes) -> bool:
    if b"\x00" in head or any(head.startswith(m) for m in _MAGIC):
        return False
    for bom in (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        if head.startswith(bom) and not head.startswith(codecs.BOM_UTF8):
            return False
    return True


def _valid_utf8(path: Path) -> bool:
    """Whether the whole file is UTF-8 with no NUL byte, read in chunks; raises EmptyText when it
    holds only white space."""
    dec = codecs.getincrementaldecoder("utf-8")()
    blank = True
    with open(path, "rb") as f:
        first = True
        while True:
            chunk = f.read(CHUNK_BYTES)
            if first and chunk.startswith(codecs.BOM_UTF8):
                chunk = chunk[3:]
            first = False
            if b"\x00" in chunk:
                return False
            try:
                dec.decode(chunk, final=not chunk)
            except UnicodeDecodeError:
                return False
            if blank and chunk.strip():
                blank = False
            if not chunk:
                break
    if blank:
        raise EmptyText()
    return True
