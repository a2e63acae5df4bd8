"""Probability of reaching each outcome from each step, and each step's removal effect
(absorbing Markov chain on the transitions of journeys cut at their first outcome step)."""
from __future__ import annotations

from typing import Sequence

import duckdb
import numpy as np
import pandas as pd

from voc.config import JourneyConfig
from voc.sequences.engine import TimelineLike, use
from voc.sequences.markov import absorbing
from voc.sequences.outcomes import outcomes_for, resolve
from voc.sequences.tables import typed


def outcome_paths(timeline: TimelineLike, config: JourneyConfig | None = None,
                  con: duckdb.DuckDBPyConnection | None = None, *,
                  outcomes: Sequence[str] | None = None) -> pd.DataFrame:
    """step, outcome, p_reach, removal_effect, visits, attributed_share.

    p_reach: probability that a journey at this step goes on to reach the outcome ('(start)':
    share of all journeys that reach it). removal_effect: share of that overall probability
    lost when the step is removed from the journeys (transitions into it lead nowhere).
    attributed_share: removal effects normalised to sum to 1 per outcome (Markov attribution).
    Outcomes: the configured ones, plus contact and repeat_contact when the timeline has contacts.
    """
    config = config or JourneyConfig()
    frames = []
    with use(timeline, config, con) as tl:
        specs = ([resolve(o, config) for o in outcomes] if outcomes is not None
                 else outcomes_for(tl, config, intents=False))
        for spec in specs:
            counts = tl.query("outcome_transitions", outcome=spec.params())
            res = absorbing(counts)
            if res.empty:
                continue
            res.insert(1, "outcome", spec.name)
            total = np.nansum(res["removal_effect"].to_numpy(dtype=float))
            res["attributed_share"] = res["removal_effect"] / total if total > 0 else np.nan
            frames.append(res)
    return typed(pd.concat(frames, ignore_index=True) if frames else None, "outcome_paths")
