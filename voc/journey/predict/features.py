"""Features of a journey prefix (scikit-learn style: vocabularies learnt by ``fit`` on the training
journeys only, ``transform`` computes the same columns for any journeys).

Every feature reads the prefix rows alone (plus the cut time for hour cuts):
  size and time   n_steps, n_distinct_steps, duration_s, mean_gap_s, max_gap_s, since_last_s (cut time
                  minus the last step), start_hour, start_weekday
  steps           step:<name> counts and bigram:<a> > <b> counts (the ``top_steps`` most common in training)
  recent steps    last_step, previous_step (categorical)
  contacts        n_contacts, intent:<x> and topic:<x> counts, mean/min/last sentiment_score, n_negative
  friction so far n_errors (journey.error_events), max_repeats of one step, n_immediate_repeats,
                  max_level and n_level_rises (journey.escalation_order)
  properties      numeric event properties (e.g. an amount) of the first and last prefix step; counts of
                  the most common values of categorical ones (e.g. the resource or page of each step)
"""
from __future__ import annotations

import json
from typing import Any, Optional

import numpy as np
import pandas as pd

from voc.config import JourneyConfig
from voc.journey.catalog import build_catalog

NEGATIVE_BELOW = -0.05
MAX_PROPERTY_KEYS = 10
MAX_LEVELS = 500


def step_catalog(names: list[str], config: JourneyConfig, *, case_based: bool) -> pd.DataFrame:
    """is_error and level per step name (a function of the names and the config only)."""
    cat = build_catalog(sorted(set(names)), config, case_based=case_based)
    return cat.set_index("event")[["is_error", "level"]]


def _props(v: Any) -> dict:
    """An event's ``properties`` JSON object as a dict ({} for anything else)."""
    if not isinstance(v, str) or not v:
        return {}
    try:
        d = json.loads(v)
    except ValueError:
        return {}
    return d if isinstance(d, dict) else {}


def _as_number(x: Any) -> Optional[float]:
    """A property value as a number: ints, floats and numeric text; None for booleans and other text."""
    if isinstance(x, bool):
        return None
    if isinstance(x, (int, float)):
        return float(x)
    if isinstance(x, str):
        try:
            return float(x)
        except ValueError:
            return None
    return None


def _numeric_props(values: pd.Series) -> pd.DataFrame:
    rows = [{k: n for k, x in _props(v).items() if (n := _as_number(x)) is not None} for v in values]
    return pd.DataFrame(rows, index=values.index)


def _string_props(values: pd.Series) -> pd.DataFrame:
    """String-valued event properties (numbers left out: _numeric_props has them) as a frame."""
    rows = [{k: x for k, x in _props(v).items() if isinstance(x, str) and x and _as_number(x) is None} for v in values]
    return pd.DataFrame(rows, index=values.index)


def _top(counts: pd.Series, n: int) -> list[str]:
    counts = counts[counts > 0]
    order = sorted(counts.index, key=lambda k: (-counts[k], str(k)))
    return [str(k) for k in order[:n]]


