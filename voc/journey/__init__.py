"""Customer journeys: event timelines, identity resolution, the unified timeline, repeat contact,
friction, and the journey merge. Entry point: ``run_journeys`` (voc.journey.run)."""
from __future__ import annotations

from voc.identifiers import normalise_email, normalise_phone
from voc.journey.events import EVENTS, EventLog, read_events
from voc.journey.identity import resolve

__all__ = ["EVENTS", "EventLog", "normalise_email", "normalise_phone", "read_events", "resolve"]
