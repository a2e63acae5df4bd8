"""Bytes -> text: UTF-8 (with or without BOM) first, UTF-16/32 by BOM or NUL pattern, then
charset-normalizer; binary files are recognised by magic numbers and NUL bytes."""
from __future__ import annotations

import codecs

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


def decode(data: bytes, forced: str | None = None) -> tuple[str, str]:
    """Return (text, encoding used)."""
    tried: list[str] = []
    if forced:
        try:
            return _strip_bom(data.decode(forced)), forced
        except (UnicodeDecodeError, LookupError):
            raise Undecodable([forced]) from None
    for bom, enc in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                     (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError:
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
                try:
                    text = data.decode(enc)
                    if _mostly_printable(text):
                        return text, enc
                except UnicodeDecodeError:
                    pass
                tried.append(enc)
        raise NotText("binary content (NUL bytes)")
    try:
        return data.decode("utf-8"), "utf-8"
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
            return _strip_bom(text), best.encoding
        tried.append(best.encoding)
    else:
        tried.append("charset-normalizer detection")
    raise Undecodable(tried)


def _strip_bom(text: str) -> str:
    return text[1:] if text.startswith("\ufeff") else text


def _mostly_printable(text: str) -> bool:
    sample = text[:4096]
    if not sample:
        return True
    bad = sum(1 for c in sample if (ord(c) < 32 and c not in "\t\n\r\f") or 0xE000 <= ord(c) <= 0xF8FF or c == "\ufffd")
    return bad <= 0.02 * len(sample)
