"""How the sequence statistics tell the user about a data problem they worked around: a Python warning
(``SequenceWarning``) whose message carries the E3xx code, cause and fix (voc.journey.quality collects them
into journey_run.json, run.json and the report). One function for both engines."""
from __future__ import annotations

import warnings
from typing import Any


class SequenceWarning(UserWarning):
    """A data problem the sequence statistics worked around (the message carries its E3xx code;
    ``code``, ``cause`` and ``fix`` are attributes too)."""

    def __init__(self, message: str, code: str = "", cause: str = "", fix: str = "") -> None:
        super().__init__(message)
        self.code, self.cause, self.fix = code, cause, fix


def warn(spec, **details: Any) -> str:
    cause, fix = spec.render(**details)
    msg = f"[{spec.code}] {cause} Fix: {fix}"
    warnings.warn(SequenceWarning(msg, spec.code, cause, fix), stacklevel=3)
    return msg
