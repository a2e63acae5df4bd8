"""Column roles of an event log (customer_id, case_id, timestamp, event, channel, actor) and their
auto-detection from common header names (CSV exports, pm4py/XES flattening, product analytics).
The actor (team, queue, agent group) is never guessed: it is read only when journey.columns.actor
names it, since logs carry several such columns (org:resource, workgroup, support_section...).
The lifecycle (XES lifecycle:transition: schedule / start / complete of a work item) is found by its
standard names."""
from __future__ import annotations

import re
from typing import Iterable

from voc.config import COLUMN_ROLES

ROLES = COLUMN_ROLES

# Checked in this order, after journey.columns from the config; matching ignores case, spaces, '-' and '_'.
CANDIDATES: dict[str, tuple[str, ...]] = {
    "customer_id": ("customer_id", "user_id", "customer", "customerid", "userid", "client_id", "account_id",
                    "person_id", "member_id", "visitor_id", "distinct_id", "anonymous_id", "case:customer"),
    "case_id": ("case_id", "case:concept:name", "caseid", "case", "trace_id", "process_instance_id", "ticket_id"),
    "timestamp": ("timestamp", "time:timestamp", "event_time", "ts", "event_timestamp", "time", "datetime",
                  "occurred_at", "created_at", "date"),
    "event": ("event", "activity", "concept:name", "event_name", "event_type", "activity_name", "action", "step"),
    "channel": ("channel", "event_channel", "platform", "source_channel"),
    "actor": (),
    "lifecycle": ("lifecycle:transition", "lifecycle", "lifecycle_transition"),
}
REQUIRED = ("timestamp", "event")


def _key(name: str) -> str:
    return re.sub(r"[\s_\-]+", "", str(name).strip().lower())


def detect_roles(columns: Iterable[str], configured: dict[str, str] | None = None) -> tuple[dict[str, str], dict[str, str]]:
    """Map each role to a column of ``columns``.

    Returns (found, missing_configured): ``found`` role -> column; ``missing_configured`` role -> the
    configured name that is absent (an error for the caller: a configured name must exist).
    """
    cols = list(columns)
    by_key: dict[str, str] = {}
    for c in cols:
        by_key.setdefault(_key(c), c)
    found: dict[str, str] = {}
    missing: dict[str, str] = {}
    for role, name in (configured or {}).items():
        if name in cols:
            found[role] = name
        elif _key(name) in by_key:
            found[role] = by_key[_key(name)]
        else:
            missing[role] = name
    used = set(found.values())
    for role in ROLES:
        if role in found or role in missing:
            continue
        for cand in CANDIDATES[role]:
            col = by_key.get(_key(cand))
            if col is not None and col not in used:
                found[role] = col
                used.add(col)
                break
    return found, missing


def candidates_text(role: str, configured: dict[str, str] | None = None) -> str:
    names = list(CANDIDATES.get(role, ()))
    if configured and role in configured:
        names.insert(0, configured[role])
    return ", ".join(repr(n) for n in names)
