"""Calendar periods (UTC): the start of each contact's day, week (Monday) or month, the full run of
periods between the first and last contact (empty periods included: a zero is data), how much of
each period the data covers, and the 'season' a period is compared within (its weekday for days)."""
from __future__ import annotations

import pandas as pd

PERIODS = ("day", "week", "month")


def period_start(ts: pd.Series, period: str) -> pd.Series:
    """Start (UTC, midnight) of the period holding each timestamp; NaT stays NaT."""
    if period not in PERIODS:
        raise ValueError(f"period must be one of {PERIODS}, not {period!r}")
    t = pd.to_datetime(ts, utc=True, errors="coerce")
    day = t.dt.floor("D")
    if period == "day":
        return day
    if period == "week":
        return day - pd.to_timedelta(day.dt.weekday, unit="D")
    return day - pd.to_timedelta(day.dt.day - 1, unit="D")


def next_start(start: pd.Timestamp, period: str) -> pd.Timestamp:
    if period == "day":
        return start + pd.Timedelta(days=1)
    if period == "week":
        return start + pd.Timedelta(days=7)
    return start + pd.offsets.MonthBegin(1)


def period_range(first: pd.Timestamp, last: pd.Timestamp, period: str) -> list[pd.Timestamp]:
    """Every period start from the one holding ``first`` to the one holding ``last``."""
    s = period_start(pd.Series([first, last]), period)
    out, cur = [], s.iloc[0]
    while cur <= s.iloc[1]:
        out.append(cur)
        cur = next_start(cur, period)
    return out


def coverage(starts: list[pd.Timestamp], first: pd.Timestamp, last: pd.Timestamp, period: str) -> list[float]:
    """Share of each period's days that lie between the first and the last contact's day (1.0 for
    whole periods; less for the periods the data starts or ends in)."""
    d0, d1 = pd.Timestamp(first).floor("D"), pd.Timestamp(last).floor("D")
    out = []
    for s in starts:
        e = next_start(s, period)
        days = (e - s).days
        lo, hi = max(s, d0), min(e - pd.Timedelta(days=1), d1)
        out.append(max(0, (hi - lo).days + 1) / days)
    return out


def season(starts: pd.Series, period: str) -> pd.Series:
    """The group a period is compared within: its weekday for days (Mondays with Mondays), else one group."""
    if period == "day":
        return pd.to_datetime(starts, utc=True).dt.weekday.astype("int64")
    return pd.Series(0, index=starts.index, dtype="int64")
