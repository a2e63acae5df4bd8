"""Timestamps as help desks export them -> timezone-aware UTC datetimes.

Accepted: ISO-8601 (with 'Z', an offset, or none: then UTC is assumed), epoch seconds or
milliseconds (numbers or numeric strings), and the common export layouts
'2026-01-05 10:22', '2026/01/05 10:22:05', '05 Jan 2026 10:22', RFC 2822 (e-mail dates).
Day/month order is never guessed for '01/02/2026': such values are read month-first
(US, as Zendesk and Freshdesk CSV exports write them) only when unambiguous or US-style.
"""
from __future__ import annotations

import math
import re
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any

_EPOCH_MS = 10**11  # values above this are milliseconds (year 5138 in seconds)
_NUM = re.compile(r"^-?\d+(\.\d+)?$")
_LAYOUTS = (
    "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%d",
    "%d %b %Y %H:%M:%S", "%d %b %Y %H:%M", "%d %b %Y", "%b %d, %Y %H:%M", "%b %d, %Y",
    "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y", "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y",
    "%Y-%m-%d %I:%M %p", "%m/%d/%Y %I:%M %p", "%a, %d %b %Y at %I:%M %p",
)


def parse_timestamp(value: Any) -> datetime | None:
    """Return a UTC datetime, None for an empty value; raise ValueError when unparseable."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return _utc(value)
    if isinstance(value, bool):
        raise ValueError(f"not a timestamp: {value!r}")
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"not a timestamp: {value!r}")
        return _epoch(float(value))
    s = str(value).strip()
    if not s or s.lower() in {"null", "none", "nan", "nat", "-"}:
        return None
    if _NUM.match(s):
        return _epoch(float(s))
    iso = s.replace("Z", "+00:00").replace("z", "+00:00") if s[-1:] in "Zz" else s
    try:
        return _utc(datetime.fromisoformat(iso))
    except ValueError:
        pass
    # '2026-01-05 10:22:00 UTC' / '+0100' / 'GMT' suffixes
    m = re.match(r"^(.*?)\s*(UTC|GMT|[+-]\d{2}:?\d{2})$", s)
    core, tz = (m.group(1), m.group(2)) if m else (s, None)
    offset = timezone.utc
    if tz and tz not in ("UTC", "GMT"):
        sign = 1 if tz[0] == "+" else -1
        digits = tz[1:].replace(":", "")
        offset = timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
    for layout in _LAYOUTS:
        try:
            return datetime.strptime(core, layout).replace(tzinfo=offset).astimezone(timezone.utc)
        except ValueError:
            continue
    try:
        return _utc(parsedate_to_datetime(s))
    except (TypeError, ValueError, IndexError):
        pass
    raise ValueError(f"unrecognised timestamp {s!r}")


def _epoch(x: float) -> datetime:
    if abs(x) >= _EPOCH_MS:
        x /= 1000.0
    try:
        return datetime.fromtimestamp(x, tz=timezone.utc)
    except (OverflowError, OSError, ValueError) as e:
        raise ValueError(f"epoch value {x!r} out of range") from e


def _utc(dt: datetime) -> datetime:
    if dt.tzinfo is None:
        return dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(timezone.utc)


def parse_clock(value: str) -> float:
    """'01:02:03.500', '1:02', '00:00:05,120' (SRT) -> seconds."""
    parts = value.strip().replace(",", ".").split(":")
    if not 1 <= len(parts) <= 3:
        raise ValueError(f"not a clock time: {value!r}")
    total = 0.0
    for p in parts:
        total = total * 60 + float(p)
    return total
