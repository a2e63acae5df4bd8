"""Issue 11, points 2-4: data-quality gates (match rate, patterns that reach nothing, one glob
semantics, catch-all stages), friction relative to the log (long waits per transition, hand-off
ping-pong on journey.columns.actor, time parked) and its spread on real logs."""
from __future__ import annotations

import json
import warnings
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pandas as pd
import pytest

from voc import config as cfg
from voc.config import JourneyConfig
from voc.errors import ConfigError
from voc.journey.events import EventLog, normalise, read_events, to_events_frame
from voc.journey.readers.base import RawEvents
from voc.journey.run import compute, run_journeys

T0 = datetime(2026, 1, 5, 10, 0, tzinfo=timezone.utc)


def at(**delta) -> str:
    return (T0 + timedelta(**delta)).isoformat()


def log_of(rows, config, columns=("case_id", "timestamp", "event")) -> EventLog:
    df = pd.DataFrame(rows, columns=list(columns)).astype(object)
    raw = RawEvents(df, pd.Series([f"line {i + 2}" for i in range(len(df))], dtype=object))
    ev, rejects, info = normalise(raw, Path("test.csv"), config)
    assert not rejects
    return EventLog(to_events_frame(ev), rejects, [info], info["case_based"])


def run(rows, config, contacts=None, columns=("case_id", "timestamp", "event")):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return compute(log_of(rows, config, columns), contacts, config)


def codes(result) -> list[str]:
    return [w["code"] for w in result.warnings]


# ---- one glob semantics ---------------------------------------------------------------------------------

def test_outcome_globs_reach_events_in_every_sequence_table():
    """`resolved: ["Completed-Resolved-*"]` used to reach nothing: the sequence SQL compared names exactly."""
    rows = []
    for k in range(30):
        end = "Completed-Resolved-Fixed" if k % 3 else "completed-resolved-workaround"
        rows += [(f"c{k}", at(days=k), "Accepted-In Progress"), (f"c{k}", at(days=k, hours=2), end)]
    rows += [("x", at(days=40), "Accepted-In Progress"), ("x", at(days=40, hours=1), "Queued")]
    config = JourneyConfig(outcomes={"resolved": ["Completed-Resolved-*"]}, min_support=0.01, min_journeys=5)
    r = run(rows, config)
    j = r["journeys"].set_index("journey_id")
    assert j["reached_resolved"].sum() == 30 and not j.loc["x", "reached_resolved"]
    op = r["outcome_paths"]
    start = op[(op.outcome == "resolved") & (op.step == "(start)")].iloc[0]
    assert start["p_reach"] == pytest.approx(30 / 31)
    pt = r["patterns"]
    assert pt.loc[(pt.outcome == "resolved") & (pt.pattern == "Accepted-In Progress"), "count_with_outcome"].iloc[0] == 30
    st = r["step_times"]
    assert (st.to_step == "outcome:resolved").sum() == 1


def test_funnel_steps_are_globs_too():
    rows = [(f"c{k}", at(minutes=k), e) for k in range(4) for e in (["view"] if k == 3 else ["view", f"checkout_{k}"])]
    r = run(rows, JourneyConfig(funnel=["view", "checkout_*"]))
    f = r["funnel"]
    assert f["journeys"].tolist() == [4, 3] and f["journeys_with_step"].tolist() == [4, 3]
    assert f["step"].tolist() == ["view", "checkout_*"] and f["warning"].isna().all()


def test_a_catch_all_stage_does_not_tag_contacts():
    config = JourneyConfig(stages={"browse": ["*"], "care": []})
    rows = [("A", at(), "page_view"), ("A", at(hours=1), "search")]
    contacts = pd.DataFrame([{"contact_id": "k1", "customer_id": "A", "created_at": at(minutes=30), "channel": "chat"}])
    r = run(rows, config, contacts, columns=("customer_id", "timestamp", "event"))
    tl = r["timeline"].set_index("event")
    assert tl.loc["page_view", "stage"] == "browse" and tl.loc["contact:chat", "stage"] == "support"
    # a pattern that names contacts still reaches them
    r2 = run(rows, JourneyConfig(stages={"browse": ["*"], "care": ["contact:*"]}), contacts,
             columns=("customer_id", "timestamp", "event"))
    assert r2["timeline"].set_index("event").loc["contact:chat", "stage"] == "care"


# ---- data-quality warnings ------------------------------------------------------------------------------

