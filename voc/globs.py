"""How every step-name list of the config matches event names: one glob semantics everywhere.

Stages, outcomes, error events, escalation events, wait steps, waiting states, loop exceptions and
funnel steps are all lists of names or glob patterns (``*``, ``?``, ``[abc]``), matched without
regard to case. A contact step ('contact:<channel>') is matched only by a pattern that itself
starts with 'contact:' (e.g. ``contact:*``, ``contact:chat``): a catch-all such as ``*`` or
``browse*`` means the behavioural events, never the support contacts.

``expand`` turns patterns into the concrete names they reach in a log (the SQL then compares
names exactly, on DuckDB and Spark alike); ``nearest`` names the closest event names of a pattern
that reaches nothing (difflib), for the warning the user sees.
"""
from __future__ import annotations

import difflib
from fnmatch import fnmatchcase
from typing import Iterable, Sequence

CONTACT_PREFIX = "contact:"


def _applies(name: str, pattern: str) -> bool:
    return (not name.startswith(CONTACT_PREFIX)) or pattern.startswith(CONTACT_PREFIX)


def matches(name: str, patterns: Iterable[str]) -> bool:
    """Case-insensitive glob match of a step name against any pattern (contact steps only against
    patterns starting with 'contact:')."""
    n = name.lower()
    return any(_applies(n, p.lower()) and fnmatchcase(n, p.lower()) for p in patterns)


def expand(patterns: Iterable[str], names: Iterable[str]) -> list[str]:
    """The names (in their first-seen order, each once) that any of ``patterns`` matches."""
    pats = list(patterns)
    seen: dict[str, None] = {}
    for n in names:
        if isinstance(n, str) and n not in seen and matches(n, pats):
            seen[n] = None
    return list(seen)


def unmatched(patterns: Iterable[str], names: Sequence[str]) -> list[str]:
    """The patterns that match none of ``names``."""
    return [p for p in patterns if not any(matches(n, [p]) for n in names)]


def nearest(pattern: str, names: Sequence[str], n: int = 3) -> list[str]:
    """Up to ``n`` event names closest to ``pattern`` (difflib ratio, case-insensitive; the glob
    characters are dropped first, so 'Completed-Resolved-*' finds 'Completed-Resolved')."""
    key = pattern.lower().replace("*", "").replace("?", "")
    pool = [x for x in names if isinstance(x, str) and _applies(x.lower(), pattern.lower())]
    by_lower: dict[str, str] = {}
    for x in pool:
        by_lower.setdefault(x.lower(), x)
    close = difflib.get_close_matches(key, list(by_lower), n=n, cutoff=0.4)
    if not close and key:
        close = [k for k in by_lower if key in k or k in key][:n]
    return [by_lower[c] for c in close]