class PrefixFeaturizer:
    def __init__(self, top_steps: int = 60, top_categories: int = 20, catalog: Optional[pd.DataFrame] = None):
        self.top_steps = top_steps
        self.top_categories = top_categories
        self.catalog = catalog

    # ---- fit --------------------------------------------------------------------------------
    def fit(self, rows: pd.DataFrame, cuts: pd.DataFrame) -> "PrefixFeaturizer":
        self._fit(rows, cuts)
        return self

    def fit_transform(self, rows: pd.DataFrame, cuts: pd.DataFrame) -> pd.DataFrame:
        """``fit(rows, cuts).transform(rows, cuts)``, with the training features computed once (fitting
        computes them to choose the columns) and the event properties parsed once."""
        X = self._fit(rows, cuts)
        return X.reindex(columns=self.columns_).astype(float)

    def _fit(self, rows: pd.DataFrame, cuts: pd.DataFrame) -> pd.DataFrame:
        """Learn the vocabularies and columns; return the features of ``cuts`` (every column)."""
        rows = rows[rows["journey_id"].isin(cuts.index)]
        self.steps_ = _top(rows.groupby("event")["journey_id"].nunique(), self.top_steps)
        bi = self._bigrams(rows)
        self.bigrams_ = _top(bi.groupby("bigram")["journey_id"].nunique(), self.top_steps) if len(bi) else []
        c = rows[rows["kind"] == "contact"]
        self.intents_ = _top(c.dropna(subset=["intent"]).groupby("intent")["journey_id"].nunique(), self.top_categories)
        self.topics_ = _top(c.dropna(subset=["topic_label"]).groupby("topic_label")["journey_id"].nunique(), self.top_categories)
        ends = self._ends(rows)
        props = _numeric_props(ends["properties"]) if len(ends) else pd.DataFrame()
        share = props.notna().mean() if len(props.columns) else pd.Series(dtype=float)
        self.property_keys_ = _top(share[share >= 0.5], MAX_PROPERTY_KEYS) if len(share) else []
        # categorical event properties (e.g. the resource or page of each step): the most common values of the
        # keys present on at least half the steps with 2..MAX_LEVELS distinct values, counted over the prefix
        sp = _string_props(rows["properties"]) if len(rows) else pd.DataFrame()
        self.property_values_: dict[str, list[str]] = {}
        for k in (sp.columns if len(sp.columns) else []):
            col = sp[k].dropna()
            if len(col) >= 0.5 * len(sp) and 2 <= col.nunique() <= MAX_LEVELS:
                # an id of its journey (session, order number) says nothing about another journey: values must recur
                per_value = rows.loc[col.index, "journey_id"].groupby(col).nunique()
                if (per_value >= 2).mean() >= 0.5:
                    self.property_values_[str(k)] = _top(per_value, self.top_categories)
            if len(self.property_values_) >= MAX_PROPERTY_KEYS:
                break
        X = self._transform(rows, cuts, string_props=sp)   # the same rows: their properties are parsed once
        # a column without two distinct values in training carries nothing (and all-NaN ones break binning)
        # (the latest step is always kept: the baseline reads it)
        keep = [c for c in X.columns if X[c].nunique(dropna=True) >= 2 or c in ("last_step", "previous_step")]
        self.columns_ = keep
        self.categorical_ = [c in ("last_step", "previous_step") for c in self.columns_]
        return X

    # ---- helpers ----------------------------------------------------------------------------
    @staticmethod
    def _bigrams(rows: pd.DataFrame) -> pd.DataFrame:
        prev = rows["event"].shift(1)
        same = rows["journey_id"].eq(rows["journey_id"].shift(1))
        b = rows.loc[same, ["journey_id"]].copy()
        b["bigram"] = prev[same].astype(str) + " > " + rows.loc[same, "event"].astype(str)
        return b

    @staticmethod
    def _ends(rows: pd.DataFrame) -> pd.DataFrame:
        g = rows.groupby("journey_id", sort=False)
        return pd.concat([g.head(1), g.tail(1)]) if len(rows) else rows

    def _counts(self, rows: pd.DataFrame, col: str, vocab: list[str], prefix: str, index: pd.Index) -> pd.DataFrame:
        cols = [f"{prefix}{v}" for v in vocab]
        if not vocab:
            return pd.DataFrame(index=index)
        r = rows[rows[col].isin(vocab)]
        if r.empty:
            return pd.DataFrame(0.0, index=index, columns=cols)
        t = r.groupby(["journey_id", col]).size().unstack(fill_value=0)
        t = t.reindex(index=index, columns=vocab, fill_value=0).fillna(0).astype(float)
        t.columns = cols
        return t

    # ---- transform ----------------------------------------------------------------------------
    def transform(self, rows: pd.DataFrame, cuts: pd.DataFrame) -> pd.DataFrame:
        """One row per journey of ``cuts`` (same order); ``rows``: the prefix rows of ``prefix.cut``."""
        return self._transform(rows, cuts)

    def _transform(self, rows: pd.DataFrame, cuts: pd.DataFrame, string_props: Optional[pd.DataFrame] = None
                   ) -> pd.DataFrame:
        """``transform``; ``string_props``: ``_string_props`` of these very rows when already parsed."""
        idx = pd.Index(cuts.index, name="journey_id")
        rows = rows[rows["journey_id"].isin(idx)]
        g = rows.groupby("journey_id", sort=False)
        X = pd.DataFrame(index=idx)
        X["n_steps"] = g.size().reindex(idx).fillna(0).astype(float)
        X["n_distinct_steps"] = g["event"].nunique().reindex(idx).fillna(0).astype(float)
        first_t, last_t = g["t"].min().reindex(idx), g["t"].max().reindex(idx)
        X["duration_s"] = (last_t - first_t).astype(float)
        gap = rows["t"].diff().where(rows["journey_id"].eq(rows["journey_id"].shift(1)))
        gg = gap.groupby(rows["journey_id"])
        X["mean_gap_s"] = gg.mean().reindex(idx).astype(float)
        X["max_gap_s"] = gg.max().reindex(idx).astype(float)
        X["since_last_s"] = (cuts["cut_t"].reindex(idx) - last_t).clip(lower=0).astype(float)
        start = pd.to_datetime(first_t, unit="s", utc=True)
        X["start_hour"] = start.dt.hour.astype(float)
        X["start_weekday"] = start.dt.weekday.astype(float)
        # recent steps: categorical codes into the step vocabulary (len(vocab) = another step)
        code = {s: i for i, s in enumerate(self.steps_)}
        other = float(len(self.steps_))
        last = g["event"].last().reindex(idx)
        prev = rows.groupby("journey_id", sort=False)["event"].nth(-2)
        prev = (pd.Series(prev.to_numpy(), index=rows.loc[prev.index, "journey_id"].to_numpy()).reindex(idx) if len(prev)
                else pd.Series(np.nan, index=idx))
        X["last_step"] = last.map(lambda v: code.get(v, other) if isinstance(v, str) else np.nan).astype(float)
        X["previous_step"] = prev.map(lambda v: code.get(v, other) if isinstance(v, str) else np.nan).astype(float)
        parts = [X, self._counts(rows, "event", self.steps_, "step:", idx)]
        bi = self._bigrams(rows)
        parts.append(self._counts(bi, "bigram", self.bigrams_, "bigram:", idx))
        # contacts
        c = rows[rows["kind"] == "contact"]
        gc = c.groupby("journey_id")
        C = pd.DataFrame(index=idx)
        C["n_contacts"] = gc.size().reindex(idx).fillna(0).astype(float)
        sc = c.dropna(subset=["sentiment_score"]).groupby("journey_id")["sentiment_score"]
        C["mean_sentiment"] = sc.mean().reindex(idx)
        C["min_sentiment"] = sc.min().reindex(idx)
        C["last_sentiment"] = sc.last().reindex(idx)
        C["n_negative_contacts"] = ((c["sentiment_score"] <= NEGATIVE_BELOW).groupby(c["journey_id"]).sum()
                                    .reindex(idx).fillna(0).astype(float))
        parts += [C, self._counts(c, "intent", self.intents_, "intent:", idx),
                  self._counts(c, "topic_label", self.topics_, "topic:", idx)]
        # friction so far
        F = pd.DataFrame(index=idx)
        if self.catalog is not None and len(self.catalog):
            is_err = rows["event"].map(self.catalog["is_error"]).fillna(False).astype(bool)
            level = pd.to_numeric(rows["event"].map(self.catalog["level"]), errors="coerce").astype(float)
        else:
            is_err = pd.Series(False, index=rows.index)
            level = pd.Series(np.nan, index=rows.index)
        F["n_errors"] = is_err.groupby(rows["journey_id"]).sum().reindex(idx).fillna(0).astype(float)
        rep = rows.groupby(["journey_id", "event"]).size()
        F["max_repeats"] = rep.groupby(level=0).max().reindex(idx).fillna(0).astype(float) if len(rep) else 0.0
        same_step = rows["event"].eq(rows["event"].shift(1)) & rows["journey_id"].eq(rows["journey_id"].shift(1))
        F["n_immediate_repeats"] = same_step.groupby(rows["journey_id"]).sum().reindex(idx).fillna(0).astype(float)
        lv = level.groupby(rows["journey_id"])
        F["max_level"] = lv.max().reindex(idx).astype(float)
        run_max = lv.cummax().groupby(rows["journey_id"]).ffill()
        before = run_max.groupby(rows["journey_id"]).shift(1)
        F["n_level_rises"] = (level > before).groupby(rows["journey_id"]).sum().reindex(idx).fillna(0).astype(float)
        parts.append(F)
        # numeric properties of the first and last prefix step
        keys = getattr(self, "property_keys_", [])
        if keys:
            first = g.head(1).set_index("journey_id")["properties"].reindex(idx)
            lastp = g.tail(1).set_index("journey_id")["properties"].reindex(idx)
            pf, pl = _numeric_props(first), _numeric_props(lastp)
            P = pd.DataFrame(index=idx)
            for k in keys:
                P[f"first:{k}"] = pf[k].astype(float) if k in pf.columns else np.nan
                P[f"last:{k}"] = pl[k].astype(float) if k in pl.columns else np.nan
            parts.append(P)
        values = getattr(self, "property_values_", {})
        if values and len(rows):
            sp = string_props if string_props is not None else _string_props(rows["properties"])
            for k, vocab in values.items():
                if k not in sp.columns:
                    continue
                r = pd.DataFrame({"journey_id": rows["journey_id"], "v": sp[k]}, index=rows.index)
                parts.append(self._counts(r, "v", vocab, f"property:{k}=", idx))
        out = pd.concat(parts, axis=1)
        if hasattr(self, "columns_"):
            out = out.reindex(columns=self.columns_)
        return out.astype(float)


