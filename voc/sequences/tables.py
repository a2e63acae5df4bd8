"""Columns and dtypes of the tables voc.sequences returns (described in docs/journeys.md, listed in docs/outputs.md).

Every metric returns its frame through ``typed(df, name)``: the contract columns first, in this
order, with these dtypes (an empty but typed frame when a metric is not configured).
"""
from __future__ import annotations

import pandas as pd

STR = "str"
COLUMNS: dict[str, dict[str, str]] = {
    "transitions": {"from_step": STR, "to_step": STR, "count": "int64", "probability": "float64"},
    "step_times": {"from_step": STR, "to_step": STR, "n": "int64", "median_s": "float64", "p90_s": "float64",
                   "mean_s": "float64", "kind": STR},
    "patterns": {"pattern": STR, "length": "int64", "count": "int64", "support": "float64", "outcome": STR,
                 "confidence": "float64", "lift": "float64", "count_with_outcome": "Int64",
                 "confidence_low": "float64", "confidence_high": "float64", "p_value": "float64"},
    "funnel": {"step_index": "int64", "step": STR, "journeys": "int64", "conversion_from_start": "float64",
               "drop_off_from_previous": "float64", "journeys_with_step": "int64", "total_journeys": "int64",
               "median_s_from_previous": "float64", "warning": STR},
    "variants": {"variant": STR, "journeys": "int64", "share": "float64", "length": "Int64", "rank": "int64"},
    "outcome_paths": {"step": STR, "outcome": STR, "p_reach": "float64", "removal_effect": "float64",
                      "visits": "int64", "attributed_share": "float64", "journeys": "int64",
                      "observed_share": "float64", "observed_removal": "float64", "markov_gap": "bool"},
}


# pandas 3 (or 2 with future.infer_string): "str" is a string dtype whose missing values stay
# missing; plain pandas 2 turns None into the text 'None' with astype("str"): keep objects there.
_STR_KEEPS_NA = int(pd.__version__.split(".")[0]) >= 3 or bool(getattr(pd.options.future, "infer_string", False))


def text(s: pd.Series) -> pd.Series:
    """A text column: values as str, missing values missing (None / NaN), on pandas 2 and 3."""
    o = s.astype("object").where(s.notna(), None)
    if _STR_KEEPS_NA:
        return o.astype(STR)
    return o.map(lambda v: v if v is None else str(v)).astype(object)


def empty(name: str) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype=t) for c, t in COLUMNS[name].items()})


def typed(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """``df`` with the columns of ``name`` in contract order and dtypes (extra columns kept after)."""
    cols = COLUMNS[name]
    if df is None or len(df) == 0:
        out = empty(name)
        extra = [c for c in (df.columns if df is not None else []) if c not in cols]
        for c in extra:
            out[c] = pd.Series([], dtype=df[c].dtype)
        return out
    out = pd.DataFrame(index=range(len(df)))
    for c, t in cols.items():
        s = df[c].reset_index(drop=True) if c in df.columns else pd.Series([None] * len(df))
        if t == STR:
            out[c] = text(s)
        else:
            out[c] = s.astype(t)
    for c in df.columns:
        if c not in cols:
            out[c] = df[c].reset_index(drop=True)
    return out
