"""Ordered funnel over the configured steps (journey.funnel).

A journey reaches step k when it did steps 1..k in this order (other steps may come between).
A step may be a glob (e.g. ``checkout_*``): any event name it matches reaches the step.
A funnel step that never occurs in the timeline is reported, not fatal: its row carries the
E304 message in ``warning`` (and a SequenceWarning is emitted), because one misspelt step must
not sink a whole journeys run; ``strict=True`` raises the VocError E304 instead.
"""
from __future__ import annotations

import difflib
from typing import Sequence

import duckdb
import pandas as pd

from voc.config import JourneyConfig
from voc.errors import Errors, VocError
from voc.globs import expand
from voc.sequences.engine import TimelineLike, use, warn
from voc.sequences.tables import empty, typed


def _examples(step: str, events: list[str]) -> str:
    close = difflib.get_close_matches(step, events, n=3, cutoff=0.6)
    frequent = [e for e in events[:5] if e not in close]
    hint = (f"did you mean {', '.join(repr(c) for c in close)}? " if close else "")
    return hint + "most frequent: " + ", ".join(repr(e) for e in frequent)


def step_specs(steps: Sequence[str], names: Sequence[str]) -> list[dict]:
    """Each funnel step as {name, events}: the names of the log its pattern reaches (voc.globs: the
    same glob semantics as every config list; a plain name reaches itself)."""
    return [{"name": s, "events": expand([s], names) or [s]} for s in steps]


def funnel(timeline: TimelineLike, config: JourneyConfig | None = None,
           con: duckdb.DuckDBPyConnection | None = None, *,
           steps: Sequence[str] | None = None, strict: bool = False) -> pd.DataFrame:
    """step_index, step, journeys, conversion_from_start, drop_off_from_previous,
    journeys_with_step, total_journeys, median_s_from_previous, warning.

    conversion_from_start = journeys at step k / journeys at step 1;
    drop_off_from_previous = 1 - journeys at step k / journeys at step k-1 (NULL for step 1).
    Empty (typed) when no funnel is configured.
    """
    config = config or JourneyConfig()
    steps = list(config.funnel if steps is None else steps)
    if not steps:
        return empty("funnel")
    with use(timeline, config, con) as tl:
        df = tl.query("funnel", steps=step_specs(steps, tl.steps))
        df["warning"] = None
        missing = df["journeys_with_step"] == 0
        if missing.any():
            events = tl.event_counts()["event"].astype(str).tolist()
            for k in df.index[missing]:
                step = str(df.at[k, "step"])
                if strict:
                    raise VocError(Errors.E304, step=step, examples=_examples(step, events))
                df.at[k, "warning"] = warn(Errors.E304, step=step, examples=_examples(step, events))
        return typed(df, "funnel")
