"""The exits: text that leaves voc by another door than the messages table passes the same redactor.

- ``redact_records``: rejects (their reason, fix and location quote the raw input: a broken SRT line with a card
  in it) are redacted where they are collected, before rejects.jsonl, run.json or the report see them. Where a
  reject's text is the rendering of its code's message (voc.errors), only the parts that came from the input
  are redacted: the statistical name model must not turn voc's own words into ``[PERSON]`` ("chat JSON",
  "speaker labels"), which made the reason and the fix unreadable. Pattern entities are redacted everywhere.
- ``install_log_filter``: log records (voc's and the libraries') pass the pattern redactor (no NER: a log line
  must not load a model) and ``terminal_safe`` before they are emitted.
- ``terminal_safe``: control characters and terminal escape sequences in labels or any user text are shown
  as visible escapes ('\\x1b[2J' prints as '\\x1b[2J', not as a cleared screen), and rich markup is escaped.
"""
from __future__ import annotations

import logging
import re
import string
from functools import lru_cache
from typing import Any, Iterable, Optional

from voc.config import RedactConfig
from voc.errors import Errors, ErrorSpec
from voc.redact.redactor import Redactor
from voc.redact.spans import PATTERN_SOURCES, Span, apply

REJECT_TEXT_FIELDS = ("reason", "fix", "location")
_TEMPLATE_OF_FIELD = {"reason": "cause", "fix": "fix"}

_CONTROL = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def terminal_safe(text: Any) -> str:
    """``text`` with every control character and escape sequence made visible (newlines and tabs stay),
    and rich markup brackets escaped, so printing it cannot move the cursor, recolour or clear the screen."""
    from rich.markup import escape

    s = "" if text is None else str(text)
    s = _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), s)
    return escape(s)


def redact_records(rows: list[dict[str, Any]], config: Optional[RedactConfig], fields: Iterable[str] = REJECT_TEXT_FIELDS,
                   redactor: Optional[Redactor] = None) -> list[dict[str, Any]]:
    """The rows with their text ``fields`` redacted (the same entities and settings as the messages); rows are
    returned unchanged when redaction is off (``config.enabled`` False: only the --no-redact flag does that)."""
    if not rows or config is None or not config.enabled:
        return rows
    fields = tuple(fields)
    redactor = redactor or Redactor(config)
    cells = [(i, f) for i, row in enumerate(rows) for f in fields if isinstance(row.get(f), str) and row.get(f)]
    if not cells:
        return rows
    texts = [rows[i][f] for i, f in cells]
    done = redactor.redact_many(texts)
    out = [dict(r) for r in rows]
    for (i, f), text, res in zip(cells, texts, done):
        regions = input_regions(text, _template(rows[i].get("code"), f))
        if regions is None:
            out[i][f] = res.text
        else:
            kept = [s for s in res.spans if s.source in PATTERN_SOURCES or _touches(s, regions)]
            out[i][f] = apply(text, kept, redactor.config.placeholder)
    return out


def _template(code: Any, field: str) -> Optional[str]:
    attr = _TEMPLATE_OF_FIELD.get(field)
    spec = getattr(Errors, code, None) if isinstance(code, str) and code.isidentifier() else None
    return getattr(spec, attr) if attr and isinstance(spec, ErrorSpec) else None


@lru_cache(maxsize=256)
def _template_re(template: str) -> re.Pattern[str]:
    parts = []
    for literal, field, _spec, _conv in string.Formatter().parse(template):
        parts.append(re.escape(literal))
        if field is not None:
            parts.append("(.*?)")
    return re.compile("".join(parts), re.S)


def input_regions(text: str, template: Optional[str]) -> Optional[list[tuple[int, int]]]:
    """Where in ``text`` (a rendering of ``template``, a voc.errors message) the input-derived values lie, as
    (start, end) ranges; None when there is no template or ``text`` is not a rendering of it (then the whole text
    counts as input)."""
    if not template:
        return None
    try:
        m = _template_re(template).fullmatch(text)
    except (ValueError, re.error):   # a template string.Formatter cannot parse: treat the text as input
        return None
    if m is None:
        return None
    return [m.span(g) for g in range(1, (m.re.groups or 0) + 1)]


def _touches(span: Span, regions: list[tuple[int, int]]) -> bool:
    return any(span.start < end and start < span.end for start, end in regions)


class RedactingFilter(logging.Filter):
    """Rewrites a log record's message: personal data of the pattern entities and name cues redacted, control
    characters made visible. Installed by the CLI on the 'voc' logger and the loggers voc surfaces."""

    def __init__(self) -> None:
        super().__init__()
        self.redactor_ = Redactor(RedactConfig())

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            msg = record.getMessage()
        except Exception:  # noqa: BLE001  (a record whose args do not format: leave it to logging)
            return True
        clean = self.redactor_.redact_many([msg], ner=False)[0].text
        clean = _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), clean)
        record.msg, record.args = clean, None
        if record.exc_info and record.exc_info[1] is not None:
            # the traceback text is formatted later from exc_info; keep its type, drop its (possibly quoting) message
            record.exc_text = f"{type(record.exc_info[1]).__name__} (message withheld: it may quote input text)"
            record.exc_info = None
        return True


def install_log_filter() -> RedactingFilter:
    """Install one RedactingFilter on every handler of the root logger and on logging's last-resort handler
    (where voc's warnings go when the application configured no logging), so records of every logger, voc's
    and the libraries', are filtered on their way out. Idempotent."""
    handlers = list(logging.getLogger().handlers)
    if logging.lastResort is not None:
        handlers.append(logging.lastResort)
    flt: Optional[RedactingFilter] = None
    for h in handlers:
        found = next((f for f in h.filters if isinstance(f, RedactingFilter)), None)
        flt = flt or found
    flt = flt or RedactingFilter()
    for h in handlers:
        if flt not in h.filters:
            h.addFilter(flt)
    return flt