def describe(column: str) -> str:
    """A feature column in words (for the drivers table)."""
    plain = {
        "n_steps": "steps so far", "n_distinct_steps": "distinct steps so far", "duration_s": "time from first to last step",
        "mean_gap_s": "mean time between steps", "max_gap_s": "longest gap between steps",
        "since_last_s": "time since the last step at the cut", "start_hour": "hour the journey started",
        "start_weekday": "weekday the journey started", "last_step": "the latest step",
        "previous_step": "the step before the latest",
        "n_contacts": "support contacts so far", "mean_sentiment": "mean contact sentiment",
        "min_sentiment": "lowest contact sentiment",
        "last_sentiment": "sentiment of the latest contact", "n_negative_contacts": "negative contacts so far",
        "n_errors": "error steps so far", "max_repeats": "most repeats of one step",
        "n_immediate_repeats": "immediate repeats of a step",
        "max_level": "highest escalation level reached", "n_level_rises": "escalations so far",
    }
    if column in plain:
        return plain[column]
    for pre, words in (("step:", "times step '{}' occurred"), ("bigram:", "times '{}' occurred"),
                       ("intent:", "contacts with intent '{}'"),
                       ("topic:", "contacts on topic '{}'"), ("first:", "'{}' at the first step"),
                       ("last:", "'{}' at the latest step"),
                       ("property:", "steps with {}")):
        if column.startswith(pre):
            return words.format(column[len(pre):])
    return column
