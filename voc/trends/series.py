"""Trend series: per dimension (intent, topic, channel, configured columns) and value, per period,
the volume, negative share, repeat-contact rate and first-contact resolution, next to the previous
period and a baseline pooled from earlier periods. Pure table -> table functions.

Definitions (the same as the report's headline figures, per cell):
- volume: contacts created in the period;
- negative share: negative / contacts with a sentiment;
- repeat-contact rate: repeats / contacts whose repeat status is known (``is_repeat``);
- FCR: first contacts (not repeats) resolved at first contact / first contacts;
- baseline: the ``baseline_periods`` periods before (for days: the same weekday of earlier weeks),
  pooled: a rate is sum of numerators / sum of denominators; the baseline volume is per whole period;
- expected contacts: what the cell would hold at its baseline share of the dimension's other traffic
  in this period (so a busy week for everyone is not a spike of each intent); for the 'all'
  dimension, the baseline volume per period times the period's coverage.
"""
from __future__ import annotations

from typing import Iterable, Optional

import numpy as np
import pandas as pd

from voc.trends.periods import coverage, next_start, period_range, period_start, season

UNKNOWN_VALUES = {"", "nan", "none", "<na>", "null"}
COUNTS = ("contacts", "sentiment_known", "negative", "repeat_known", "repeats", "first_contacts", "resolved")
ALL = "all"
# dimension name -> contacts column(s) it reads, first present wins
BUILTIN_DIMENSIONS: dict[str, tuple[str, ...]] = {"intent": ("intent",), "topic": ("topic_label", "topic_id"),
                                                  "channel": ("channel",)}
MISSING_VALUE = {"intent": "unknown", "topic": "unassigned", "channel": "unknown"}
# never a dimension: one value per person or contact (and personal data in trends.parquet / the report)
IDENTIFIER_COLUMNS = {"contact_id", "customer_id", "email", "phone", "source_record", "subject"}
DERIVED_COLUMNS = {"is_repeat", "resolved_first_contact"}


def dimension_values(contacts: pd.DataFrame, dimension: str, column: str) -> pd.Series:
    """The value of ``dimension`` per contact as text; missing values get the dimension's 'unknown'."""
    v = contacts[column]
    if dimension == "topic" and "topic_id" in contacts.columns:
        tid = pd.to_numeric(contacts["topic_id"], errors="coerce")
        if column == "topic_id":
            v = tid.astype("Int64").astype(str)
        v = v.where(tid != -1, None)          # BERTopic's outliers: no topic
    s = v.astype("string").str.strip()
    s = s.where(~s.str.lower().isin(UNKNOWN_VALUES), None)
    return s.fillna(MISSING_VALUE.get(dimension, "(none)")).astype(str)


def resolve_dimensions(contacts: pd.DataFrame, extra: Iterable[str] = ()) -> tuple[dict[str, str], list[str]]:
    """dimension -> contacts column for the built-in dimensions present and the configured extras;
    and a warning for each configured column the table lacks (never silently dropped)."""
    dims: dict[str, str] = {}
    warnings: list[str] = []
    for name, cols in BUILTIN_DIMENSIONS.items():
        col = next((c for c in cols if c in contacts.columns and contacts[c].notna().any()), None)
        if col is not None:
            dims[name] = col
    for col in extra:
        if col in dims or col in dims.values():
            continue
        if col in IDENTIFIER_COLUMNS:
            warnings.append(f"trends.dimensions: column '{col}' identifies a person or a contact (one value each, "
                            "and personal data); it is not trended.")
        elif col not in contacts.columns:
            known = [str(c) for c in contacts.columns if c not in DERIVED_COLUMNS and c not in IDENTIFIER_COLUMNS]
            warnings.append(f"trends.dimensions: column '{col}' is not in the contacts table "
                            f"(columns: {', '.join(known)}); it is not trended.")
        elif contacts[col].isna().all():
            warnings.append(f"trends.dimensions: column '{col}' is empty in every contact; it is not trended.")
        else:
            dims[col] = col
    return dims, warnings


