"""Absorbing Markov chain over step transitions: probability of reaching an outcome from each
step, and the removal effect of each step (Markov attribution, Anderl et al. 2016).

Input: transition counts (from_step, to_step, count) of journeys cut at their first outcome
step (``sql/outcome_transitions.sql``), with the transient start state '(start)' and the two
absorbing states '(outcome)' and '(end)'. With P the maximum-likelihood transition matrix,
Q its transient block and r the one-step probabilities into '(outcome)':

    h = (I - Q)^-1 r          p_reach of every step (h['(start)'] equals the observed share of
                              journeys that reach the outcome)
    G = (I - Q)^-1            expected visits; P(visit s | start) = G[start, s] / G[s, s]

Removing a step s (every transition into it goes nowhere, as in Markov attribution) leaves the
paths that avoid s: P_without(s) = h[start] - G[start, s] / G[s, s] * h[s], so one inverse gives
every removal effect: removal_effect(s) = 1 - P_without(s) / h[start].
"""
from __future__ import annotations

import numpy as np
import pandas as pd

START, OUTCOME, END = "(start)", "(outcome)", "(end)"
OTHER = "(other steps)"


def _merge_rare(counts: pd.DataFrame, max_states: int) -> pd.DataFrame:
    steps = pd.concat([counts.groupby("to_step")["count"].sum()])
    steps = steps.drop([s for s in (START, OUTCOME, END) if s in steps.index])
    if len(steps) <= max_states:
        return counts
    keep = set(steps.sort_values(ascending=False).index[:max_states - 1])
    special = {START, OUTCOME, END}
    c = counts.copy()
    for col in ("from_step", "to_step"):
        c[col] = c[col].where(c[col].isin(keep | special), OTHER)
    return c.groupby(["from_step", "to_step"], as_index=False)["count"].sum()


def absorbing(counts: pd.DataFrame, *, max_states: int = 2000) -> pd.DataFrame:
    """step, p_reach, removal_effect, visits for each transient state ('(start)' first).

    ``visits``: transitions into the step (for '(start)': journeys). Steps beyond the
    ``max_states`` most visited are merged into '(other steps)' (dense inverse is O(n^3)).
    """
    cols = ["step", "p_reach", "removal_effect", "visits"]
    if counts is None or len(counts) == 0:
        return pd.DataFrame({c: pd.Series([], dtype="float64" if c in ("p_reach", "removal_effect") else
                                          ("int64" if c == "visits" else "str")) for c in cols})
    counts = _merge_rare(counts[["from_step", "to_step", "count"]], max_states)
    transient = [START] + sorted(set(counts["from_step"]) - {START, OUTCOME, END})
    index = {s: k for k, s in enumerate(transient)}
    n = len(transient)
    out_total = counts.groupby("from_step")["count"].sum()
    Q = np.zeros((n, n))
    r = np.zeros(n)
    fi = counts["from_step"].map(index).to_numpy()
    prob = counts["count"].to_numpy(dtype=float) / counts["from_step"].map(out_total).to_numpy(dtype=float)
    to = counts["to_step"].to_numpy()
    for f, t, p in zip(fi, to, prob):
        if t == OUTCOME:
            r[f] += p
        elif t != END:
            Q[f, index[t]] += p
    A = np.eye(n) - Q
    try:
        G = np.linalg.inv(A)
    except np.linalg.LinAlgError:  # cannot happen with observed journeys (each one ends); stay defined
        G = np.linalg.pinv(A)
    h = G @ r
    p_start = h[0]
    visits_in = counts.groupby("to_step")["count"].sum()
    visits = np.array([int(out_total.get(START, 0)) if s == START else int(visits_in.get(s, 0)) for s in transient])
    diag = np.diag(G)
    with np.errstate(divide="ignore", invalid="ignore"):
        reach_s = np.where(diag > 0, G[0, :] / diag, 0.0)
        p_without = p_start - reach_s * h
        removal = np.where(p_start > 0, 1.0 - p_without / p_start, np.nan)
    removal[0] = np.nan
    h = np.clip(h, 0.0, 1.0)
    removal = np.where(np.isnan(removal), np.nan, np.clip(removal, 0.0, 1.0))
    return pd.DataFrame({"step": transient, "p_reach": h, "removal_effect": removal, "visits": visits})


def removal_by_recompute(counts: pd.DataFrame, step: str) -> float:
    """P(reach the outcome from '(start)') with ``step`` removed, by rebuilding the chain (the
    textbook definition; slower, used to check ``absorbing``)."""
    c = counts.copy()
    c["to_step"] = c["to_step"].where(c["to_step"] != step, END)
    c = c[c["from_step"] != step]
    c = c.groupby(["from_step", "to_step"], as_index=False)["count"].sum()
    res = absorbing(c)
    return float(res.loc[res["step"] == START, "p_reach"].iloc[0])
