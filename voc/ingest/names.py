"""File names in a printable form: whatever their bytes, a name can be shown, logged and written.

On POSIX a file name is bytes; Python hands bytes that are not UTF-8 over as lone surrogates
(``os.fsdecode``), which no UTF-8 writer accepts (Arrow, JSON files, the terminal). Every name
voc reports (rejects, ``source_file``, run.json) goes through ``printable``: undecodable bytes
become ``\\xNN`` and control characters ``\\n``, ``\\t``, ``\\x1b``..., the rest is left as is, so
a plain name reads the same and a damaged one still says which file it is."""
from __future__ import annotations

import os
import unicodedata
from pathlib import PurePath
from typing import Union

_HIDDEN = ("Cc", "Cs", "Zl", "Zp")  # controls, lone surrogates, line and paragraph separators
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(name: Union[str, bytes, PurePath]) -> str:
    s = os.fsdecode(name) if not isinstance(name, str) else name
    if s.isprintable():
        return s
    try:
        s = s.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # lone surrogates that did not come from undecodable bytes
        s = s.encode("utf-8", "backslashreplace").decode("utf-8")
    return "".join(c if c.isprintable() or unicodedata.category(c) not in _HIDDEN else _ESCAPES.get(c) or _escape(c)
                   for c in s)


def _escape(c: str) -> str:
    o = ord(c)
    if o < 0x100:
        return f"\\x{o:02x}"
    return f"\\u{o:04x}" if o < 0x10000 else f"\\U{o:08x}"
