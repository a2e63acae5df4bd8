"""Probability of reaching each outcome from each step, and each step's removal effect
(absorbing Markov chain on the transitions of journeys cut at their first outcome step)."""
from __future__ import annotations

from typing import Sequence

import duckdb
import numpy as np
import pandas as pd

from voc.config import JourneyConfig
from voc.errors import Errors
from voc.sequences.engine import TimelineLike, use, warn
from voc.sequences.markov import START, absorbing
from voc.sequences.outcomes import outcome_specs
from voc.sequences.tables import typed


def outcome_paths(timeline: TimelineLike, config: JourneyConfig | None = None,
                  con: duckdb.DuckDBPyConnection | None = None, *,
                  outcomes: Sequence[str] | None = None) -> pd.DataFrame:
    """step, outcome, p_reach, removal_effect, visits, attributed_share.

    p_reach: probability that a journey at this step goes on to reach the outcome ('(start)':
    share of all journeys that reach it). removal_effect: share of that overall probability
    lost when the step is removed from the journeys (transitions into it lead nowhere).
    attributed_share: removal effects normalised to sum to 1 per outcome (Markov attribution).
    Beside the model, what the journeys show (sql/outcome_step_reach.sql): journeys (through the
    step before the outcome), observed_share (share of them that reached the outcome: the observed
    counterpart of p_reach) and observed_removal (share of the outcome's journeys that went through
    the step: the most its removal could lose). markov_gap: at least journey.min_journeys journeys
    and a modelled figure more than journey.markov_tolerance away from its observed one (E324
    warns once per outcome): a first-order chain through a hub step can give a step a reach
    probability for an outcome that no journey through it ever reached.
    Outcomes: the configured ones, plus contact and repeat_contact when the timeline has contacts.
    """
    config = config or JourneyConfig()
    frames = []
    with use(timeline, config, con) as tl:
        specs = outcome_specs(tl, config, outcomes, intents=False)
        for spec in specs:
            counts = tl.query("outcome_transitions", outcome=spec.params())
            res = absorbing(counts)
            if res.empty:
                continue
            res.insert(1, "outcome", spec.name)
            total = np.nansum(res["removal_effect"].to_numpy(dtype=float))
            res["attributed_share"] = res["removal_effect"] / total if total > 0 else np.nan
            res = with_observed(res, tl.query("outcome_step_reach", outcome=spec.params()), config)
            flag_gaps(res, spec.name, config)
            frames.append(res)
    return typed(pd.concat(frames, ignore_index=True) if frames else None, "outcome_paths")


def with_observed(res: pd.DataFrame, reach: pd.DataFrame, config: JourneyConfig) -> pd.DataFrame:
    """Add journeys, observed_share, observed_removal and markov_gap (see ``outcome_paths``)."""
    r = reach.assign(step=reach["step"].astype(str)).set_index("step")
    journeys = res["step"].map(r["journeys"]).fillna(0).astype("int64")
    reached = res["step"].map(r["reached"]).astype(float)
    total_reached = float(r.loc[START, "reached"]) if START in r.index else 0.0
    res["journeys"] = journeys
    with np.errstate(divide="ignore", invalid="ignore"):
        res["observed_share"] = np.where(journeys > 0, reached / journeys.to_numpy(dtype=float), np.nan)
        res["observed_removal"] = np.where((res["step"] != START) & (total_reached > 0), reached / total_reached, np.nan)
    tol = config.markov_tolerance
    d_reach = (res["p_reach"] - res["observed_share"]).abs()
    d_removal = (res["removal_effect"] - res["observed_removal"]).abs()
    res["markov_gap"] = ((journeys >= config.min_journeys) & ((d_reach > tol) | (d_removal > tol))).astype(bool)
    return res


def flag_gaps(res: pd.DataFrame, outcome: str, config: JourneyConfig) -> None:
    """Warn (E324) when some step's modelled figures differ materially from the observed ones."""
    gaps = res[res["markov_gap"]]
    if not len(gaps):
        return
    worst = gaps.assign(d=(gaps["p_reach"] - gaps["observed_share"]).abs().fillna(0)
                        + (gaps["removal_effect"] - gaps["observed_removal"]).abs().fillna(0)).sort_values("d").iloc[-1]
    warn(Errors.E324, outcome=outcome, n=len(gaps), tol=config.markov_tolerance, step=worst["step"],
         p_reach=float(worst["p_reach"]), observed=float(worst["observed_share"]), journeys=int(worst["journeys"]),
         removal=float(np.nan_to_num(worst["removal_effect"])), observed_removal=float(np.nan_to_num(worst["observed_removal"])))