def contact_flags(contacts: pd.DataFrame) -> pd.DataFrame:
    """0/1 indicator columns per contact behind every count of COUNTS (NA-aware)."""
    n = len(contacts)
    out = pd.DataFrame(index=contacts.index)
    out["contacts"] = np.ones(n, dtype=np.int64)
    if "sentiment" in contacts.columns:
        sent = contacts["sentiment"].astype("string")
        known = sent.notna() & ~sent.str.lower().isin(UNKNOWN_VALUES)
        out["sentiment_known"] = known.fillna(False).astype(np.int64)
        out["negative"] = (known & (sent.str.lower() == "negative")).fillna(False).astype(np.int64)
    else:
        out["sentiment_known"] = 0
        out["negative"] = 0
    rep = contacts["is_repeat"].astype("boolean") if "is_repeat" in contacts.columns else pd.Series(pd.NA, index=contacts.index,
                                                                                                    dtype="boolean")
    out["repeat_known"] = rep.notna().astype(np.int64)
    out["repeats"] = rep.fillna(False).astype(np.int64)
    res = contacts["resolved_first_contact"].astype("boolean") if "resolved_first_contact" in contacts.columns else \
        pd.Series(pd.NA, index=contacts.index, dtype="boolean")
    # FCR as voc.metrics defines it (one definition everywhere): of the contacts whose follow-up window is
    # observed, the share not followed by a same-issue contact. A contact whose window runs past the end of the
    # data has no known resolution and is not in the denominator (else the latest period reads as 'FCR fell').
    # ('first_contacts' is the column name of that denominator.)
    first = res.notna().fillna(False)
    out["first_contacts"] = first.astype(np.int64)
    out["resolved"] = (first & res.fillna(False)).astype(np.int64)
    return out


def period_counts(contacts: pd.DataFrame, dimensions: dict[str, str], period: str) -> pd.DataFrame:
    """Long table: dimension, value, period_start and the COUNTS, over the full grid of values x periods
    (a value with no contact in a period has a row of zeros). The 'all' dimension holds every contact."""
    cols = ["dimension", "value", "period_start", *COUNTS]
    ts = pd.to_datetime(contacts["created_at"], utc=True, errors="coerce")
    ok = ts.notna()
    if not ok.any():
        return pd.DataFrame(columns=cols)
    c = contacts[ok]
    flags = contact_flags(c)
    flags["period_start"] = period_start(ts[ok], period)
    starts = period_range(ts[ok].min(), ts[ok].max(), period)
    parts = []
    for dim, col in {ALL: None, **dimensions}.items():
        vals = pd.Series(ALL, index=c.index) if col is None else dimension_values(c, dim, col)
        g = flags.assign(value=vals.values).groupby(["value", "period_start"])[list(COUNTS)].sum()
        grid = pd.MultiIndex.from_product([sorted(vals.unique()), starts], names=["value", "period_start"])
        g = g.reindex(grid, fill_value=0).reset_index()
        g.insert(0, "dimension", dim)
        parts.append(g)
    out = pd.concat(parts, ignore_index=True)
    for k in COUNTS:
        out[k] = out[k].astype(np.int64)
    return out[cols]


def _window_sum(df: pd.DataFrame, keys: list[str], col: str, n: int) -> pd.Series:
    """Sum of ``col`` over the ``n`` rows before each row within its group (df sorted by time in group)."""
    cs = df.groupby(keys, sort=False)[col].cumsum()
    tmp = df[keys].assign(_cs=cs)
    g = tmp.groupby(keys, sort=False)["_cs"]
    return g.shift(1).fillna(0) - g.shift(n + 1).fillna(0)


def _ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    num, den = num.astype("float64"), den.astype("float64")
    return (num / den).where(den > 0)


