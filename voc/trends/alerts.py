"""Alerts: what changed in the tested periods, and is it real? Pure functions of the trends table.

Tests (one-sided, in the direction that is bad news):
- volume of a value (intent, topic, channel, ...): its share of the dimension's traffic in the period
  against its baseline share (Fisher's exact test of [[x, others], [baseline x, baseline others]]), so
  a busy week for every intent is not a spike of each; the 'all' dimension: the count against the
  baseline count per covered day (x | x + B ~ Binomial(x + B, e / (e + e_B)), e = covered days).
  Extra-Poisson variation is measured from the baseline periods (a pooled Pearson dispersion per
  dimension, at least 1) and the counts are deflated by it (quasi-Poisson). Volume p-values are mid-p
  values (the exact test is conservative on small counts; mid-p keeps the false-alarm rate near the
  nominal level with more power).
- negative share and repeat-contact rate (up), FCR (down): Fisher's exact test of the period against
  the pooled baseline.
Every cell with data in a tested period counts in the Benjamini-Hochberg correction (q-values across all
metrics, dimensions and tested periods); an alert needs q <= fdr, a minimum volume and a minimum effect
(volume: observed/expected >= min_ratio; rates: a change of min_rate_change)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

import numpy as np
import pandas as pd
from scipy import special, stats

from voc.trends.series import ALL

RATE_METRICS = {  # metric -> (numerator, denominator, bad direction)
    "negative_share": ("negative", "sentiment_known", "greater"),
    "repeat_rate": ("repeats", "repeat_known", "greater"),
    "fcr": ("resolved", "first_contacts", "less"),
}
METRIC_WORDS = {"volume": "contacts", "negative_share": "negative share", "repeat_rate": "repeat-contact rate",
                "fcr": "first-contact resolution"}
NO_ALERT_VALUES = {"unknown", "unassigned", "(none)"}   # the unknown-intent share is a drift signal instead
ALERT_COLUMNS = ["alert_id", "kind", "metric", "dimension", "value", "period", "period_start", "period_end",
                 "observed", "expected", "effect", "effect_kind", "p_value", "q_value", "n", "baseline_periods",
                 "sentence"]


@dataclass
class AlertSettings:
    fdr: float = 0.05
    min_volume: int = 5
    min_rate_contacts: int = 20
    min_ratio: float = 1.5
    min_rate_change: float = 0.10
    min_baseline_periods: int = 3
    test_periods: int = 1
    period: str = "week"
    min_coverage: float = 0.5


def bh_qvalues(p: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (q-values), in the input order."""
    p = np.asarray(p, dtype=float)
    m = len(p)
    if m == 0:
        return p
    order = np.argsort(p)
    ranked = p[order] * m / np.arange(1, m + 1)
    q = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty(m)
    out[order] = np.minimum(q, 1.0)
    return out


def binom_sf_continuous(x: np.ndarray, n: np.ndarray, p: np.ndarray) -> np.ndarray:
    """P(X >= x) for X ~ Binomial(n, p), extended to non-integer x and n (the regularised incomplete beta):
    the quasi-Poisson test deflates the counts by the dispersion. x <= 0 gives 1."""
    x, n, p = (np.asarray(a, dtype=float) for a in (x, n, p))
    out = np.ones_like(x)
    ok = (x > 0) & (n >= x) & (p > 0) & (p < 1)
    out[ok] = special.betainc(x[ok], n[ok] - x[ok] + 1, p[ok])
    out[(x > 0) & (p <= 0)] = 0.0
    return np.clip(out, 0.0, 1.0)


def tested_periods(tr: pd.DataFrame, n: int, min_coverage: float = 0.0) -> list[pd.Timestamp]:
    """The ``n`` most recent periods, leaving out a last period the data covers less than ``min_coverage`` of."""
    cov = tr.groupby(pd.to_datetime(tr["period_start"], utc=True))["coverage"].max().sort_index()
    starts = list(cov.index)
    if starts and cov.iloc[-1] < min_coverage:
        starts = starts[:-1]
    return [pd.Timestamp(s) for s in starts[-n:]]


def dispersion(tr: pd.DataFrame, tested: list[pd.Timestamp]) -> dict[str, float]:
    """Per dimension: the pooled Pearson dispersion of the counts over the untested periods (1 = Poisson;
    never below 1). For a value: its count per period against its overall share of the dimension's
    traffic; for 'all': the count per covered day."""
    out: dict[str, float] = {}
    df = tr[~pd.to_datetime(tr["period_start"], utc=True).isin(tested)]
    for dim, d in df.groupby("dimension", sort=False):
        chi2, dof = 0.0, 0
        for _, g in d.groupby("value", sort=False):
            x = g["contacts"].to_numpy(float)
            w = g["coverage"].to_numpy(float) if dim == ALL else g["dimension_contacts"].to_numpy(float)
            if len(x) < 2 or x.sum() < 5 or w.sum() <= 0:
                continue
            e = x.sum() * w / w.sum()
            keep = e > 0
            chi2 += float(((x[keep] - e[keep]) ** 2 / e[keep]).sum())
            dof += int(keep.sum()) - 1
        out[str(dim)] = float(max(1.0, chi2 / dof)) if dof > 0 else 1.0
    return out