def test_a_pattern_that_matches_no_event_warns_with_the_nearest_names():
    rows = [("c1", at(), "checkout_started"), ("c1", at(hours=1), "order_placed")]
    config = JourneyConfig(stages={"purchase": ["chekout*", "order_placed"]}, outcomes={"won": ["order_plaqued"]},
                           error_events=["*fail*"])
    r = run(rows, config)
    found = {w["pattern"]: w for w in r.warnings if w["code"] == "E311"}
    assert set(found) == {"chekout*", "order_plaqued", "*fail*"}
    assert found["chekout*"]["key"] == "stages.purchase" and "checkout_started" in found["chekout*"]["nearest_events"]
    assert found["order_plaqued"]["nearest_events"][0] == "order_placed"
    # the default error globs are generic guesses: not warned about unless the user set them
    assert "*error*" not in {w.get("pattern") for w in run(rows, JourneyConfig()).warnings}


def test_low_identity_match_rate_is_a_warning_in_journey_run_and_run_json(tmp_path):
    from voc.pipeline.run import add_warnings

    ev = tmp_path / "events.csv"
    pd.DataFrame({"customer_id": ["A", "A", "B"], "timestamp": [at(), at(hours=1), at(hours=2)],
                  "event": ["page_view", "search", "page_view"]}).to_csv(ev, index=False)
    contacts = pd.DataFrame([{"contact_id": f"k{i}", "customer_id": f"Z{i}", "created_at": at(hours=i), "channel": "chat"}
                             for i in range(9)] + [{"contact_id": "k9", "customer_id": "A", "created_at": at(),
                                                    "channel": "chat"}])
    out = tmp_path / "out"
    (out).mkdir()
    (out / "run.json").write_text(json.dumps({"counts": {}}))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = run_journeys([ev], contacts, JourneyConfig(), out)
    w = [x for x in res.warnings if x["code"] == "E310"]
    assert len(w) == 1 and "1 of 10 contacts (10%)" in w[0]["message"] and w[0]["fix"]
    info = json.loads((out / "journey_run.json").read_text())
    assert [x["code"] for x in info["warnings"]].count("E310") == 1
    assert info["basis"]["contacts_with_events"] == 1 and info["basis"]["event_match_rate"] == pytest.approx(0.1)
    add_warnings(out, res.warnings)
    add_warnings(out, res.warnings)           # idempotent: a rerun replaces, never duplicates
    assert [x["code"] for x in json.loads((out / "run.json").read_text())["warnings"]].count("E310") == 1
    # above the threshold: no warning
    ok = compute(log_of([("A", at(), "x")], JourneyConfig(), ("customer_id", "timestamp", "event")),
                 contacts.iloc[[9]], JourneyConfig())
    assert "E310" not in codes(ok)


def test_unknown_column_role_is_a_coded_config_error():
    with pytest.raises(ConfigError) as e:
        cfg.from_dict({"journey": {"columns": {"team": "workgroup"}}})
    assert e.value.code == "E102" and "'team'" in e.value.cause and "actor" in e.value.cause
    assert cfg.from_dict({"journey": {"columns": {"actor": "workgroup"}}}).journey.columns == {"actor": "workgroup"}


# ---- friction relative to the log -----------------------------------------------------------------------

def test_a_long_wait_is_judged_against_its_own_transition():
    """One absolute 48 h threshold flagged every slow-by-nature step (B -> C always takes 100 h) and
    missed a wait far beyond its transition's own times (A -> B usually 2 h, once 30 h)."""
    rows = []
    for k in range(40):
        ab = 30 if k == 0 else 2 + (k % 5) * 0.1
        rows += [(f"c{k}", at(days=10 * k), "A"), (f"c{k}", at(days=10 * k, hours=ab), "B"),
                 (f"c{k}", at(days=10 * k, hours=ab + 100 + (k % 7)), "C")]
    r = run(rows, JourneyConfig())
    lw = r["friction"][r["friction"].kind == "long_wait"]
    assert set(lw.journey_id) <= {"c0", "c6", "c13", "c20", "c27", "c34"}     # the slowest B -> C ones, and c0
    c0 = lw[lw.journey_id == "c0"].iloc[0]
    assert "30.0 h after 'A' until 'B'" in c0["evidence"] and "p95 of 'A' -> 'B'" in c0["evidence"]
    assert "over 40 transitions" in c0["evidence"]
    assert (lw.evidence.str.contains("after 'B' until 'C'")).sum() <= 6
    # the absolute mode is still there: every B -> C wait is then long
    r_abs = run(rows, JourneyConfig(long_wait_quantile=None))
    waits = r_abs["friction"][r_abs["friction"].kind == "long_wait"]
    assert waits.evidence.str.contains("after 'B' until 'C'").sum() == 40