def trends_table(counts: pd.DataFrame, period: str, baseline_periods: int,
                 first: Optional[pd.Timestamp] = None, last: Optional[pd.Timestamp] = None) -> pd.DataFrame:
    """trends.parquet: one row per dimension, value and period, with the rates, the previous period and
    the baseline (see the module docstring). ``first``/``last``: the first and last contact time (for
    the coverage of partial periods; default: whole periods)."""
    if counts.empty:
        return counts.assign(period_end=pd.Series(dtype="datetime64[ns, UTC]"))
    df = counts.copy()
    df["period_start"] = pd.to_datetime(df["period_start"], utc=True)
    starts = sorted(df["period_start"].unique())
    starts = [pd.Timestamp(s) for s in starts]
    if first is not None and last is not None:
        cov = dict(zip(starts, coverage(starts, first, last, period)))
    else:
        cov = {s: 1.0 for s in starts}
    df["period_end"] = df["period_start"].map(lambda s: next_start(s, period))
    df["coverage"] = df["period_start"].map(cov).astype("float64")
    df["season"] = season(df["period_start"], period).values
    totals = df.groupby(["dimension", "period_start"])["contacts"].transform("sum")
    df["dimension_contacts"] = totals.astype(np.int64)

    df = df.sort_values(["dimension", "value", "season", "period_start"], kind="stable").reset_index(drop=True)
    keys = ["dimension", "value", "season"]
    for k in (*COUNTS, "dimension_contacts", "coverage"):
        df[f"base_{k}"] = _window_sum(df, keys, k, baseline_periods)
    df["base_periods"] = np.minimum(df.groupby(keys, sort=False).cumcount(), baseline_periods).astype(np.int64)
    for k in COUNTS:
        df[f"base_{k}"] = df[f"base_{k}"].round().astype(np.int64)
    df["base_dimension_contacts"] = df["base_dimension_contacts"].round().astype(np.int64)

    df["negative_share"] = _ratio(df["negative"], df["sentiment_known"])
    df["repeat_rate"] = _ratio(df["repeats"], df["repeat_known"])
    df["fcr"] = _ratio(df["resolved"], df["first_contacts"])
    df["share_of_dimension"] = _ratio(df["contacts"], df["dimension_contacts"])

    df = df.sort_values(["dimension", "value", "period_start"], kind="stable").reset_index(drop=True)
    g = df.groupby(["dimension", "value"], sort=False)
    for m in ("contacts", "negative_share", "repeat_rate", "fcr"):
        df[f"prev_{m}"] = g[m].shift(1)

    df["baseline_contacts"] = _ratio(df["base_contacts"], df["base_coverage"])
    df["baseline_negative_share"] = _ratio(df["base_negative"], df["base_sentiment_known"])
    df["baseline_repeat_rate"] = _ratio(df["base_repeats"], df["base_repeat_known"])
    df["baseline_fcr"] = _ratio(df["base_resolved"], df["base_first_contacts"])
    df["baseline_share"] = _ratio(df["base_contacts"], df["base_dimension_contacts"])
    others = (df["dimension_contacts"] - df["contacts"]).astype("float64")
    base_others = (df["base_dimension_contacts"] - df["base_contacts"]).astype("float64")
    exp_share = _ratio(df["base_contacts"] * others, base_others)
    exp_all = df["baseline_contacts"] * df["coverage"]
    df["expected_contacts"] = np.where(df["dimension"] == ALL, exp_all, exp_share)
    df["partial"] = df["coverage"] < 1.0
    front = ["dimension", "value", "period_start", "period_end", "coverage", "partial", "contacts", "negative_share",
             "repeat_rate", "fcr", "share_of_dimension", "prev_contacts", "prev_negative_share", "prev_repeat_rate",
             "prev_fcr", "base_periods", "baseline_contacts", "expected_contacts", "baseline_negative_share",
             "baseline_repeat_rate", "baseline_fcr", "baseline_share"]
    rest = [c for c in df.columns if c not in front and c != "season"]
    return df[front + rest]


def trends(contacts: pd.DataFrame, period: str = "week", baseline_periods: int = 8,
           dimensions: Iterable[str] = ()) -> tuple[pd.DataFrame, list[str]]:
    """contacts (created_at, intent, topic, channel, sentiment, is_repeat, resolved_first_contact, extra
    columns) -> (trends table, warnings)."""
    dims, warnings = resolve_dimensions(contacts, dimensions)
    if "created_at" not in contacts.columns or contacts["created_at"].isna().all():
        warnings.append("trends: the contacts have no created_at timestamps, so no trend or alert can be computed.")
        return trends_table(period_counts(contacts.iloc[:0].assign(created_at=pd.NaT), {}, period), period,
                            baseline_periods), warnings
    counts = period_counts(contacts, dims, period)
    ts = (pd.to_datetime(contacts["created_at"], utc=True, errors="coerce") if "created_at" in contacts.columns
          else pd.Series(dtype="datetime64[ns, UTC]"))
    n_missing = int(ts.isna().sum())
    if n_missing:
        warnings.append(f"trends: {n_missing:,} of {len(contacts):,} contacts have no created_at and are left out of the trends.")
    if counts.empty:
        return trends_table(counts, period, baseline_periods), warnings
    return trends_table(counts, period, baseline_periods, ts.min(), ts.max()), warnings
