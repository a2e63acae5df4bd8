"""Unusual journeys: how unlikely each journey's path and timing are.

Path: a first-order transition model over all journeys (with '(start)' and '(end)' states and
additive smoothing ``journey.unusual.smoothing``): p(b | a) = (n(a, b) + s) / (n(a) + s V), V the
number of next states. ``mean_step_nll`` is a journey's mean negative log-likelihood per transition
(length-normalised, so long journeys are not unusual by length alone); its rarest transition is
the evidence. Timing and size: log duration and log step count.

Each of the three is turned into a robust z-score (median and 1.4826 x MAD over all journeys;
the standard deviation when the MAD is 0): for the path only unusually *high* NLL counts, for
duration and length both directions. ``anomaly_score`` is the largest of the three and ``reason``
says which; ``is_unusual`` when it is at least 3.5 (the modified z-score cut-off of Iglewicz and
Hoaglin)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from voc.config import JourneyConfig
from voc.journey.predict.timeline import prepare

START, END = "(start)", "(end)"
CUTOFF = 3.5
ANOMALY_COLUMNS = ["journey_id", "rank", "anomaly_score", "is_unusual", "reason", "mean_step_nll", "path_z",
                   "rarest_transition", "rarest_probability", "n_steps", "length_z", "duration_s", "duration_z", "evidence"]


@dataclass
class AnomalyResult:
    anomalies: pd.DataFrame
    info: dict[str, Any]
    warnings: list[dict[str, Any]] = field(default_factory=list)


def robust_z(x: pd.Series) -> pd.Series:
    x = x.astype(float)
    med = float(x.median())
    mad = float((x - med).abs().median()) * 1.4826
    scale = mad if mad > 0 else float(x.std(ddof=0))
    if not scale or scale != scale:
        return pd.Series(0.0, index=x.index)
    return (x - med) / scale


def transitions(tl: pd.DataFrame) -> pd.DataFrame:
    """(journey_id, from_step, to_step) for every transition, '(start)' and '(end)' included."""
    ev = tl["event"].astype(str)
    first = tl["pos"] == 1
    prev = ev.shift(1).where(~first, START)
    body = pd.DataFrame({"journey_id": tl["journey_id"], "from_step": prev, "to_step": ev})
    last = tl.groupby("journey_id", sort=False).tail(1)
    end = pd.DataFrame({"journey_id": last["journey_id"], "from_step": last["event"].astype(str), "to_step": END})
    return pd.concat([body, end], ignore_index=True)


def empty_anomalies() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype=(str if c in ("journey_id", "reason", "rarest_transition", "evidence")
                                                 else "int64" if c in ("rank", "n_steps")
                                                 else bool if c == "is_unusual" else float))
                         for c in ANOMALY_COLUMNS})


def _dur(s: float) -> str:
    if s != s:
        return "n/a"
    if s < 3600:
        return f"{s / 60:.0f} min"
    if s < 86400 * 2:
        return f"{s / 3600:.1f} h"
    return f"{s / 86400:.1f} days"


def unusual_journeys(timeline: pd.DataFrame, config: JourneyConfig) -> AnomalyResult:
    tl = prepare(timeline)
    if tl.empty:
        return AnomalyResult(empty_anomalies(), {"status": "empty"})
    s = config.unusual.smoothing
    tr = transitions(tl)
    pair = tr.groupby(["from_step", "to_step"]).size().rename("n").reset_index()
    out_n = pair.groupby("from_step")["n"].sum()
    V = tr["to_step"].nunique()
    pair["p"] = (pair["n"] + s) / (pair["from_step"].map(out_n) + s * V)
    tr = tr.merge(pair, on=["from_step", "to_step"], how="left")
    tr["nll"] = -np.log(tr["p"])
    g = tr.groupby("journey_id", sort=True)
    mean_nll = g["nll"].mean()
    worst = tr.loc[g["nll"].idxmax()].set_index("journey_id")
    jg = tl.groupby("journey_id", sort=True)
    n_steps = jg.size()
    dur = jg["t"].max() - jg["t"].min()
    path_z = robust_z(mean_nll)
    len_z = robust_z(np.log1p(n_steps.astype(float)))
    dur_z = robust_z(np.log1p(dur.astype(float)))
    parts = pd.DataFrame({"path": path_z.clip(lower=0), "length": len_z.abs(), "duration": dur_z.abs()})
    score = parts.max(axis=1)
    reason = parts.idxmax(axis=1).where(score > 0, "none")
    med_steps, med_dur = float(n_steps.median()), float(dur.median())
    df = pd.DataFrame({
        "journey_id": mean_nll.index.astype(str), "anomaly_score": score.round(3).to_numpy(),
        "reason": reason.to_numpy(), "mean_step_nll": mean_nll.round(4).to_numpy(), "path_z": path_z.round(3).to_numpy(),
        "rarest_transition": (worst["from_step"] + " -> " + worst["to_step"]).reindex(mean_nll.index).to_numpy(),
        "rarest_probability": worst["p"].reindex(mean_nll.index).to_numpy(dtype=float),
        "rarest_count": worst["n"].reindex(mean_nll.index).to_numpy(dtype=float),
        "n_steps": n_steps.to_numpy(dtype="int64"), "length_z": len_z.round(3).to_numpy(),
        "duration_s": dur.to_numpy(dtype=float), "duration_z": dur_z.round(3).to_numpy()})
    df["is_unusual"] = df["anomaly_score"] >= CUTOFF

    def evidence(r: pd.Series) -> str:
        bits = [f"rarest step change {r['rarest_transition']} (p={r['rarest_probability']:.3g}, "
                f"seen {int(r['rarest_count'])}x in all journeys)",
                f"path surprise z={r['path_z']:.1f}",
                f"{r['n_steps']} steps (median {med_steps:.0f}, z={r['length_z']:.1f})",
                f"lasted {_dur(r['duration_s'])} (median {_dur(med_dur)}, z={r['duration_z']:.1f})"]
        order = {"path": [0, 1, 2, 3], "length": [2, 0, 1, 3], "duration": [3, 0, 1, 2], "none": [0, 1, 2, 3]}[r["reason"]]
        return "; ".join(bits[i] for i in order)
    df["evidence"] = df.apply(evidence, axis=1)
    df = df.sort_values(["anomaly_score", "journey_id"], ascending=[False, True], kind="stable").reset_index(drop=True)
    df["rank"] = np.arange(1, len(df) + 1, dtype="int64")
    df = df.drop(columns=["rarest_count"])
    info = {"status": "ok", "journeys": int(len(df)), "unusual": int(df["is_unusual"].sum()), "cutoff": CUTOFF,
            "method": "max of robust z-scores: mean per-transition NLL under a "
                      "smoothed first-order transition model, log duration, log steps"}
    return AnomalyResult(df[ANOMALY_COLUMNS], info)
