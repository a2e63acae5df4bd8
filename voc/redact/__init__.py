"""PII redaction, run before anything is stored or embedded (see voc.redact.redactor).

Names are resolved lazily so that importing the pattern detectors never imports spaCy.
"""
from __future__ import annotations

from typing import Any

__all__ = ["Redaction", "Redactor", "Span"]


def __getattr__(name: str) -> Any:
    if name in ("Redaction", "Redactor"):
        from voc.redact import redactor

        return getattr(redactor, name)
    if name == "Span":
        from voc.redact.spans import Span

        return Span
    raise AttributeError(name)
