"""Transitions, variants, journey features and the timeline preparation, on hand-made timelines."""
from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

from voc.config import JourneyConfig
from voc.errors import VocError
from voc.sequences import SequenceWarning, journey_features, transitions, variants
from voc.sequences.tables import COLUMNS

T0 = pd.Timestamp("2024-03-01T09:00:00Z")


def timeline(rows) -> pd.DataFrame:
    """rows: (journey_id, minutes after T0, event[, seq])."""
    out = []
    for k, r in enumerate(rows):
        j, minutes, event = r[:3]
        out.append({"journey_id": j, "ts": T0 + pd.Timedelta(minutes=minutes), "event": event,
                    "seq": r[3] if len(r) > 3 else k})
    return pd.DataFrame(out)


def as_dict(df: pd.DataFrame) -> dict[tuple[str, str], int]:
    return {(f, t): int(c) for f, t, c in zip(df["from_step"], df["to_step"], df["count"])}


def test_transition_counts_and_probabilities_with_start_and_end():
    tl = timeline([("j1", 0, "a"), ("j1", 1, "b"), ("j1", 2, "c"),
                   ("j2", 0, "a"), ("j2", 5, "c"),
                   ("j3", 0, "b")])
    df = transitions(tl)
    assert list(df.columns) == list(COLUMNS["transitions"])
    assert as_dict(df) == {("(start)", "a"): 2, ("(start)", "b"): 1, ("a", "b"): 1, ("a", "c"): 1,
                           ("b", "c"): 1, ("b", "(end)"): 1, ("c", "(end)"): 2}
    p = {(f, t): pr for f, t, pr in zip(df["from_step"], df["to_step"], df["probability"])}
    assert p[("(start)", "a")] == pytest.approx(2 / 3)
    assert p[("a", "b")] == pytest.approx(0.5)
    assert p[("b", "(end)")] == pytest.approx(0.5)
    assert df.groupby("from_step")["probability"].sum().to_numpy() == pytest.approx(1.0)


def test_ties_on_timestamp_are_ordered_by_seq_not_by_row_order():
    # both steps at the same minute; the row given first has the higher seq
    tl = timeline([("j1", 0, "second", 2), ("j1", 0, "first", 1), ("j1", 3, "third", 3)])
    assert as_dict(transitions(tl)) == {("(start)", "first"): 1, ("first", "second"): 1,
                                        ("second", "third"): 1, ("third", "(end)"): 1}


def test_timestamp_order_wins_over_seq_and_row_order():
    tl = timeline([("j1", 10, "late", 0), ("j1", 0, "early", 5)])
    assert as_dict(transitions(tl)) == {("(start)", "early"): 1, ("early", "late"): 1, ("late", "(end)"): 1}


def test_raw_event_log_without_seq_uses_row_order_for_ties():
    tl = timeline([("j1", 0, "x"), ("j1", 0, "y")]).drop(columns="seq")
    assert as_dict(transitions(tl))[("x", "y")] == 1


def test_rows_without_journey_ts_or_event_are_left_out_and_counted():
    tl = timeline([("j1", 0, "a"), ("j1", 1, "b"), ("j1", 2, "c")])
    tl.loc[1, "event"] = None
    with pytest.warns(SequenceWarning, match="E321"):
        df = transitions(tl)
    assert as_dict(df) == {("(start)", "a"): 1, ("a", "c"): 1, ("c", "(end)"): 1}


def test_missing_required_column_is_a_clear_error():
    with pytest.raises(VocError) as e:
        transitions(pd.DataFrame({"journey_id": ["j"], "event": ["a"]}))
    assert e.value.code == "E320" and "ts" in str(e.value)


def test_string_timestamps_and_duckdb_relation_input(tmp_path):
    tl = timeline([("j1", 0, "a"), ("j1", 1, "b"), ("j2", 0, "b")])
    tl.to_parquet(tmp_path / "t.parquet")
    con = duckdb.connect()
    rel = con.read_parquet(str(tmp_path / "t.parquet"))
    from_rel = transitions(rel, con=con)
    strings = tl.assign(ts=tl["ts"].dt.strftime("%Y-%m-%dT%H:%M:%SZ"))
    assert as_dict(from_rel) == as_dict(transitions(tl)) == as_dict(transitions(strings))
    # the caller's connection is left clean and usable
    assert "__voc_timeline" not in {r[0] for r in con.sql("SELECT view_name FROM duckdb_views()").fetchall()}


