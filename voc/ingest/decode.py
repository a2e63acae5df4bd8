"""Bytes -> text: UTF-8 (with or without BOM) first, UTF-16/32 by BOM or NUL pattern, then
charset-normalizer; binary files are recognised by magic numbers and NUL bytes.

Damage is kept small: a UTF-16/32 file cut inside its last character (a byte short) is decoded
without that character (``Decoded.lost_tail_bytes`` says how many bytes were left out, the caller
rejects them); a text file with a few stray NUL bytes stays text (the readers reject the rows or
messages holding them) instead of being taken for a binary file."""
from __future__ import annotations

import codecs
from typing import NamedTuple

_MAGIC = {
    b"PK\x03\x04": "a ZIP archive (XLSX/DOCX exports are ZIP files: save as CSV)",
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\xd0\xcf\x11\xe0": "an old Office document (XLS/DOC: save as CSV)",
    b"\x1f\x8b": "a gzip archive (decompress it first)",
    b"PAR1": "a Parquet file",
    b"SQLite format 3": "an SQLite database",
    b"ID3": "an MP3 audio file (transcribe it first)",
    b"RIFF": "a WAV/AVI media file (transcribe it first)",
    b"OggS": "an Ogg audio file (transcribe it first)",
    b"\x7fELF": "an executable",
}


class NotText(Exception):
    """The bytes are a known binary format or not text at all (-> E005)."""


class Undecodable(Exception):
    """The bytes look like text but no encoding fits (-> E004)."""

    def __init__(self, tried: list[str]) -> None:
        super().__init__(", ".join(tried))
        self.tried = tried


class Decoded(NamedTuple):
    text: str
    encoding: str
    lost_tail_bytes: int = 0   # bytes of an incomplete last character left out (a truncated UTF-16/32 file)


# at most this many NUL bytes (or this share) in the first 4 KB for a file to be text with stray NULs
STRAY_NULS, STRAY_NUL_SHARE = 16, 0.01


def decode(data: bytes, forced: str | None = None) -> Decoded:
    """Return (text, encoding used, bytes of a truncated last character left out)."""
    tried: list[str] = []
    if forced:
        try:
            return Decoded(_strip_bom(data.decode(forced)), forced)
        except (UnicodeDecodeError, LookupError):
            raise Undecodable([forced]) from None
    for bom, enc in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                     (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            got = _decode_truncated(data, enc)
            if got is not None:
                return got
            tried.append(enc)
            break
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            raise NotText(what)
    head = data[:4096]
    if b"\x00" in head:
        # UTF-16 without BOM: NULs at every other byte of ASCII text
        even, odd = head[0::2].count(0), head[1::2].count(0)
        half = len(head) / 2
        for enc, zeros in (("utf-16-le", odd), ("utf-16-be", even)):
            if zeros > 0.3 * half:
                got = _decode_truncated(data, enc)
                if got is not None and _mostly_printable(got.text):
                    return got
                tried.append(enc)
        if head.count(0) > max(STRAY_NULS, STRAY_NUL_SHARE * len(head)):
            raise NotText("binary content (NUL bytes)")
        # a few stray NULs in text (a damaged export): UTF-8 text otherwise, the readers reject what holds them
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise NotText("binary content (NUL bytes)") from None
        if not _mostly_printable(text.replace("\x00", "")):
            raise NotText("binary content (NUL bytes)")
        return Decoded(text, "utf-8")
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        tried.append("utf-8")
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
    except Exception:  # charset-normalizer must never sink ingestion
        best = None
    if best is not None and best.encoding:
        text = str(best)
        if _mostly_printable(text):
            return Decoded(_strip_bom(text), best.encoding)
        tried.append(best.encoding)
    else:
        tried.append("charset-normalizer detection")
    raise Undecodable(tried)


def _decode_truncated(data: bytes, enc: str) -> Decoded | None:
    """``data`` decoded as ``enc``; when the only damage is an incomplete last character (a file
    cut short by a byte or two), the text before it, with the number of bytes left out."""
    try:
        return Decoded(data.decode(enc), enc)
    except UnicodeDecodeError as e:
        if e.reason != "truncated data" or e.end != len(data) or len(data) - e.start > 3:
            return None
        try:
            return Decoded(data[:e.start].decode(enc), enc, len(data) - e.start)
        except UnicodeDecodeError:
            return None


def _strip_bom(text: str) -> str:
    return text[1:] if text.startswith("\ufeff") else text


def _mostly_printable(text: str) -> bool:
    sample = text[:4096]
    if not sample:
        return True
    bad = sum(1 for c in sample if (ord(c) < 32 and c not in "\t\n\r\f") or 0xE000 <= ord(c) <= 0xF8FF or c == "\ufffd")
    return bad <= 0.02 * len(sample)