def test_handoff_pingpong_on_the_actor_column_names_the_teams():
    config = JourneyConfig(columns={"actor": "team"})
    rows = [("c1", at(), "open", "L1"), ("c1", at(hours=1), "analyse", "L2"), ("c1", at(hours=2), "note", "L2"),
            ("c1", at(hours=5), "reassign", "L1"), ("c1", at(hours=6), "fix", "L2"), ("c1", at(hours=7), "close", "L1"),
            ("c2", at(), "open", "L1"), ("c2", at(hours=1), "analyse", "L2"), ("c2", at(hours=2), "fix", "L3")]
    r = run(rows, config, columns=("case_id", "timestamp", "event", "team"))
    pp = r["friction"][r["friction"].kind == "handoff_pingpong"].set_index("journey_id")
    assert list(pp.index) == ["c1"]                                    # L1 -> L2 -> L3 is no ping-pong
    assert pp.loc["c1", "evidence"].startswith("'L1' -> 'L2' -> 'L1' (back at 'reassign' 4.0 h after the hand-off to 'L2')")
    assert "3 bounce(s) between 2 actors" in pp.loc["c1", "evidence"]
    assert pp.loc["c1", "severity"] == pytest.approx(1.0)
    assert "handoff_pingpong" in r["journeys"].set_index("journey_id").loc["c1", "friction_kinds"]
    assert r["timeline"]["actor"].notna().all()
    # an actor column with a single value cannot show hand-offs: said, not silent
    one = run([("c1", at(), "a", "L1"), ("c1", at(hours=1), "b", "L1")], config,
              columns=("case_id", "timestamp", "event", "team"))
    assert "E312" in codes(one)


def test_time_parked_in_waiting_states():
    rows = [("c1", at(), "Take in charge ticket"), ("c1", at(hours=1), "Wait"), ("c1", at(hours=6), "Resolve ticket"),
            ("c1", at(hours=7), "Wait"), ("c1", at(hours=9), "Closed"), ("c2", at(), "Take in charge ticket"),
            ("c2", at(hours=3), "Closed")]
    r = run(rows, JourneyConfig())
    parked = r["journeys"].set_index("journey_id")["parked_s"]
    assert parked.to_dict() == {"c1": pytest.approx(7 * 3600.0), "c2": 0.0}
    assert r.summary["friction_distribution"]["parked_hours"]["journeys_parked"] == 1


def test_friction_distribution_is_in_the_summary():
    rows = [(f"c{k}", at(seconds=20 * i), "login_failed") for k in range(3) for i in range(4 if k == 0 else 1)]
    r = run(rows, JourneyConfig(error_events=[]))
    d = r.summary["friction_distribution"]
    assert d["journeys"] == 3 and d["journeys_with_friction"] == 1 and d["share_with_friction"] == pytest.approx(1 / 3, abs=1e-4)
    assert sum(d["histogram"]["journeys"]) == 3 and d["histogram"]["edges"][0] == 0
    assert d["by_kind"]["loop"] == {"journeys": 1, "share": pytest.approx(0.3333, abs=1e-4)}
    assert d["score_quantiles_flagged"]["p50"] == pytest.approx(30.0)


@pytest.mark.data
def test_helpdesk_friction_is_well_under_every_case(shared_data):
    """Helpdesk: every case carried friction (a 48 h wait after every step), every score 50."""
    path = shared_data / "helpdesk_eventlog" / "helpdesk_events.csv"
    if not path.exists():
        pytest.skip(f"{path} is absent")
    config = JourneyConfig(columns={"actor": "org:resource"})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = compute(read_events([path], config), None, config)
    d = r.summary["friction_distribution"]
    assert d["journeys"] == 4580
    assert 0.05 < d["share_with_friction"] < 0.5
    assert d["by_kind"]["long_wait"]["share"] < 0.3
    assert d["by_kind"]["handoff_pingpong"]["journeys"] > 0
    q = d["score_quantiles_flagged"]
    assert q["p90"] > q["p10"]                          # the score spreads


def test_a_work_items_lifecycle_is_no_loop():
    """BPIC 2012: 73% of cases had a 'loop' that was one work item's schedule -> start -> complete."""
    rows = [("c1", at(minutes=0), "W_call", "SCHEDULE"), ("c1", at(minutes=1), "W_call", "START"),
            ("c1", at(minutes=2), "W_call", "COMPLETE"), ("c1", at(minutes=3), "A_next", "COMPLETE")]
    rows += [("c2", at(minutes=m), "W_call", lc) for m, lc in enumerate(["START", "COMPLETE"] * 3)]
    r = run(rows, JourneyConfig(), columns=("case_id", "timestamp", "concept:name", "lifecycle:transition"))
    loops = r["friction"][r["friction"].kind == "loop"]
    assert loops.journey_id.tolist() == ["c2"] and "'W_call' repeated 3 times" in loops.evidence.iloc[0]
    assert r["timeline"].set_index("journey_id").loc["c1", "lifecycle"].tolist() == ["SCHEDULE", "START", "COMPLETE", "COMPLETE"]
