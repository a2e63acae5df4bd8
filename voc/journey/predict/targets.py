"""Prediction targets: where in each journey the target first happens (position and time).

    <name of journey.outcomes>   a step matching the outcome's event names/globs
    repeat_contact               a contact that repeat_contacts.parquet marks is_repeat (same customer,
                                 within journey.repeat_window_days of an earlier contact)
    escalation                   the touch of an 'escalation' friction (friction.parquet)
    contact                      a contact step
    contact:intent=<intent>      a contact with that intent
"""
from __future__ import annotations

from typing import Optional

import numpy as np
import pandas as pd

from voc.config import JourneyConfig
from voc.errors import Errors, VocError
from voc.journey.catalog import matches

BUILTIN = ("repeat_contact", "escalation", "contact")
_INTENT = "contact:intent="


def check_target(name: str, config: JourneyConfig) -> None:
    if name in config.outcomes or name in BUILTIN or (name.startswith(_INTENT) and len(name) > len(_INTENT)):
        return
    raise VocError(Errors.E330, outcome=name, available=", ".join(sorted(config.outcomes)) or "none configured")


def default_targets(config: JourneyConfig, tl: pd.DataFrame, friction: Optional[pd.DataFrame]) -> list[str]:
    if config.predict.outcomes is not None:
        return list(config.predict.outcomes)
    names = list(config.outcomes)
    if (tl["kind"] == "contact").any():
        names.append("repeat_contact")
    if friction is not None and len(friction) and (friction["kind"].astype(str) == "escalation").any():
        names.append("escalation")
    return names


def _first(rows: pd.DataFrame) -> pd.DataFrame:
    if rows.empty:
        return pd.DataFrame({"target_pos": pd.Series([], dtype=float), "target_t": pd.Series([], dtype=float)})
    g = rows.groupby("journey_id")
    return pd.DataFrame({"target_pos": g["pos"].min().astype(float), "target_t": g["t"].min()})


def target_positions(tl: pd.DataFrame, name: str, config: JourneyConfig, *,
                     repeat_contacts: Optional[pd.DataFrame] = None,
                     friction: Optional[pd.DataFrame] = None) -> pd.DataFrame:
    """Index journey_id (journeys where the target happens): target_pos (1-based step), target_t."""
    check_target(name, config)
    if name in config.outcomes:
        pats = config.outcomes[name]
        names = pd.Series(tl["event"].unique())
        hit = set(names[names.map(lambda n: matches(str(n), pats))])
        return _first(tl[tl["event"].isin(hit)])
    is_contact = tl["kind"] == "contact"
    if name == "contact":
        return _first(tl[is_contact])
    if name.startswith(_INTENT):
        return _first(tl[is_contact & (tl["intent"] == name[len(_INTENT):])])
    if name == "repeat_contact":
        if repeat_contacts is None or not len(repeat_contacts):
            return _first(tl.iloc[0:0])
        rc = repeat_contacts
        rep = set(rc.loc[rc["is_repeat"].astype("boolean").fillna(False).astype(bool), "contact_id"].astype(str))
        return _first(tl[is_contact & tl["contact_id"].isin(rep)])
    # escalation: the escalating touch is the friction's (journey, ts)
    if friction is None or not len(friction):
        return _first(tl.iloc[0:0])
    fr = friction[friction["kind"].astype(str) == "escalation"]
    if fr.empty:
        return _first(tl.iloc[0:0])
    esc_t = (pd.to_datetime(fr["ts"], utc=True) - pd.Timestamp(0, tz="UTC")).dt.total_seconds()
    first_t = pd.Series(esc_t.to_numpy(dtype=float), index=fr["journey_id"].astype(str).to_numpy()).groupby(level=0).min()
    m = tl[tl["journey_id"].isin(first_t.index)]
    m = m[m["t"].to_numpy() >= m["journey_id"].map(first_t).to_numpy() - 1e-6]
    return _first(m)


def labels(cuts: pd.DataFrame, target: pd.DataFrame, *, horizon_s: Optional[float], open_s: Optional[float],
           data_end_t: float) -> pd.DataFrame:
    """Per journey at one cut: status and label.

    status  too_short          the journey does not reach the cut (not labelled, not scored)
            reached_in_prefix  the target already happened by the cut (nothing to predict)
            labelled           label 1: the target happens after the cut (within horizon_s when set);
                               label 0: it does not and the journey is over (or the horizon has passed)
            open               not happened yet and the journey is still running: scored, not labelled
    """
    tp = target["target_pos"].reindex(cuts.index)
    tt = target["target_t"].reindex(cuts.index)
    after = tp > cuts["cut_pos"]
    in_prefix = tp <= cuts["cut_pos"]
    within = after if horizon_s is None else after & (tt <= cuts["cut_t"] + horizon_s)
    if horizon_s is not None:
        settled = cuts["cut_t"] + horizon_s <= data_end_t
    elif open_s is not None:
        settled = cuts["end_t"] < data_end_t - open_s
    else:
        settled = pd.Series(True, index=cuts.index)
    status = np.where(~cuts["reached"], "too_short",
                      np.where(in_prefix.fillna(False), "reached_in_prefix",
                               np.where(within.fillna(False) | settled, "labelled", "open")))
    label = np.where(status == "labelled", within.fillna(False).astype(float), np.nan)
    return pd.DataFrame({"status": status, "label": label}, index=cuts.index)
