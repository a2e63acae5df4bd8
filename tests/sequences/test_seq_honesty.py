"""Issue 11, points 2 and 4 on the sequence statistics: lift and confidence only on enough journeys,
with an interval and a test; no 'contact:intent=unknown' outcome; Markov figures beside what the
journeys show."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy.stats import fisher_exact

from voc.config import JourneyConfig
from voc.sequences import SequenceWarning, outcome_paths, patterns
from voc.sequences.engine import prepare
from voc.sequences.outcomes import frequent_intents
from voc.sequences.significance import pattern_scores, wilson

T0 = pd.Timestamp("2024-03-01T09:00:00Z")


def timeline(journeys: dict[str, list], intents: dict | None = None) -> pd.DataFrame:
    rows = []
    for j, steps in journeys.items():
        for k, e in enumerate(steps):
            rows.append({"journey_id": j, "ts": T0 + pd.Timedelta(minutes=k), "seq": k, "event": e,
                         "intent": (intents or {}).get((j, k))})
    return pd.DataFrame(rows)


def test_wilson_interval_by_hand():
    lo, hi = wilson(np.array([5, 0]), np.array([10, 20]))
    assert lo[0] == pytest.approx(0.2366, abs=1e-4) and hi[0] == pytest.approx(0.7634, abs=1e-4)
    assert lo[1] == 0.0 and hi[1] == pytest.approx(0.1611, abs=1e-4)


def test_p_value_is_the_doubled_one_sided_fisher_test():
    count, with_outcome, n, n_outcome = np.array([40, 40, 30]), np.array([30, 5, 9]), 200, 60
    s = pattern_scores(count, with_outcome, n, n_outcome, min_journeys=20)
    for i in range(3):
        table = [[with_outcome[i], count[i] - with_outcome[i]],
                 [n_outcome - with_outcome[i], n - n_outcome - count[i] + with_outcome[i]]]
        side = "greater" if with_outcome[i] / count[i] >= n_outcome / n else "less"
        assert s["p_value"][i] == pytest.approx(min(1.0, 2 * fisher_exact(table, alternative=side)[1]), rel=1e-9)
    assert s["confidence"][0] == pytest.approx(0.75) and s["lift"][0] == pytest.approx(2.5)
    assert s["p_value"][0] < 1e-6 and s["p_value"][2] > 0.5


def test_lift_needs_min_journeys_behind_the_pattern_and_the_outcome():
    """Lift 8.3 was reported on an outcome reached by one case."""
    journeys = {f"j{k}": ["a", "b"] + (["X"] if k == 0 else []) for k in range(30)}
    journeys.update({f"k{k}": ["a", "c"] for k in range(10)})
    cfg = JourneyConfig(outcomes={"conv": ["X"]}, min_support=0.1, pattern_outcomes=["conv"])
    with pytest.warns(SequenceWarning, match=r"\[E323\] Outcome 'conv' is reached by 1 of 40 journeys"):
        df = patterns(timeline(journeys), cfg)
    conv = df[df["outcome"] == "conv"]
    assert len(conv) and conv["lift"].isna().all() and conv["confidence"].isna().all()
    assert (conv["count_with_outcome"] >= 0).all()                           # the counts stay
    # enough journeys: kept, with an interval around the confidence and a p-value
    journeys = {f"j{k}": ["a", "b"] + (["X"] if k < 25 else []) for k in range(60)}
    journeys.update({f"k{k}": ["a", "c"] + (["X"] if k < 2 else []) for k in range(30)})
    with warnings.catch_warnings():
        warnings.simplefilter("error", SequenceWarning)
        df = patterns(timeline(journeys), cfg)
    b = df[(df["outcome"] == "conv") & (df["pattern"] == "b")].iloc[0]
    assert b["confidence"] == pytest.approx(25 / 60) and b["lift"] == pytest.approx((25 / 60) / (27 / 90))
    assert b["confidence_low"] < b["confidence"] < b["confidence_high"] and 0 <= b["p_value"] < 0.05
    c = df[(df["outcome"] == "conv") & (df["pattern"] == "c")].iloc[0]
    assert c["lift"] == pytest.approx((2 / 30) / (27 / 90))


def test_unknown_intent_is_no_default_outcome():
    journeys = {f"j{k}": ["browse", "contact:chat"] for k in range(10)}
    intents = {(f"j{k}", 1): ("unknown" if k < 6 else "billing") for k in range(10)}
    with prepare(timeline(journeys, intents), JourneyConfig(min_support=0.1)) as tl:
        assert frequent_intents(tl, JourneyConfig(min_support=0.1)) == ["billing"]
    df = patterns(timeline(journeys, intents), JourneyConfig(min_support=0.1, min_journeys=1))
    assert "contact:intent=unknown" not in set(df["outcome"].dropna())
    assert "contact:intent=billing" in set(df["outcome"].dropna())


def test_markov_reach_beside_the_observed_share_through_a_hub():
    """A first-order chain through a hub gives 'b' a reach probability of 0.5 for an outcome that no
    journey through 'b' ever reached."""
    journeys = {f"a{k}": ["a", "hub", "X"] for k in range(30)}
    journeys.update({f"b{k}": ["b", "hub", "done"] for k in range(30)})
    cfg = JourneyConfig(outcomes={"conv": ["X"]})
    with pytest.warns(SequenceWarning, match=r"\[E324\] Outcome 'conv'"):
        op = outcome_paths(timeline(journeys), cfg).set_index("step")
    assert op.loc["b", "p_reach"] == pytest.approx(0.5) and op.loc["b", "observed_share"] == 0.0
    assert op.loc["b", "removal_effect"] == pytest.approx(0.5) and op.loc["b", "observed_removal"] == 0.0
    assert op.loc["a", "p_reach"] == pytest.approx(0.5) and op.loc["a", "observed_share"] == 1.0
    assert op.loc["hub", "observed_share"] == pytest.approx(0.5) and op.loc["hub", "journeys"] == 60
    assert op.loc["hub", "observed_removal"] == 1.0 and op.loc["hub", "removal_effect"] == pytest.approx(1.0)
    assert bool(op.loc["b", "markov_gap"]) and bool(op.loc["a", "markov_gap"]) and not bool(op.loc["hub", "markov_gap"])
    assert op.loc["(start)", "observed_share"] == pytest.approx(0.5) and np.isnan(op.loc["(start)", "observed_removal"])


def test_markov_without_a_gap_does_not_warn():
    journeys = {f"a{k}": ["a", "X"] for k in range(30)}
    journeys.update({f"b{k}": ["b", "done"] for k in range(30)})
    with warnings.catch_warnings():
        warnings.simplefilter("error", SequenceWarning)
        op = outcome_paths(timeline(journeys), JourneyConfig(outcomes={"conv": ["X"]})).set_index("step")
    assert not op["markov_gap"].any()
    assert op.loc["a", "p_reach"] == op.loc["a", "observed_share"] == 1.0