def test_variants_group_full_sequences_and_cut_only_the_display():
    rows = []
    for k in range(3):
        rows += [(f"a{k}", 0, "s1"), (f"a{k}", 1, "s2")]
    rows += [("b", i, f"e{i}") for i in range(6)]
    rows += [("c", i, f"e{i}") for i in range(5)] + [("c", 9, "other")]
    df = variants(timeline(rows), JourneyConfig(max_path_steps=3))
    assert df["journeys"].tolist() == [3, 1, 1]
    assert df["share"].tolist() == pytest.approx([0.6, 0.2, 0.2])
    assert df.loc[0, "variant"] == "s1 > s2"
    # b and c share their first 3 steps but are different variants
    assert set(df["variant"][1:]) == {"e0 > e1 > e2 > … (+3 more)"}
    assert sorted(df["length"][1:].tolist()) == [6, 6]


def test_variants_beyond_the_cap_are_summed_in_one_row():
    rows = [(f"j{k}", 0, f"only{k % 4}") for k in range(10)]  # 4 variants: 3, 3, 2, 2 journeys
    df = variants(timeline(rows), JourneyConfig(max_variants=2))
    assert df["variant"].iloc[-1] == "(other variants)"
    assert df["journeys"].tolist() == [3, 3, 4]
    assert df["share"].sum() == pytest.approx(1.0)


def test_journey_features_by_hand():
    tl = timeline([("j1", 0, "home"), ("j1", 1, "search"), ("j1", 2, "search"), ("j1", 3, "search"),
                   ("j1", 10, "contact:chat"), ("j1", 20, "order_placed"),
                   ("j2", 0, "home")])
    cfg = JourneyConfig(outcomes={"conversion": ["order_placed"], "Churn risk!": ["cancel"]}, max_path_steps=2)
    f = journey_features(tl, cfg).set_index("journey_id")
    j1, j2 = f.loc["j1"], f.loc["j2"]
    assert (j1.n_steps, j1.n_distinct_steps, j1.n_loops, j1.n_contacts) == (6, 4, 2, 1)
    assert j1.duration_s == 20 * 60 and j1.time_to_first_contact_s == 10 * 60
    assert (j1.first_step, j1.last_step) == ("home", "order_placed")
    assert j1.path == "home > search > … (+4 more)"
    assert bool(j1.reached_conversion) and not bool(j1.reached_churn_risk)
    assert j2.path == "home" and j2.duration_s == 0 and np.isnan(j2.time_to_first_contact_s)
    assert not bool(j2.reached_conversion)
    assert str(f["start"].dt.tz) == "UTC"


def test_helpdesk_transitions_equal_an_independent_pandas_computation(shared_data):
    from tests.conftest import shared_file

    raw = pd.read_csv(shared_file(shared_data, "helpdesk_eventlog/helpdesk_events.csv"))
    tl = pd.DataFrame({"journey_id": raw["case_id"],
                       "ts": pd.to_datetime(raw["time:timestamp"], utc=True, format="ISO8601"),
                       "event": raw["concept:name"], "seq": np.arange(len(raw))})
    s = tl.sort_values(["journey_id", "ts", "seq"], kind="stable")
    nxt = s.groupby("journey_id")["event"].shift(-1)
    prev = s.groupby("journey_id")["event"].shift(1)
    pairs = pd.concat([
        pd.DataFrame({"from_step": s["event"], "to_step": nxt.fillna("(end)")}),
        pd.DataFrame({"from_step": "(start)", "to_step": s.loc[prev.isna(), "event"]}),
    ])
    expected = pairs.groupby(["from_step", "to_step"]).size()
    got = transitions(tl).set_index(["from_step", "to_step"])["count"]
    assert len(got) == len(expected)
    assert got.sort_index().to_dict() == {k: int(v) for k, v in expected.sort_index().items()}
    assert got.sum() == len(tl) + tl["journey_id"].nunique()
