"""Alert detection on synthetic series with known spikes: a spike must be found, a stable series must
give (almost) no alert at the FDR level across many seeds. Rates over seeds, never one lucky seed."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from voc.trends.alerts import AlertSettings, bh_qvalues, binom_sf_continuous, detect_alerts
from voc.trends.series import trends

T0 = pd.Timestamp("2024-01-01", tz="UTC")
# 20 intents from 3 to 40 contacts a week (a few small ones, as in real support queues)
RATES = {f"intent_{k:02d}": r for k, r in enumerate([3, 3, 4, 5, 6, 8, 10, 12, 15, 20] * 2)}


def synth(seed: int, weeks: int = 14, spike: tuple[str, int, float] | None = None, p_neg: dict | None = None,
          scale: dict | None = None, new: tuple[str, int, int] | None = None) -> pd.DataFrame:
    """Poisson weekly counts per intent, uniform times in the week; ``spike`` = (intent, week, factor);
    ``p_neg`` = {(intent, week): share negative}; ``scale`` = {week: factor on every intent};
    ``new`` = (value, week, count): a value never seen before."""
    rng = np.random.default_rng(seed)
    rows = []
    for w in range(weeks):
        for it, r in RATES.items():
            lam = r * (spike[2] if spike and spike[0] == it and spike[1] == w else 1) * (scale or {}).get(w, 1)
            pn = (p_neg or {}).get((it, w), 0.2)
            for _ in range(rng.poisson(lam)):
                rows.append((T0 + pd.Timedelta(days=7 * w + rng.uniform(0, 7)), it, rng.choice(["chat", "email"]),
                             "negative" if rng.random() < pn else "neutral"))
        if new and new[1] == w:
            rows += [(T0 + pd.Timedelta(days=7 * w + rng.uniform(0, 7)), new[0], "chat", "neutral")] * new[2]
    return pd.DataFrame(rows, columns=["created_at", "intent", "channel", "sentiment"])


def _alerts(c: pd.DataFrame, **kw) -> pd.DataFrame:
    tr, _ = trends(c, "week", 8)
    al, _ = detect_alerts(tr, AlertSettings(**kw))
    return al


def test_bh_qvalues_match_scipy():
    p = np.random.default_rng(0).uniform(0, 0.2, 50) ** 2
    assert bh_qvalues(p) == pytest.approx(stats.false_discovery_control(p, method="bh"))


def test_continuous_binomial_tail_matches_the_exact_one():
    for x, n, p in [(5, 20, 0.1), (1, 3, 0.5), (18, 42, 1 / 9)]:
        assert binom_sf_continuous(np.array([x]), np.array([n]), np.array([p]))[0] == pytest.approx(stats.binom.sf(x - 1, n, p))
    assert binom_sf_continuous(np.array([0.0]), np.array([5.0]), np.array([0.3]))[0] == 1.0


def test_a_6x_week_of_a_small_intent_is_found():
    # intent_00 has ~3 contacts a week; in the last week it has ~18
    found = 0
    seeds = range(12)
    for seed in seeds:
        al = _alerts(synth(seed, spike=("intent_00", 13, 6.0)))
        hit = al[(al["dimension"] == "intent") & (al["value"] == "intent_00") & (al["metric"] == "volume")]
        if len(hit):
            found += 1
            a = hit.iloc[0]
            assert a["observed"] > a["expected"] and a["effect"] >= 1.5 and a["q_value"] <= 0.05
            assert a["kind"] in ("spike", "growing") and "intent_00" in a["sentence"] and "week of" in a["sentence"]
    assert found / len(seeds) >= 0.8, found


def test_stable_series_give_almost_no_alert_at_the_fdr_level():
    # every week from 5 to 14 tested against up to 8 weeks before: under no change, the chance of any
    # alert in a run is at most the FDR level (0.05, BH controls the family-wise rate under the global
    # null), so the share of weeks with an alert is far below it (measured: 1 of 200 weeks, 20 seeds)
    weeks_with_alert, weeks = 0, 0
    for seed in range(10):
        tr, _ = trends(synth(100 + seed), "week", 8)
        al, info = detect_alerts(tr, AlertSettings(test_periods=10, min_baseline_periods=3))
        weeks += len(info["tested_periods"])
        weeks_with_alert += al["period_start"].nunique()
    assert weeks == 100
    assert weeks_with_alert / weeks <= 0.05, weeks_with_alert


def test_a_busy_week_for_everyone_is_not_a_spike_of_each_intent():
    al = _alerts(synth(7, scale={13: 2.0}))
    assert not ((al["dimension"] == "intent") & (al["metric"] == "volume")).any()
    assert ((al["dimension"] == "all") & (al["metric"] == "volume")).any()     # the total is what changed


def test_negative_share_rise_is_a_rate_alert():
    al = _alerts(synth(3, p_neg={("intent_09", 13): 0.7}), min_rate_contacts=10)   # ~20 contacts a week
    hit = al[(al["value"] == "intent_09") & (al["metric"] == "negative_share")]
    assert len(hit) == 1 and hit.iloc[0]["kind"] == "rate" and hit.iloc[0]["effect"] >= 0.1
    assert "negative share rose to" in hit.iloc[0]["sentence"]


def test_a_new_value_is_an_emerging_issue_and_a_tiny_one_is_not():
    al = _alerts(synth(4, new=("card_blocked_abroad", 13, 9)))
    hit = al[al["value"] == "card_blocked_abroad"]
    assert len(hit) == 1 and hit.iloc[0]["kind"] == "new" and "none in the 8 weeks before" in hit.iloc[0]["sentence"]
    al = _alerts(synth(4, new=("card_blocked_abroad", 13, 3)))        # below min_volume (5)
    assert not (al["value"] == "card_blocked_abroad").any()


def test_alert_fields():
    al = _alerts(synth(1, spike=("intent_05", 13, 5.0)))
    assert len(al)
    for col in ("metric", "dimension", "value", "period_start", "observed", "expected", "effect", "p_value", "q_value",
                "sentence", "kind", "n", "baseline_periods"):
        assert al[col].notna().all(), col
    assert (al["q_value"] >= al["p_value"]).all() and (al["q_value"] <= 0.05).all()


def test_too_little_history_tests_nothing():
    c = synth(0, weeks=3)
    tr, _ = trends(c, "week", 8)
    al, info = detect_alerts(tr, AlertSettings(min_baseline_periods=3))
    assert al.empty and info["tests"] == 0 and info["tested_periods"] == []


def test_day_periods_with_a_strong_weekday_pattern_do_not_alert_on_mondays():
    # Mondays carry 5x the traffic of other days; a per-day test against the days before would flag every Monday
    mondays, alerts = 0, 0
    for seed in range(5):
        rng = np.random.default_rng(seed)
        rows = []
        for d in range(7 * 10):
            for _ in range(rng.poisson(100 if d % 7 == 0 else 20)):
                rows.append((T0 + pd.Timedelta(days=d, seconds=float(rng.uniform(0, 86400))), "a", "chat", "neutral"))
        tr, _ = trends(pd.DataFrame(rows, columns=["created_at", "intent", "channel", "sentiment"]), "day", 4)
        al, info = detect_alerts(tr, AlertSettings(period="day", test_periods=14))
        mondays += sum(pd.Timestamp(t).weekday() == 0 for t in info["tested_periods"])
        alerts += int(((al["dimension"] == "all") & (al["metric"] == "volume")).sum())
    assert mondays == 10 and alerts == 0


def test_a_barely_begun_last_week_is_not_tested_the_week_before_is():
    c = synth(5, weeks=15, spike=("intent_03", 13, 6.0))
    c = c[c["created_at"] < T0 + pd.Timedelta(days=7 * 14 + 1)]          # week 14 holds only its Monday
    tr, _ = trends(c, "week", 8)
    al, info = detect_alerts(tr, AlertSettings())
    assert info["tested_periods"] == [(T0 + pd.Timedelta(weeks=13)).isoformat()]
    assert info["skipped_partial"]["coverage"] == pytest.approx(1 / 7, abs=1e-3)
    assert ((al["value"] == "intent_03") & (al["metric"] == "volume")).any()
    al, info = detect_alerts(tr, AlertSettings(min_coverage=0.1))             # tested when asked
    assert info["tested_periods"] == [(T0 + pd.Timedelta(weeks=14)).isoformat()] and "skipped_partial" not in info
