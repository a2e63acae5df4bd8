"""Absorbing-chain outcome paths, removal effects, funnel and step times, by hand."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from voc.config import JourneyConfig
from voc.errors import VocError
from voc.sequences import SequenceWarning, funnel, outcome_paths, step_times
from voc.sequences.markov import absorbing, removal_by_recompute

T0 = pd.Timestamp("2024-03-01T09:00:00Z")


def timeline(journeys: dict[str, list], minutes: dict[str, list[float]] | None = None) -> pd.DataFrame:
    rows = []
    for j, steps in journeys.items():
        for k, e in enumerate(steps):
            m = (minutes or {}).get(j, list(range(len(steps))))[k]
            rows.append({"journey_id": j, "ts": T0 + pd.Timedelta(minutes=m), "seq": k, "event": e})
    return pd.DataFrame(rows)


# cut at the outcome X:  j1 start a b X | j2 start a c end | j3 start b X | j4 start a b c end
CHAIN = {"j1": ["a", "b", "X", "a"], "j2": ["a", "c"], "j3": ["b", "X"], "j4": ["a", "b", "c"]}


def test_absorption_probabilities_and_removal_effects_by_hand():
    cfg = JourneyConfig(outcomes={"conv": ["X"]})
    df = outcome_paths(timeline(CHAIN), cfg).set_index("step")
    assert set(df["outcome"]) == {"conv"}
    # P: start->a 3/4, start->b 1/4, a->b 2/3, a->c 1/3, b->X 2/3, b->c 1/3, c->end 1
    assert df.loc["c", "p_reach"] == 0
    assert df.loc["b", "p_reach"] == pytest.approx(2 / 3)
    assert df.loc["a", "p_reach"] == pytest.approx(4 / 9)
    assert df.loc["(start)", "p_reach"] == pytest.approx(1 / 2)   # = 2 of 4 journeys reach X
    # without b nothing reaches X; without a only start->b->X (1/4 * 2/3 = 1/6) is left
    assert df.loc["b", "removal_effect"] == pytest.approx(1.0)
    assert df.loc["a", "removal_effect"] == pytest.approx(1 - (1 / 6) / (1 / 2))
    assert df.loc["c", "removal_effect"] == pytest.approx(0.0)
    assert np.isnan(df.loc["(start)", "removal_effect"])
    assert df["attributed_share"].sum() == pytest.approx(1.0)
    # visits: transitions into the step on the cut paths (the 'a' after X in j1 is not counted)
    assert df.loc["a", "visits"] == 3 and df.loc["(start)", "visits"] == 4


def test_closed_form_removal_equals_rebuilding_the_chain_on_random_journeys():
    rng = np.random.default_rng(7)
    steps = ["s0", "s1", "s2", "s3", "s4", "X"]
    journeys = {f"j{k}": list(rng.choice(steps, size=rng.integers(1, 9))) for k in range(300)}
    from voc.sequences.engine import prepare
    from voc.sequences.outcomes import resolve

    cfg = JourneyConfig(outcomes={"conv": ["X"]})
    with prepare(timeline(journeys), cfg) as tl:
        counts = tl.query("outcome_transitions", outcome=resolve("conv", cfg).params())
    res = absorbing(counts).set_index("step")
    observed = sum("X" in s for s in journeys.values()) / len(journeys)
    assert res.loc["(start)", "p_reach"] == pytest.approx(observed)
    p = res.loc["(start)", "p_reach"]
    for s in steps[:-1]:
        assert res.loc[s, "removal_effect"] == pytest.approx(1 - removal_by_recompute(counts, s) / p, abs=1e-9)


def test_funnel_counts_only_steps_done_in_order():
    journeys = {
        "j1": ["view", "cart", "pay"],
        "j2": ["cart", "view", "pay"],          # cart before view: reaches view only... then pay? no cart after view
        "j3": ["view", "x", "cart", "x", "pay"],  # gaps allowed
        "j4": ["view", "pay", "cart"],            # pay before cart
        "j5": ["other"],
    }
    df = funnel(timeline(journeys), JourneyConfig(funnel=["view", "cart", "pay"]))
    assert df["journeys"].tolist() == [4, 3, 2]
    assert df["conversion_from_start"].tolist() == pytest.approx([1.0, 0.75, 0.5])
    assert np.isnan(df.loc[0, "drop_off_from_previous"])
    assert df["drop_off_from_previous"][1:].tolist() == pytest.approx([0.25, 1 / 3])
    assert df["journeys_with_step"].tolist() == [4, 4, 4] and (df["total_journeys"] == 5).all()
    assert df["warning"].isna().all()


def test_funnel_matches_a_repeated_step_at_its_next_occurrence():
    df = funnel(timeline({"j": ["a", "b", "a"]}), JourneyConfig(funnel=["a", "b", "a"]))
    assert df["journeys"].tolist() == [1, 1, 1]
    df = funnel(timeline({"j": ["a", "b"]}), JourneyConfig(funnel=["a", "b", "a"]))
    assert df["journeys"].tolist() == [1, 1, 0]


def test_funnel_median_time_from_previous_step():
    tl = timeline({"j1": ["a", "b"], "j2": ["a", "b"], "j3": ["a", "z", "b"]},
                  {"j1": [0, 1], "j2": [0, 3], "j3": [0, 1, 10]})
    df = funnel(tl, JourneyConfig(funnel=["a", "b"]))
    assert df.loc[1, "median_s_from_previous"] == 180.0


def test_funnel_step_that_never_occurs_warns_with_e304_or_raises_when_strict():
    tl = timeline({"j1": ["view", "checkout"]})
    cfg = JourneyConfig(funnel=["view", "chekout"])
    with pytest.warns(SequenceWarning, match="E304"):
        df = funnel(tl, cfg)
    assert df.loc[1, "journeys"] == 0 and "E304" in df.loc[1, "warning"] and "'checkout'" in df.loc[1, "warning"]
    with pytest.raises(VocError) as e:
        funnel(tl, cfg, strict=True)
    assert e.value.code == "E304"


def test_no_funnel_configured_gives_an_empty_typed_frame():
    df = funnel(timeline({"j1": ["a"]}), JourneyConfig())
    assert df.empty and list(df.columns[:6]) == ["step_index", "step", "journeys", "conversion_from_start",
                                                  "drop_off_from_previous", "journeys_with_step"]


def test_step_time_quantiles_and_time_to_outcome():
    tl = timeline({"j1": ["a", "b", "X"], "j2": ["a", "b"], "j3": ["a", "b", "c", "X"], "j4": ["a", "b"]},
                  {"j1": [0, 1, 5], "j2": [0, 2], "j3": [0, 3, 4, 60], "j4": [0, 10]})
    df = step_times(tl, JourneyConfig(outcomes={"conv": ["X"]}))
    ab = df[(df["from_step"] == "a") & (df["to_step"] == "b")].iloc[0]
    # a->b gaps: 1, 2, 3, 10 minutes
    assert ab["n"] == 4 and ab["median_s"] == 150.0 and ab["mean_s"] == 240.0
    assert ab["p90_s"] == pytest.approx(60 * (3 + 0.7 * 7))  # linear interpolation, like Spark's percentile
    assert ab["kind"] == "transition"
    tto = df[df["kind"] == "time_to_outcome"].iloc[0]
    assert (tto["from_step"], tto["to_step"], tto["n"]) == ("(start)", "outcome:conv", 2)
    assert tto["median_s"] == pytest.approx(60 * (5 + 60) / 2)
