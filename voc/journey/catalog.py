"""What each distinct step name means, from the config's glob patterns: its stage, whether it is an
error, its escalation level, the outcomes it marks, whether a long gap after it is a wait,
whether it parks the journey in a waiting state and whether it can loop. Names match the config's
patterns as ``voc.globs`` says (the same semantics for every list; contacts only by 'contact:*').
Computed once per distinct name (a few hundred at most), then joined in SQL, so the metric SQL never
needs glob matching and runs unchanged on Spark."""
from __future__ import annotations

from typing import Sequence

import pandas as pd

from voc.config import JourneyConfig
from voc.globs import matches

DEFAULT_WAIT_AFTER = ["order_placed", "order_shipped", "*_started", "*request*", "*submitted*", "*pending*"]


__all__ = ["build_catalog", "build_outcome_map", "matches", "stage_of", "level_of"]


def stage_of(name: str, config: JourneyConfig) -> str | None:
    for stage, patterns in config.stages.items():
        if matches(name, patterns):
            return stage
    if name.startswith("contact:"):
        return config.contact_stage
    return None


def level_of(name: str, config: JourneyConfig) -> int | None:
    """Index in config.escalation_order, or None when the step is no touch of any level."""
    order = [c.lower() for c in config.escalation_order]
    if name.startswith("contact:"):
        ch = name.split(":", 1)[1].lower()
        return order.index(ch) if ch in order else None
    for lvl, patterns in config.escalation_events.items():
        if lvl.lower() in order and matches(name, patterns):
            return order.index(lvl.lower())
    return None


def positive_outcomes(config: JourneyConfig) -> list[str]:
    return [o for o in config.outcomes if not matches(o, config.negative_outcomes)]


def negative_outcomes(config: JourneyConfig) -> list[str]:
    return [o for o in config.outcomes if matches(o, config.negative_outcomes)]


def build_catalog(names: Sequence[str], config: JourneyConfig, *, case_based: bool) -> pd.DataFrame:
    """One row per step name: event, stage, is_error, level, is_wait_step, loopable, is_waiting_state,
    is_positive_outcome, is_negative_outcome."""
    wait_after = config.wait_after if config.wait_after is not None else (["*"] if case_based else DEFAULT_WAIT_AFTER)
    pos, neg = positive_outcomes(config), negative_outcomes(config)
    rows = []
    for name in names:
        if name is None or (isinstance(name, float) and pd.isna(name)):
            continue
        is_contact = name.startswith("contact:")
        row = {
            "event": name,
            "stage": stage_of(name, config),
            "is_error": (not is_contact) and matches(name, config.error_events),
            "level": level_of(name, config),
            "is_wait_step": matches(name, wait_after),
            "loopable": (not is_contact) and not matches(name, config.loop_ignore),
            "is_waiting_state": matches(name, config.waiting_states),
        }
        marks = {o: matches(name, pats) for o, pats in config.outcomes.items()}
        row["is_positive_outcome"] = any(marks[o] for o in pos)
        row["is_negative_outcome"] = any(marks[o] for o in neg)
        rows.append(row)
    df = pd.DataFrame(rows, columns=CATALOG_COLUMNS)
    df["level"] = df["level"].astype("Int64")
    return df


def build_outcome_map(names: Sequence[str], config: JourneyConfig) -> pd.DataFrame:
    """Long table (event, outcome, is_negative): which step names mark which configured outcome."""
    neg = set(negative_outcomes(config))
    rows = [{"event": n, "outcome": o, "is_negative": o in neg}
            for n in names if isinstance(n, str)
            for o, pats in config.outcomes.items() if matches(n, pats)]
    return pd.DataFrame(rows, columns=["event", "outcome", "is_negative"]).astype(
        {"event": object, "outcome": object, "is_negative": bool})


CATALOG_COLUMNS = ["event", "stage", "is_error", "level", "is_wait_step", "loopable", "is_waiting_state",
                   "is_positive_outcome", "is_negative_outcome"]