def volume_tests(rows: pd.DataFrame, phi: dict[str, float]) -> pd.DataFrame:
    x = rows["contacts"].to_numpy(float)
    b = rows["base_contacts"].to_numpy(float)
    is_all = (rows["dimension"] == ALL).to_numpy()
    others = (rows["dimension_contacts"] - rows["contacts"]).to_numpy(float)
    base_others = (rows["base_dimension_contacts"] - rows["base_contacts"]).to_numpy(float)
    f = rows["dimension"].map(phi).fillna(1.0).to_numpy(float)
    p = np.full(len(rows), np.nan)
    # a value of a dimension: Fisher's exact test of [[x, others], [baseline x, baseline others]] (mid-p),
    # on counts deflated by the dispersion
    xs, bs, os_, obs_ = (np.rint(a / f).astype(np.int64) for a in (x, b, others, base_others))
    ok = ~is_all & (others > 0) & (base_others > 0)
    M, n, N = xs + bs + os_ + obs_, xs + bs, xs + os_
    p[ok] = 0.5 * (stats.hypergeom.sf(xs[ok] - 1, M[ok], n[ok], N[ok]) + stats.hypergeom.sf(xs[ok], M[ok], n[ok], N[ok]))
    # all contacts: the count against the baseline count per covered day (conditional Poisson rate test)
    w_now, w_base = rows["coverage"].to_numpy(float), rows["base_coverage"].to_numpy(float)
    ok_all = is_all & (w_now > 0) & (w_base > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        pi = w_now / (w_now + w_base)
        pa = 0.5 * (binom_sf_continuous(x / f, (x + b) / f, pi) + binom_sf_continuous(x / f + 1, (x + b) / f, pi))
    p[ok_all] = pa[ok_all]
    expected = rows["expected_contacts"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(expected > 0, x / expected, np.inf)
    return rows.assign(metric="volume", observed=x, expected=expected, effect=ratio, effect_kind="ratio",
                       p_value=p, n=x, dispersion=f)


def rate_tests(rows: pd.DataFrame) -> pd.DataFrame:
    parts = []
    for metric, (num, den, alt) in RATE_METRICS.items():
        k, n = rows[num].to_numpy(int), rows[den].to_numpy(int)
        kb, nb = rows[f"base_{num}"].to_numpy(int), rows[f"base_{den}"].to_numpy(int)
        p = np.full(len(rows), np.nan)
        for i in np.flatnonzero((n > 0) & (nb > 0)):
            p[i] = stats.fisher_exact([[k[i], n[i] - k[i]], [kb[i], nb[i] - kb[i]]], alternative=alt).pvalue
        with np.errstate(divide="ignore", invalid="ignore"):
            obs, exp = k / np.where(n > 0, n, np.nan), kb / np.where(nb > 0, nb, np.nan)
        parts.append(rows.assign(metric=metric, observed=obs, expected=exp, effect=obs - exp, effect_kind="difference",
                                 p_value=p, n=n, n_baseline=nb, direction=alt))
    return pd.concat(parts, ignore_index=True) if parts else rows.iloc[:0]


def period_words(start: pd.Timestamp, period: str) -> str:
    start = pd.Timestamp(start)
    if period == "day":
        return f"on {start:%a %Y-%m-%d}"
    if period == "month":
        return f"in {start:%B %Y}"
    return f"in the week of {start:%Y-%m-%d}"


def _plural(period: str, n: int) -> str:
    if period == "day":
        return f"{n} same weekday{'s' if n != 1 else ''} before"
    return f"{n} {period}{'s' if n != 1 else ''} before"


def sentence(a: pd.Series, period: str) -> str:
    """One plain-language sentence per alert."""
    dim = "All contacts" if a["dimension"] == ALL else f"{a['dimension'].capitalize()} '{a['value']}'"
    when = period_words(a["period_start"], period)
    before = _plural(period, int(a["baseline_periods"]))
    q = f"q = {a['q_value']:.2g}"
    if a["metric"] == "volume":
        if a["kind"] == "new":
            return f"New: {dim} had {int(a['observed'])} contacts {when}, and none in the {before} ({q})."
        grow = " It was already above its baseline the period before." if a["kind"] == "growing" else ""
        return (f"{dim}: {int(a['observed'])} contacts {when}, {a['effect']:.1f}x the {a['expected']:.1f} expected "
                f"from the {before} ({q}).{grow}")
    word = METRIC_WORDS[a["metric"]]
    verb = "fell" if a["effect"] < 0 else "rose"
    return (f"{dim}: {word} {verb} to {a['observed']:.0%} {when} ({int(a['n'])} contacts) from {a['expected']:.0%} "
            f"in the {before} ({q}).")


def detect_alerts(tr: pd.DataFrame, settings: Optional[AlertSettings] = None) -> tuple[pd.DataFrame, dict[str, Any]]:
    """trends table -> (alerts, test summary). Alerts have ALERT_COLUMNS plus the cell's counts."""
    s = settings or AlertSettings()
    info: dict[str, Any] = {"tests": 0, "alerts": 0, "fdr": s.fdr, "tested_periods": [], "dispersion": {}}
    if tr is None or tr.empty:
        return pd.DataFrame(columns=ALERT_COLUMNS), info
    tr = tr.copy()
    tr["period_start"] = pd.to_datetime(tr["period_start"], utc=True)
    tested = tested_periods(tr, s.test_periods, s.min_coverage)
    last = tr["period_start"].max()
    if tested and last not in tested:
        cov = float(tr.loc[tr["period_start"] == last, "coverage"].max())
        info["skipped_partial"] = {"period_start": last.isoformat(), "coverage": round(cov, 3)}
    rows = tr[tr["period_start"].isin(tested) & (tr["base_periods"] >= s.min_baseline_periods)]
    info["tested_periods"] = [t.isoformat() for t in sorted(set(rows["period_start"]))]
    phi = dispersion(tr, tested)
    info["dispersion"] = {k: round(v, 3) for k, v in phi.items()}
    if rows.empty:
        return pd.DataFrame(columns=ALERT_COLUMNS), info
    vol = volume_tests(rows[(rows["contacts"] + rows["base_contacts"]) > 0], phi)
    rat = rate_tests(rows)
    allt = pd.concat([vol, rat], ignore_index=True)
    allt = allt[allt["p_value"].notna()].reset_index(drop=True)
    info["tests"] = int(len(allt))
    allt["q_value"] = bh_qvalues(allt["p_value"].to_numpy())
    is_vol = allt["metric"] == "volume"
    gate_vol = is_vol & (allt["observed"] >= s.min_volume) & (allt["effect"] >= s.min_ratio)
    n_base = allt["n_baseline"] if "n_baseline" in allt.columns else pd.Series(0, index=allt.index)
    bad_dir = np.where(allt.get("direction", pd.Series("", index=allt.index)) == "less", -allt["effect"], allt["effect"])
    gate_rate = ~is_vol & (allt["n"] >= s.min_rate_contacts) & (n_base >= s.min_rate_contacts) & (bad_dir >= s.min_rate_change)
    keep = (allt["q_value"] <= s.fdr) & (gate_vol | gate_rate) & ~allt["value"].astype(str).isin(NO_ALERT_VALUES)
    al = allt[keep].copy()
    if al.empty:
        return pd.DataFrame(columns=ALERT_COLUMNS), info
    # growing: the period before was already clearly up (its own Poisson tail against the baseline < fdr)
    prev = al["prev_contacts"].fillna(0).to_numpy(float)
    base = al["baseline_contacts"].fillna(0).to_numpy(float)
    prev_up = (prev >= s.min_volume) & (prev >= s.min_ratio * base) & (stats.poisson.sf(prev - 1, np.maximum(base, 1e-9)) < s.fdr)
    al["kind"] = np.where(~(al["metric"] == "volume"), "rate",
                          np.where(al["base_contacts"] == 0, "new", np.where(prev_up, "growing", "spike")))
    al["period"] = s.period
    al["baseline_periods"] = al["base_periods"]
    al = al.sort_values(["q_value", "effect"], ascending=[True, False]).reset_index(drop=True)
    al["alert_id"] = [f"A{i + 1:03d}" for i in range(len(al))]
    al["sentence"] = [sentence(r, s.period) for _, r in al.iterrows()]
    info["alerts"] = int(len(al))
    extra = [c for c in ("dispersion", "coverage", "partial") if c in al.columns]
    return al[ALERT_COLUMNS + extra], info


def cell_contacts(contacts: pd.DataFrame, alert: pd.Series, values: pd.Series) -> pd.DataFrame:
    """The contacts behind an alert: the cell's contacts in its period (for rate alerts, those that make
    the rate: negative, repeats, unresolved first contacts). ``values``: the alert dimension's value per contact."""
    ts = pd.to_datetime(contacts["created_at"], utc=True, errors="coerce")
    m = (ts >= pd.Timestamp(alert["period_start"])) & (ts < pd.Timestamp(alert["period_end"]))
    if alert["dimension"] != ALL:
        m &= values.astype(str) == str(alert["value"])
    c = contacts[m]
    metric = alert["metric"]
    if metric == "negative_share" and "sentiment" in c.columns:
        c = c[c["sentiment"].astype(str) == "negative"]
    elif metric == "repeat_rate" and "is_repeat" in c.columns:
        c = c[c["is_repeat"].astype("boolean").fillna(False).astype(bool)]
    elif metric == "fcr" and "resolved_first_contact" in c.columns:
        first = c["is_repeat"].astype("boolean") == False  # noqa: E712
        c = c[first.fillna(False).astype(bool) & ~c["resolved_first_contact"].astype("boolean").fillna(True).astype(bool)]
    return c
