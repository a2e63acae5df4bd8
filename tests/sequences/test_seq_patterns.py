"""PrefixSpan (MLlib semantics) against a brute-force counter, and outcome confidence/lift by hand."""
from __future__ import annotations

import math
from itertools import combinations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voc.config import JourneyConfig
from voc.errors import VocError
from voc.sequences import patterns
from voc.sequences.prefixspan import Sequences, min_count, prefixspan

T0 = pd.Timestamp("2024-03-01T09:00:00Z")


def timeline(journeys: dict[str, list], intents: dict[tuple[str, int], str] | None = None,
             minutes: dict[tuple[str, int], float] | None = None) -> pd.DataFrame:
    rows = []
    for j, steps in journeys.items():
        for k, e in enumerate(steps):
            t = (minutes or {}).get((j, k), k)
            rows.append({"journey_id": j, "ts": T0 + pd.Timedelta(minutes=t), "seq": k, "event": e,
                         "intent": (intents or {}).get((j, k))})
    return pd.DataFrame(rows)


def brute_force(seqs: list[list[int]], min_support: float, max_len: int) -> dict[tuple[int, ...], int]:
    """Every distinct subsequence (gaps allowed) of each sequence, counted once per sequence."""
    counts: dict[tuple[int, ...], int] = {}
    for s in seqs:
        seen = {tuple(s[i] for i in idx) for k in range(1, min(max_len, len(s)) + 1)
                for idx in combinations(range(len(s)), k)}
        for p in seen:
            counts[p] = counts.get(p, 0) + 1
    need = max(math.ceil(min_support * len(seqs)), 1)
    return {p: c for p, c in counts.items() if c >= need}


@settings(max_examples=150, deadline=None)
@given(seqs=st.lists(st.lists(st.integers(0, 4), max_size=7), min_size=1, max_size=14),
       min_support=st.sampled_from([0.0, 0.05, 0.2, 0.34, 0.5, 0.75, 1.0]),
       max_len=st.integers(1, 5))
def test_prefixspan_equals_brute_force(seqs, min_support, max_len):
    got = {p: c for p, c, _ in prefixspan(Sequences.from_lists(seqs), min_support, max_len)}
    assert got == brute_force(seqs, min_support, max_len)


@settings(max_examples=60, deadline=None)
@given(seqs=st.lists(st.lists(st.integers(0, 3), max_size=6), min_size=1, max_size=10),
       min_support=st.sampled_from([0.1, 0.3, 0.5]))
def test_weighted_distinct_sequences_equal_the_expanded_database(seqs, min_support):
    distinct: dict[tuple[int, ...], int] = {}
    for s in seqs:
        distinct[tuple(s)] = distinct.get(tuple(s), 0) + 1
    keys = list(distinct)
    weighted = Sequences.from_lists([list(k) for k in keys], weights=[distinct[k] for k in keys])
    got = {p: c for p, c, _ in prefixspan(weighted, min_support, 4)}
    assert got == brute_force(seqs, min_support, 4)


def test_threshold_is_mllib_ceil_and_empty_sequences_count():
    assert min_count(0.01, 13087) == 131 and min_count(0.5, 4) == 2 and min_count(0.0, 10) == 0
    # 4 sequences (one empty): 'a' in 2 of 4 reaches 0.5, 'b' in 1 does not
    got = {p: c for p, c, _ in prefixspan(Sequences.from_lists([[0], [0, 1], [], [2]]), 0.5, 3)}
    assert got == {(0,): 2}


def test_repeated_items_need_repeated_occurrences():
    got = {p: c for p, c, _ in prefixspan(Sequences.from_lists([[0, 0, 1], [0, 1], [1, 0]]), 0.0, 3)}
    assert got[(0, 0)] == 1 and got[(0, 1)] == 2 and got[(1, 0)] == 1 and got[(0, 0, 1)] == 1


JOURNEYS = {"j1": ["a", "b", "X"], "j2": ["a", "c"], "j3": ["b", "X"], "j4": ["a", "b", "c"]}


def test_confidence_and_lift_by_hand_counted_before_the_outcome():
    cfg = JourneyConfig(outcomes={"conv": ["X"]}, min_support=0.5, max_pattern_length=3, pattern_outcomes=["conv"],
                        min_journeys=1)
    df = patterns(timeline(JOURNEYS), cfg)
    plain = df[df["outcome"].isna()].set_index("pattern")
    conv = df[df["outcome"] == "conv"].set_index("pattern")
    # whole journeys: X is in 2 of 4
    assert plain.loc["X", "count"] == 2 and plain.loc["b > X", "support"] == 0.5
    # before the outcome: j1 = a b, j2 = a c, j3 = b, j4 = a b c; P(conv) = 1/2
    assert set(conv.index) == {"a", "b", "c", "a > b", "a > c"}
    assert "X" not in conv.index
    assert conv.loc["a", "count"] == 3 and conv.loc["a", "count_with_outcome"] == 1
    assert conv.loc["a", "confidence"] == pytest.approx(1 / 3) and conv.loc["a", "lift"] == pytest.approx(2 / 3)
    assert conv.loc["b", "confidence"] == pytest.approx(2 / 3) and conv.loc["b", "lift"] == pytest.approx(4 / 3)
    assert conv.loc["a > b", "confidence"] == pytest.approx(0.5) and conv.loc["a > b", "lift"] == pytest.approx(1.0)
    assert conv.loc["c", "confidence"] == 0.0
    assert (conv["length"] == conv.index.str.count(" > ") + 1).all()


