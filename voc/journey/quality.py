"""Data-quality gates of a journeys run: warnings the user sees in the terminal, in
journey_run.json and run.json ("warnings": [{code, level, message, fix, ...}]) and in the report.

    E310  few contacts matched the event log (identity match rate < journey.min_match_rate)
    E311  a pattern of a config list (stages, outcomes, error/escalation events, wait steps,
          waiting states, loop exceptions) reaches no event of the log; names the nearest events
    E312  journey.columns.actor holds one value or none: no hand-off can be seen
    E3xx  warnings of the sequence statistics (E304 funnel step, E321 rows left out, E323 outcome
          too rare for lift, E324 Markov figures far from the observed ones), collected as they
          are emitted

and ``basis``: what the journey figures rest on (journeys, events, contacts, matched contacts,
journeys with a contact), and ``friction_distribution``: how the friction score spreads.
"""
from __future__ import annotations

import warnings
from contextlib import contextmanager
from typing import Any, Iterator, Sequence

import numpy as np
import pandas as pd

from voc.config import FRICTION_KINDS, JourneyConfig
from voc.errors import Errors, ErrorSpec
from voc.globs import nearest, unmatched

SCORE_QUANTILES = (0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99)
HISTOGRAM_EDGES = tuple(range(0, 101, 10))
# config lists whose defaults are generic guesses: checked only when the user set them
_DEFAULTED = ("error_events", "escalation_events", "wait_after", "waiting_states", "loop_ignore")


def warning(spec: ErrorSpec, **details: Any) -> dict[str, Any]:
    cause, fix = spec.render(**details)
    return {"code": spec.code, "level": "warning", "message": cause, "fix": fix, "source": "journeys",
            **{k: v for k, v in details.items() if isinstance(v, (str, int, float, bool, list)) or v is None}}


def config_lists(config: JourneyConfig) -> list[tuple[str, list[str]]]:
    """(config key, patterns) of every step-name list the user configured."""
    out: list[tuple[str, list[str]]] = []
    out += [(f"stages.{k}", list(v)) for k, v in config.stages.items()]
    out += [(f"outcomes.{k}", list(v)) for k, v in config.outcomes.items()]
    set_fields = config.model_fields_set
    for key in _DEFAULTED:
        if key not in set_fields:
            continue
        value = getattr(config, key)
        if isinstance(value, dict):
            out += [(f"{key}.{k}", list(v)) for k, v in value.items()]
        elif value:
            out.append((key, list(value)))
    return out


def pattern_warnings(names: Sequence[str], config: JourneyConfig) -> list[dict[str, Any]]:
    """E311 for each configured pattern that matches no step name of the timeline."""
    names = [n for n in names if isinstance(n, str)]
    out = []
    for key, patterns in config_lists(config):
        for p in unmatched(patterns, names):
            near = nearest(p, names)
            out.append(warning(Errors.E311, key=key, pattern=p,
                               nearest=", ".join(repr(n) for n in near) if near else "(none close)",
                               nearest_events=near))
    return out


def event_match(con: Any) -> dict[str, Any]:
    """contacts, matched (contacts whose journey holds at least one event of the log: the customer
    or case was found in the events) and match_rate, from the timeline ``tl`` on ``con``."""
    n, m = con.sql(
        "WITH j AS (SELECT journey_id, MAX(CASE WHEN kind = 'event' THEN 1 ELSE 0 END) AS has_event FROM tl GROUP BY journey_id) "
        "SELECT COUNT(*), COALESCE(SUM(j.has_event), 0) FROM tl JOIN j ON j.journey_id = tl.journey_id "
        "WHERE tl.kind = 'contact'").fetchall()[0]
    return {"contacts": int(n), "matched": int(m), "match_rate": round(m / n, 4) if n else None}


def match_rate_warning(stats: dict[str, Any], config: JourneyConfig) -> list[dict[str, Any]]:
    """E310 when the share of contacts that found their customer/case in the event log
    (``event_match``) is below journey.min_match_rate."""
    n, rate = int(stats.get("contacts") or 0), stats.get("match_rate")
    if n and rate is not None and rate < config.min_match_rate:
        return [warning(Errors.E310, matched=int(stats.get("matched") or 0), contacts=n, rate=float(rate),
                        minimum=float(config.min_match_rate))]
    return []


