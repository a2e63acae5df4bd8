"""Outcomes that patterns and outcome paths are measured against, resolved from their names.

    <name of journey.outcomes>   any event the configured names or globs reach (e.g. conversion:
                                 [order_placed], resolved: ['Completed-Resolved-*']; voc.globs:
                                 the same semantics as stages, errors and waits)
    contact                      a contact step ('contact:<channel>')
    contact:intent=<intent>      a contact whose intent is <intent>
    repeat_contact               a contact at most journey.repeat_window_days after an earlier
                                 contact of the same journey (timeline approximation of
                                 repeat_contacts.parquet: it does not check same_issue)

``OutcomeSpec.params()`` is what the outcome queries of ``voc.sequences.sql`` take as ``outcome``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal, Sequence

from voc.config import JourneyConfig
from voc.errors import Errors, VocError
from voc.globs import expand

Kind = Literal["events", "contact", "contact_intent", "repeat_contact"]
_INTENT_PREFIX = "contact:intent="


@dataclass(frozen=True)
class OutcomeSpec:
    name: str
    kind: Kind
    events: tuple[str, ...] = ()
    intent: str | None = None
    window_s: float = 0.0

    def params(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "events": list(self.events),
                "intent": self.intent, "window_s": float(self.window_s)}


def resolve(name: str, config: JourneyConfig, steps: Sequence[str] | None = None) -> OutcomeSpec:
    """The outcome called ``name``. ``steps``: the step names of the timeline, against which the
    patterns of a configured outcome are expanded (globs, any case); without them the configured
    names are taken literally."""
    if name in config.outcomes:
        pats = config.outcomes[name]
        events = expand(pats, steps) if steps is not None else list(pats)
        return OutcomeSpec(name=name, kind="events", events=tuple(events))
    if name == "contact":
        return OutcomeSpec(name=name, kind="contact")
    if name == "repeat_contact":
        return OutcomeSpec(name=name, kind="repeat_contact", window_s=config.repeat_window_days * 86400.0)
    if name.startswith(_INTENT_PREFIX) and len(name) > len(_INTENT_PREFIX):
        return OutcomeSpec(name=name, kind="contact_intent", intent=name[len(_INTENT_PREFIX):])
    raise VocError(Errors.E322, outcome=name, available=", ".join(sorted(config.outcomes)) or "none configured")


def column_name(outcome: str) -> str:
    """The journey-feature flag column of an outcome: reached_<name> (lower case, [a-z0-9_])."""
    return "reached_" + (re.sub(r"[^0-9a-zA-Z]+", "_", outcome).strip("_").lower() or "outcome")


def default_outcomes(config: JourneyConfig, *, has_contacts: bool, intents: list[str]) -> list[str]:
    """journey.pattern_outcomes when set, else every configured outcome, plus contact,
    repeat_contact and contact:intent=<x> for the given (frequent) intents when there are contacts."""
    if config.pattern_outcomes is not None:
        return list(config.pattern_outcomes)
    names = list(config.outcomes)
    if has_contacts:
        names += ["contact", "repeat_contact"] + [f"{_INTENT_PREFIX}{i}" for i in intents]
    return names


def frequent_intents(tl: Any, config: JourneyConfig) -> list[str]:
    """Intents of contact steps found in at least min_support of the journeys (the same threshold
    as patterns, so an intent outcome always has enough journeys to say something)."""
    from voc.sequences.prefixspan import min_count

    intents = tl.contact_intents()
    if intents.empty:
        return []
    need = max(min_count(config.min_support, tl.n_journeys()), 1)
    keep = intents.loc[intents["journeys"] >= need, "intent"]
    return [str(i) for i in keep if str(i).strip().lower() not in UNKNOWN_INTENTS]


UNKNOWN_INTENTS = {"unknown", "none", "(none)", ""}
"""Intents that say nothing (the classifier abstained): never an outcome by default -- patterns
leading to 'contact:intent=unknown' only describe what the model could not name."""


def step_names(tl: Any) -> list[str] | None:
    """The step names of a prepared timeline (DuckDB ``Prepared`` or ``SparkTimeline``); None for a
    timeline that does not know them (configured outcome names are then taken literally)."""
    steps = getattr(tl, "steps", None)
    return None if steps is None else list(steps)


def outcome_specs(tl: Any, config: JourneyConfig, outcomes: Sequence[str] | None, *, intents: bool) -> list[OutcomeSpec]:
    """The named ``outcomes`` resolved against the timeline's steps, or the default ones (``outcomes_for``)
    when None: what patterns, step times and outcome paths measure, on either engine."""
    if outcomes is not None:
        steps = step_names(tl)
        return [resolve(o, config, steps) for o in outcomes]
    return outcomes_for(tl, config, intents=intents)


def outcomes_for(tl: Any, config: JourneyConfig, *, intents: bool) -> list[OutcomeSpec]:
    """The outcomes to measure on the prepared timeline ``tl`` (see ``default_outcomes``)."""
    has_contacts = tl.has_contacts()
    names = default_outcomes(config, has_contacts=has_contacts,
                             intents=frequent_intents(tl, config) if (intents and has_contacts) else [])
    steps = step_names(tl)
    return [resolve(n, config, steps) for n in names]
