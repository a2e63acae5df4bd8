"""Drift: is the intent model still fit for what customers ask? Two signals, each tested against the
earlier periods of this run and, when given, against a previous run's profile (run.json):
- the share of contacts whose intent is 'unknown' (below the model's confidence threshold): Fisher's
  exact test, and a change of at least ``min_unknown_change``;
- the distribution of the intent confidence: two-sample Kolmogorov-Smirnov test against the earlier
  periods (statistic >= ``min_distance``); against a previous run, whose profile keeps only a
  20-bin histogram, a chi-square test of the two histograms and their total-variation distance.
A drift finding is a retraining signal: a warning in the terminal, run.json and the report."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np
import pandas as pd
from scipy import stats

from voc.trends.alerts import period_words
from voc.trends.periods import period_start

BINS = np.linspace(0.0, 1.0, 21)
ACTION = ("The intent model may no longer cover what customers ask: review the 'unknown' and low-confidence "
          "contacts and retrain it (`voc intents train`).")


def _unknown(intent: pd.Series) -> pd.Series:
    s = intent.astype("string").str.strip().str.lower()
    return (s.isna() | s.isin(["unknown", "", "nan", "none"])).astype(bool)


def profile(contacts: pd.DataFrame) -> dict[str, Any]:
    """What a later run compares against: counts of unknown intents and the confidence histogram."""
    if "intent" not in contacts.columns:
        return {}
    unk = _unknown(contacts["intent"])
    out: dict[str, Any] = {"contacts": int(len(contacts)), "unknown": int(unk.sum()),
                           "unknown_share": float(unk.mean()) if len(contacts) else None}
    if "intent_confidence" in contacts.columns:
        conf = pd.to_numeric(contacts["intent_confidence"], errors="coerce").dropna().clip(0, 1)
        hist, _ = np.histogram(conf, bins=BINS)
        out["confidence_bins"] = [round(float(b), 2) for b in BINS]
        out["confidence_hist"] = [int(h) for h in hist]
        out["confidence_median"] = float(conf.median()) if len(conf) else None
    return out


def _finding(signal: str, against: str, observed: float, expected: float, statistic: float, p: float,
             message: str) -> dict[str, Any]:
    return {"signal": signal, "against": against, "observed": round(float(observed), 4),
            "expected": round(float(expected), 4), "statistic": round(float(statistic), 4), "p_value": float(p),
            "message": message}


def drift_within(contacts: pd.DataFrame, period: str, baseline_periods: int, *, alpha: float = 0.01,
                 min_unknown_change: float = 0.05, min_distance: float = 0.10, min_contacts: int = 20) -> list[dict[str, Any]]:
    """The latest period against the ``baseline_periods`` periods before it."""
    if "intent" not in contacts.columns or "created_at" not in contacts.columns:
        return []
    ts = pd.to_datetime(contacts["created_at"], utc=True, errors="coerce")
    c = contacts[ts.notna()].assign(_p=period_start(ts[ts.notna()], period))
    starts = sorted(c["_p"].unique())
    if len(starts) < 2:
        return []
    last = starts[-1]
    base_starts = starts[-1 - baseline_periods:-1]
    now, base = c[c["_p"] == last], c[c["_p"].isin(base_starts)]
    if len(now) < min_contacts or len(base) < min_contacts:
        return []
    when = period_words(pd.Timestamp(last), period)
    before = f"the {len(base_starts)} {period}{'s' if len(base_starts) != 1 else ''} before"
    out = []
    un, ub = _unknown(now["intent"]), _unknown(base["intent"])
    k, n, kb, nb = int(un.sum()), len(un), int(ub.sum()), len(ub)
    p = stats.fisher_exact([[k, n - k], [kb, nb - kb]]).pvalue
    if p < alpha and abs(k / n - kb / nb) >= min_unknown_change:
        verb = "rose" if k / n > kb / nb else "fell"
        out.append(_finding("unknown_share", "earlier periods", k / n, kb / nb, k / n - kb / nb, p,
                            f"Retraining signal: the share of contacts with intent 'unknown' {verb} to {k / n:.0%} {when} "
                            f"from {kb / nb:.0%} in {before} (p = {p:.2g}). " + ACTION))
    if "intent_confidence" in contacts.columns:
        a = pd.to_numeric(now["intent_confidence"], errors="coerce").dropna()
        b = pd.to_numeric(base["intent_confidence"], errors="coerce").dropna()
        if len(a) >= min_contacts and len(b) >= min_contacts:
            ks = stats.ks_2samp(a, b)
            if ks.pvalue < alpha and ks.statistic >= min_distance:
                verb = "fell" if a.median() < b.median() else "rose"
                out.append(_finding("confidence", "earlier periods", a.median(), b.median(), ks.statistic, ks.pvalue,
                                    f"Retraining signal: the intent confidence {verb} {when} (median {a.median():.2f} "
                                    f"vs {b.median():.2f} in {before}; Kolmogorov-Smirnov D = {ks.statistic:.2f}, "
                                    f"p = {ks.pvalue:.2g}). " + ACTION))
    return out


def drift_against(now: dict[str, Any], prev: dict[str, Any], *, alpha: float = 0.01, min_unknown_change: float = 0.05,
                  min_distance: float = 0.10, label: str = "the previous run") -> list[dict[str, Any]]:
    """This run's profile against a previous run's profile."""
    out: list[dict[str, Any]] = []
    if not now or not prev or not now.get("contacts") or not prev.get("contacts"):
        return out
    k, n, kb, nb = int(now["unknown"]), int(now["contacts"]), int(prev["unknown"]), int(prev["contacts"])
    p = stats.fisher_exact([[k, n - k], [kb, nb - kb]]).pvalue
    if p < alpha and abs(k / n - kb / nb) >= min_unknown_change:
        verb = "rose" if k / n > kb / nb else "fell"
        out.append(_finding("unknown_share", label, k / n, kb / nb, k / n - kb / nb, p,
                            f"Retraining signal: the share of contacts with intent 'unknown' {verb} to {k / n:.0%} "
                            f"from {kb / nb:.0%} in {label} (p = {p:.2g}). " + ACTION))
    h1, h0 = np.asarray(now.get("confidence_hist") or [], float), np.asarray(prev.get("confidence_hist") or [], float)
    if len(h1) == len(h0) == len(BINS) - 1 and h1.sum() > 0 and h0.sum() > 0:
        tv = 0.5 * float(np.abs(h1 / h1.sum() - h0 / h0.sum()).sum())
        cols = (h1 + h0) > 0
        chi = stats.chi2_contingency(np.vstack([h1[cols], h0[cols]])) if cols.sum() >= 2 else None
        pv = float(chi.pvalue) if chi is not None else 1.0
        if pv < alpha and tv >= min_distance:
            m1, m0 = now.get("confidence_median"), prev.get("confidence_median")
            med = f" (median {m1:.2f} vs {m0:.2f})" if m1 is not None and m0 is not None else ""
            out.append(_finding("confidence", label, m1 if m1 is not None else np.nan, m0 if m0 is not None else np.nan,
                                tv, pv, f"Retraining signal: the intent-confidence distribution moved against {label}"
                                f"{med}; total-variation distance {tv:.2f}, p = {pv:.2g}. " + ACTION))
    return out


def detect_drift(contacts: pd.DataFrame, period: str, baseline_periods: int, *, previous: Optional[dict[str, Any]] = None,
                 alpha: float = 0.01, min_unknown_change: float = 0.05,
                 min_distance: float = 0.10) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """(drift findings, this run's profile)."""
    prof = profile(contacts)
    found = drift_within(contacts, period, baseline_periods, alpha=alpha, min_unknown_change=min_unknown_change,
                         min_distance=min_distance)
    if previous:
        found += drift_against(prof, previous, alpha=alpha, min_unknown_change=min_unknown_change, min_distance=min_distance)
    return found, prof