def contact_time_warnings(contacts: pd.DataFrame) -> list[dict[str, Any]]:
    """E337 for each contact time column (created_at, closed_at) holding values that are not times."""
    from voc.journey.timeline import unreadable_times

    out = []
    for column in ("created_at", "closed_at"):
        if column in contacts.columns and len(contacts):
            bad = unreadable_times(contacts[column]).to_numpy()
            if bad.any():
                ids = contacts["contact_id"].astype(str).to_numpy()[bad][:3] if "contact_id" in contacts.columns else []
                out.append(warning(Errors.E337, n=int(bad.sum()), total=len(contacts), column=column,
                                   examples=", ".join(ids)))
    return out


def actor_warning(events: pd.DataFrame, config: JourneyConfig) -> list[dict[str, Any]]:
    column = config.columns.get("actor")
    if not column or "actor" not in events.columns:
        return []
    n = int(events["actor"].dropna().nunique())
    return [warning(Errors.E312, column=column, n_values=n)] if n <= 1 else []


def actor_warning_sql(con: Any, config: JourneyConfig) -> list[dict[str, Any]]:
    """E312 from the events view ``ev`` on ``con`` (the actor column holds one value or none)."""
    column = config.columns.get("actor")
    if not column:
        return []
    n = int(con.sql("SELECT COUNT(DISTINCT actor) FROM ev").fetchall()[0][0])
    return [warning(Errors.E312, column=column, n_values=n)] if n <= 1 else []


@contextmanager
def collect_sequence_warnings(into: list[dict[str, Any]]) -> Iterator[None]:
    """Record the SequenceWarnings emitted inside the block as warning dicts in ``into`` (and emit
    every caught warning again, so callers and tests still see them)."""
    from voc.sequences.engine import SequenceWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    for w in caught:
        m = w.message
        if isinstance(m, SequenceWarning) and getattr(m, "code", ""):
            into.append({"code": m.code, "level": "warning", "message": m.cause, "fix": m.fix, "source": "sequences"})
        warnings.warn_explicit(m, w.category, w.filename, w.lineno)


def basis(journeys: pd.DataFrame, counts: dict[str, Any]) -> dict[str, Any]:
    """What the journey figures rest on."""
    n_contacts = journeys["n_contacts"] if "n_contacts" in journeys.columns else pd.Series([], dtype=float)
    return {
        "journeys": int(len(journeys)),
        "events": int(counts.get("events_out", 0)),
        "contacts": int(counts.get("contacts", 0) or 0),
        "contacts_matched": int(counts.get("contacts_matched", 0) or 0),
        "match_rate": counts.get("match_rate"),
        "contacts_with_events": int(counts.get("contacts_with_events", 0) or 0),
        "event_match_rate": counts.get("event_match_rate"),
        "journeys_with_contact": int((n_contacts.fillna(0).astype(float) > 0).sum()),
        "case_based": bool(counts.get("case_based", False)),
    }


def friction_distribution(journeys: pd.DataFrame, friction: pd.DataFrame | dict[str, int]) -> dict[str, Any]:
    """Share of journeys with friction, score quantiles (all journeys and flagged ones), a
    10-point histogram, journeys and share per kind, and time parked (hours) quantiles.
    ``friction``: the friction table, or already {kind: journeys with that kind}."""
    n = int(len(journeys))
    score = (journeys["friction_score"].astype(float).fillna(0.0).to_numpy() if n else np.zeros(0))
    flagged = score[score > 0]
    q = lambda a: {f"p{round(x * 100)}": (round(float(np.quantile(a, x)), 2) if len(a) else None)  # noqa: E731
                   for x in SCORE_QUANTILES}
    counts, _ = np.histogram(score, bins=np.array(HISTOGRAM_EDGES, dtype=float))
    if isinstance(friction, dict):
        by_kind = friction
    else:
        by_kind = friction.groupby("kind")["journey_id"].nunique().to_dict() if len(friction) else {}
    out: dict[str, Any] = {
        "journeys": n,
        "journeys_with_friction": int(len(flagged)),
        "share_with_friction": round(len(flagged) / n, 4) if n else None,
        "score_quantiles": q(score),
        "score_quantiles_flagged": q(flagged),
        "histogram": {"edges": list(HISTOGRAM_EDGES), "journeys": [int(c) for c in counts]},
        "by_kind": {k: {"journeys": int(by_kind.get(k, 0)), "share": round(by_kind.get(k, 0) / n, 4) if n else None}
                    for k in FRICTION_KINDS},
    }
    if "parked_s" in journeys.columns and n:
        parked = journeys["parked_s"].astype(float).fillna(0.0).to_numpy() / 3600.0
        out["parked_hours"] = {"journeys_parked": int((parked > 0).sum()),
                               **{k: v for k, v in q(parked).items()}}
    return out
