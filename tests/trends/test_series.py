"""Trend series: periods, baselines (weekday-aware for days), previous period, expected volume, rates."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from voc.trends.periods import coverage, period_range, period_start
from voc.trends.series import period_counts, resolve_dimensions, trends, trends_table

T0 = pd.Timestamp("2024-01-01", tz="UTC")   # a Monday


def _contacts(rows):
    return pd.DataFrame(rows, columns=["created_at", "intent", "channel", "sentiment"])


def test_period_starts():
    ts = pd.Series(pd.to_datetime(["2024-01-03 15:00", "2024-01-07 23:59", "2024-01-08 00:00", "2024-02-29 12:00"], utc=True))
    assert period_start(ts, "week").dt.strftime("%Y-%m-%d").tolist() == ["2024-01-01", "2024-01-01", "2024-01-08", "2024-02-26"]
    assert period_start(ts, "month").dt.strftime("%Y-%m-%d").tolist() == ["2024-01-01", "2024-01-01", "2024-01-01", "2024-02-01"]
    assert period_start(ts, "day").dt.strftime("%Y-%m-%d").tolist() == ["2024-01-03", "2024-01-07", "2024-01-08", "2024-02-29"]
    starts = period_range(ts.min(), ts.max(), "week")
    assert len(starts) == 9 and starts[0] == T0
    # data from Wednesday to Sunday of the first week, then Monday of the next: 5/7 and 1/7 covered
    assert coverage(starts[:2], pd.Timestamp("2024-01-03", tz="UTC"), pd.Timestamp("2024-01-08 10:00", tz="UTC"), "week") == \
        pytest.approx([5 / 7, 1 / 7])


def test_weekly_baseline_previous_and_expected_by_hand():
    rows = []
    # a: 2, 4, 6, 8 contacts in weeks 0..3; b: 10 each week; week 3 of b is all negative
    for w, (na, nb) in enumerate([(2, 10), (4, 10), (6, 10), (8, 10)]):
        rows += [(T0 + pd.Timedelta(days=7 * w + 1), "a", "chat", "neutral")] * na
        rows += [(T0 + pd.Timedelta(days=7 * w + 2), "b", "email", "negative" if w == 3 else "neutral")] * nb
    tr, warn = trends(_contacts(rows), "week", baseline_periods=2)
    assert warn == []
    a = tr[(tr["dimension"] == "intent") & (tr["value"] == "a")]
    a = a.set_index(a["period_start"].dt.strftime("%m-%d"))
    assert a["contacts"].tolist() == [2, 4, 6, 8]
    assert a["prev_contacts"].tolist()[1:] == [2, 4, 6]
    assert a["base_periods"].tolist() == [0, 1, 2, 2]
    assert a.loc["01-22", "base_contacts"] == 4 + 6 and a.loc["01-22", "baseline_contacts"] == pytest.approx(5.0)
    # expected: a's baseline share of the others' traffic: 10 a-contacts per 20 b-contacts, this week 10 b-contacts
    assert a.loc["01-22", "expected_contacts"] == pytest.approx(10 * 10 / 20)
    b = tr[(tr["value"] == "b")].iloc[-1]
    assert b["negative_share"] == 1.0 and b["baseline_negative_share"] == 0.0 and b["prev_negative_share"] == 0.0
    alls = tr[tr["dimension"] == "all"]
    assert alls["contacts"].tolist() == [12, 14, 16, 18] and alls["share_of_dimension"].eq(1).all()
    # the channel dimension is there too; repeat and FCR are undefined without repeat flags
    assert set(tr["dimension"]) == {"all", "intent", "channel"}
    assert tr["repeat_rate"].isna().all() and tr["fcr"].isna().all()


def test_day_periods_compare_same_weekdays():
    rows = []
    for d in range(28):                       # Mondays are busy: 20 contacts; other days 2
        n = 20 if d % 7 == 0 else 2
        rows += [(T0 + pd.Timedelta(days=d, hours=10), "a", "chat", "neutral")] * n
    tr, _ = trends(_contacts(rows), "day", baseline_periods=3)
    al = tr[tr["dimension"] == "all"]
    al = al.set_index(al["period_start"].dt.strftime("%m-%d"))
    assert al.loc["01-22", "baseline_contacts"] == pytest.approx(20.0)      # the 3 Mondays before
    assert al.loc["01-23", "baseline_contacts"] == pytest.approx(2.0)       # the 3 Tuesdays before
    assert al.loc["01-22", "prev_contacts"] == 2                            # the previous period is the day before
    assert al.loc["01-22", "expected_contacts"] == pytest.approx(20.0)


def test_partial_last_period_is_marked_and_expected_scaled():
    rows = [(T0 + pd.Timedelta(days=d, hours=9), "a", "chat", "neutral") for d in range(7 * 4 + 2)]   # ends on Tuesday
    tr, _ = trends(_contacts(rows), "week", baseline_periods=4)
    last = tr[tr["dimension"] == "all"].iloc[-1]
    assert bool(last["partial"]) and last["coverage"] == pytest.approx(2 / 7)
    assert last["expected_contacts"] == pytest.approx(7 * 2 / 7)


def test_repeat_and_fcr_counts_from_flags():
    c = _contacts([(T0 + pd.Timedelta(days=i), "a", "chat", None) for i in range(6)])
    c["is_repeat"] = pd.array([False, True, False, False, None, True], dtype="boolean")
    c["resolved_first_contact"] = pd.array([False, None, True, True, None, None], dtype="boolean")
    counts = period_counts(c, {"intent": "intent"}, "month")
    row = counts[counts["dimension"] == "intent"].iloc[0]
    assert (row["repeat_known"], row["repeats"], row["first_contacts"], row["resolved"],
            row["sentiment_known"]) == (5, 2, 3, 2, 0)
    tr = trends_table(counts, "month", 3)
    r = tr[tr["dimension"] == "intent"].iloc[0]
    assert r["repeat_rate"] == pytest.approx(2 / 5) and r["fcr"] == pytest.approx(2 / 3) and np.isnan(r["negative_share"])


def test_fcr_leaves_out_first_contacts_whose_follow_up_is_not_observed():
    # the last days' first contacts have no resolution yet (their window runs past the data): not unresolved
    c = _contacts([(T0 + pd.Timedelta(days=i), "a", "chat", None) for i in range(4)])
    c["is_repeat"] = pd.array([False, False, False, False], dtype="boolean")
    c["resolved_first_contact"] = pd.array([True, False, None, None], dtype="boolean")
    row = period_counts(c, {"intent": "intent"}, "month").query("dimension == 'intent'").iloc[0]
    assert (row["first_contacts"], row["resolved"]) == (2, 1)
    r = trends_table(period_counts(c, {"intent": "intent"}, "month"), "month", 3).query("dimension == 'intent'").iloc[0]
    assert r["fcr"] == pytest.approx(1 / 2)


def test_configured_dimensions_and_warnings():
    c = _contacts([(T0, "a", "chat", "neutral")]).assign(status=["open"], empty=[None], topic_id=[-1], topic_label=["-1_x"])
    c["email"] = ["a@b.example"]
    dims, warn = resolve_dimensions(c, ["status", "product", "empty", "email"])
    assert dims == {"intent": "intent", "topic": "topic_label", "channel": "channel", "status": "status"}
    assert len(warn) == 3 and "'product' is not in the contacts table" in warn[0] and "'empty' is empty" in warn[1]
    assert "'email' identifies a person" in warn[2]
    tr, _ = trends(c, "week", 4, ["status"])
    assert tr.loc[tr["dimension"] == "topic", "value"].tolist() == ["unassigned"]   # BERTopic outliers are no topic


def test_no_timestamps_is_a_warning_not_a_crash():
    c = _contacts([(None, "a", "chat", "neutral")] * 3)
    tr, warn = trends(c, "week", 4)
    assert tr.empty and any("no created_at" in w for w in warn)


def test_fcr_is_the_headline_metric_definition_repeats_included():
    # voc.metrics: FCR = of the contacts whose follow-up window is observed, the share not followed by a
    # same-issue contact; a repeat contact is such a contact too (it may itself be resolved or not)
    c = _contacts([(T0 + pd.Timedelta(days=i), "a", "chat", None) for i in range(3)])
    c["is_repeat"] = pd.array([False, True, True], dtype="boolean")
    c["resolved_first_contact"] = pd.array([False, True, False], dtype="boolean")
    row = period_counts(c, {"intent": "intent"}, "month").query("dimension == 'intent'").iloc[0]
    assert (row["first_contacts"], row["resolved"]) == (3, 1)