def test_contact_intent_and_repeat_contact_outcomes():
    journeys = {
        "j1": ["browse", "error", "contact:chat", "contact:call"],   # repeat 1 day later
        "j2": ["browse", "contact:email", "pay", "contact:chat"],  # second contact 30 days later: no repeat
        "j3": ["browse", "error", "pay"],
    }
    minutes = {("j1", 3): 24 * 60 + 2, ("j2", 3): 30 * 24 * 60}
    intents = {("j1", 2): "billing", ("j1", 3): "billing", ("j2", 1): "delivery", ("j2", 3): "billing"}
    tl = timeline(journeys, intents, minutes)
    cfg = JourneyConfig(min_support=0.3, max_pattern_length=2, repeat_window_days=7, min_journeys=1)
    df = patterns(tl, cfg)
    assert set(df["outcome"].dropna()) == {"contact", "repeat_contact", "contact:intent=billing",
                                           "contact:intent=delivery"}
    rep = df[df["outcome"] == "repeat_contact"].set_index("pattern")
    # only j1 repeats; its path before the repeat includes the first contact
    assert rep.loc["error > contact:chat", "count_with_outcome"] == 1
    assert rep.loc["error", "confidence"] == pytest.approx(0.5) and rep.loc["error", "lift"] == pytest.approx(1.5)
    billing = df[df["outcome"] == "contact:intent=billing"].set_index("pattern")
    # j2's first contact is about delivery: its billing contact comes later, after 'pay'
    assert billing.loc["pay", "count_with_outcome"] == 1
    assert billing.loc["contact:email", "confidence"] == 1.0


def test_unknown_outcome_is_a_clear_error():
    with pytest.raises(VocError) as e:
        patterns(timeline(JOURNEYS), JourneyConfig(pattern_outcomes=["nope"]))
    assert e.value.code == "E322"


def test_patterns_without_any_frequent_item_are_empty_but_typed():
    df = patterns(timeline({"j1": ["a"], "j2": ["b"], "j3": ["c"]}), JourneyConfig(min_support=0.9))
    assert df.empty and "lift" in df.columns and str(df["count"].dtype) == "int64"


@settings(max_examples=80, deadline=None)
@given(seqs=st.lists(st.lists(st.integers(0, 4), max_size=7), min_size=1, max_size=14),
       min_support=st.sampled_from([0.0, 0.2, 0.5]), max_len=st.integers(1, 4), cap=st.integers(1, 30))
def test_capped_mining_returns_the_most_frequent_patterns_with_exact_counts(seqs, min_support, max_len, cap):
    truth = brute_force(seqs, min_support, max_len)
    got = prefixspan(Sequences.from_lists(seqs), min_support, max_len, max_patterns=cap)
    assert len(got) == min(cap, len(truth))
    assert all(truth[p] == c for p, c, _ in got)          # exact frequencies, not estimates
    top = sorted(truth.values(), reverse=True)[:cap]
    assert sorted((c for _, c, _ in got), reverse=True) == top   # the cap keeps the highest counts


def test_max_patterns_keeps_the_most_frequent_per_outcome_cut_ties_shorter_then_alphabetical():
    journeys = {f"j{k}": s for k, s in enumerate([["a", "b", "c"], ["a", "b"], ["a", "c"], ["b", "X"], ["c", "a", "X"]])}
    cfg = JourneyConfig(outcomes={"conv": ["X"]}, min_support=0.2, max_pattern_length=3, pattern_outcomes=["conv"])
    full = patterns(timeline(journeys), cfg.model_copy(update={"max_patterns": None}))
    capped = patterns(timeline(journeys), cfg.model_copy(update={"max_patterns": 4}))
    for outcome, g in full.groupby(full["outcome"].fillna("-")):
        want = g.sort_values(["count", "length", "pattern"], ascending=[False, True, True]).head(4)
        got = capped[capped["outcome"].fillna("-") == outcome]
        assert got["pattern"].tolist() == want["pattern"].tolist()
        assert got["count"].tolist() == want["count"].tolist()
    # whole journeys: a in 4 of 5, b and c in 3 (tie: alphabetical), then X in 2 ties with
    # 'a > b' and 'a > c' (2 each): the shorter one first
    plain = capped[capped["outcome"].isna()]
    assert plain["pattern"].tolist() == ["a", "b", "c", "X"] and plain["count"].tolist() == [4, 3, 3, 2]
