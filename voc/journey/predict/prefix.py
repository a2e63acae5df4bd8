"""Prefix cuts: what is known of a journey at the moment a prediction is made.

``events:K`` keeps each journey's first K steps; ``hours:H`` keeps the steps at or before its
first step + H hours. A journey *reaches* a cut when it has K steps (for hours: a step after
start + H), and only journeys that reach it are labelled at that cut (as in Teinemaa et al.,
who evaluate prefix length k on the cases of length >= k). Features are computed from the
prefix rows alone, so nothing after the cut can leak into them."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from voc.config import PredictConfig
from voc.journey.predict.timeline import journey_spans


@dataclass(frozen=True)
class Prefix:
    kind: Literal["events", "hours"]
    size: float

    @property
    def name(self) -> str:
        size = int(self.size) if float(self.size).is_integer() else self.size
        return f"{self.kind}:{size}"


def prefixes(config: PredictConfig) -> list[Prefix]:
    out = [Prefix("events", int(k)) for k in config.prefix_events if int(k) >= 1]
    out += [Prefix("hours", float(h)) for h in config.prefix_hours if float(h) > 0]
    seen, uniq = set(), []
    for p in out:
        if p.name not in seen:
            seen.add(p.name)
            uniq.append(p)
    return uniq


def cut(tl: pd.DataFrame, prefix: Prefix) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(prefix rows, cuts). ``cuts`` (index journey_id): n_total, reached (the journey reaches the
    cut), cut_pos (steps in the prefix), cut_t (epoch seconds of the cut), start, end_t."""
    spans = journey_spans(tl)
    if prefix.kind == "events":
        k = int(prefix.size)
        rows = tl[tl["pos"] <= k]
        reached = spans["n_total"] >= k
        cut_pos = np.minimum(spans["n_total"], k)
        kth = rows.groupby("journey_id")["t"].max()
        cut_t = kth.reindex(spans.index)
    else:
        limit = tl["journey_id"].map(spans["start_t"] + prefix.size * 3600.0)
        rows = tl[tl["t"] <= limit]
        cut_t = spans["start_t"] + prefix.size * 3600.0
        reached = spans["end_t"] > cut_t
        cut_pos = rows.groupby("journey_id").size().reindex(spans.index).fillna(0).astype(int)
    cuts = pd.DataFrame({"n_total": spans["n_total"], "reached": reached.astype(bool), "cut_pos": cut_pos.astype(int),
                         "cut_t": cut_t.astype(float), "start": spans["start"], "end_t": spans["end_t"]})
    return rows.reset_index(drop=True), cuts
