"""Issue 18: the long-wait and loop queries were rewritten to grow linearly with the log (the next
step comes with the timeline's own window sort; loops need no range join back into the timeline).
Their rows must be exactly those of the straightforward formulation they replace, kept in
tests/journey/reference_sql (a LEAD / LAG window per query, a range join for the steps between),
on a log made to hit the corners: timestamp ties, single-event journeys, lifecycle rows of the same
step, contacts without a time or closed before they were opened, unmatched contacts."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from voc import sqltemplate
from voc.config import JourneyConfig
from voc.journey import sqlrun
from voc.journey.events import EventLog, normalise, to_events_frame
from voc.journey.friction import FRICTION_SQL, compute_friction
from voc.journey.identity import resolve
from voc.journey.merge import materialise_journeys
from voc.journey.readers.base import RawEvents
from voc.journey.repeat import compute_repeats
from voc.journey.timeline import build_timeline

REFERENCE = Path(__file__).parent / "reference_sql"
T0 = datetime(2026, 1, 5, 10, 0, tzinfo=timezone.utc)
COLUMNS = ["customer_id", "timestamp", "event", "lifecycle:transition"]


def _log(rows, config) -> EventLog:
    df = pd.DataFrame(rows, columns=COLUMNS).astype(object)
    raw = RawEvents(df, pd.Series([f"line {i + 2}" for i in range(len(df))], dtype=object))
    ev, rejects, info = normalise(raw, Path("test.csv"), config)
    assert not rejects
    return EventLog(to_events_frame(ev), rejects, [info], False)


def _iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def tricky_log(seed: int = 7):
    """~150 customers: steps A-E and W, gaps from 0 (ties) to weeks, some lifecycle rows, one-event
    journeys; contacts with and without times, closed before opened, or for unknown customers; a
    rare step R (its transitions too rare for their own quantile)."""
    rng = np.random.default_rng(seed)
    rows, contacts = [], []
    for k in range(150):
        t = T0 + timedelta(days=int(rng.integers(0, 60)))
        n = 1 if k % 10 == 0 else int(rng.integers(2, 30))
        for _ in range(n):
            gap = rng.choice([0.0, 0.0, 0.05, 0.5, 2.0, 5.0, 30.0, 200.0, 900.0])   # hours; 0: a tie
            t += timedelta(hours=float(gap) * float(rng.uniform(0.5, 1.5)) if gap else 0.0)
            ev = str(rng.choice(["A", "A", "B", "C", "D", "E", "W"]))
            lc = rng.choice([None, None, None, "complete", "COMPLETE", "start", "schedule"])
            rows.append((f"u{k}", t.isoformat(), ev, lc))
        if k % 3 == 0:
            created = T0 + timedelta(days=int(rng.integers(0, 60)), hours=float(rng.uniform(0, 24)))
            closed = created + timedelta(hours=float(rng.choice([-3.0, 0.5, 4.0, 40.0, 300.0])))
            contacts.append({"contact_id": f"k{k}", "customer_id": f"u{k}" if k % 9 else f"stranger{k}",
                             "created_at": _iso(created) if k % 15 else None,
                             "closed_at": _iso(closed) if k % 4 else None,
                             "channel": str(rng.choice(["chat", "email", "call"]))})
    # a known answer: X three times within a day; between them X's own start row (not another step),
    # one other step Y, and a tie at the last X
    rows += [("known", T0.isoformat(), "X", "complete"),
             ("known", (T0 + timedelta(minutes=10)).isoformat(), "X", "start"),
             ("known", (T0 + timedelta(minutes=20)).isoformat(), "Y", None),
             ("known", (T0 + timedelta(minutes=30)).isoformat(), "X", "complete"),
             ("known", (T0 + timedelta(minutes=30)).isoformat(), "X", "complete")]
    # a rare step R: each transition R -> next seen twice (too few), every gap after R twelve times
    for j in range(12):
        rows += [(f"r{j}", T0.isoformat(), "R", None),
                 (f"r{j}", (T0 + timedelta(hours=1 + j / 10 + (80 if j == 0 else 0))).isoformat(), "ABCDEW"[j % 6], None)]
    # sms contacts: open about an hour, one for 100 h (beyond its channel's own quantile)
    contacts += [{"contact_id": f"s{j}", "customer_id": f"u{j}", "created_at": _iso(T0 + timedelta(days=j)),
                  "closed_at": _iso(T0 + timedelta(days=j, hours=100 if j == 3 else 1 + j / 20)), "channel": "sms"}
                 for j in range(1, 22)]
    return rows, pd.DataFrame(contacts)


CONFIGS = {
    "every step waits, small counts": JourneyConfig(wait_after=["*"], long_wait_min_count=5, long_wait_min_hours=0.5),
    "defaults": JourneyConfig(),
    "absolute threshold, loops of 2": JourneyConfig(wait_after=["A", "W", "contact:*"], long_wait_quantile=None,
                                                   long_wait_hours=10, loop_min_repeats=2, loop_window_hours=6),
}


def _params(config: JourneyConfig) -> dict[str, dict]:
    return {
        "friction_loop": dict(window_s=config.loop_window_hours * 3600.0, min_repeats=int(config.loop_min_repeats)),
        "friction_wait": dict(threshold_s=config.long_wait_hours * 3600.0, quantile=float(config.long_wait_quantile or 0.5),
                              use_quantile=0 if config.long_wait_quantile is None else 1,
                              min_n=int(config.long_wait_min_count), floor_s=config.long_wait_min_hours * 3600.0),
    }


def _timeline(config: JourneyConfig):
    rows, contacts = tricky_log()
    log = _log(rows, config)
    con = sqlrun.connect()
    build_timeline(con, log.events, contacts, resolve(contacts, config).identity, config, case_based=False)
    return con


def _rows(con, sql: str) -> list[tuple]:
    return sorted(con.sql(sql).fetchall(), key=repr)


@pytest.mark.parametrize("label", list(CONFIGS))
@pytest.mark.parametrize("name", ["friction_wait", "friction_loop"])
def test_rewritten_friction_query_gives_the_reference_rows(name, label):
    config = CONFIGS[label]
    con = _timeline(config)
    params = _params(config)[name]
    new = _rows(con, sqlrun.render(name, **params))
    ref = _rows(con, sqltemplate.render(REFERENCE, name, "duckdb",
                                        **{k: sqltemplate.number(k, v) for k, v in params.items()}))
    assert new == ref
    assert len(ref) >= 5, "the log must give the query something to find"
    con.close()


def test_the_log_reaches_every_branch_of_both_queries():
    """The comparison above is only worth something if the reference takes every branch on this log."""
    seen = []
    for config in CONFIGS.values():
        con = _timeline(config)
        for name, params in _params(config).items():
            sql = sqltemplate.render(REFERENCE, name, "duckdb", **{k: sqltemplate.number(k, v) for k, v in params.items()})
            seen += [r[0] for r in con.sql(f"SELECT evidence FROM ({sql})").fetchall()]
        con.close()
    text = "\n".join(seen)
    for branch in (" transitions)", "of every gap after", "' (threshold", "stayed open", "open times is",
                   "in a row", "other steps between", "revisited"):
        assert branch in text, branch


def test_a_loop_counts_only_other_steps_between():
    """X complete, X start, Y, X complete, X complete (a tie): 3 completions of X within 30 min, with
    one other step between (Y); X's own start row is not another step."""
    con = _timeline(CONFIGS["defaults"])
    compute_friction(con, CONFIGS["defaults"], data_end_s=con.sql("SELECT MAX(ts_s) FROM tl").fetchall()[0][0])
    loops = con.sql(f"SELECT evidence FROM ({FRICTION_SQL}) WHERE journey_id = 'known' AND kind = 'loop'").fetchall()
    assert loops == [("'X' revisited 3 times within 30 min with 1 other steps between",)]
    con.close()


def test_next_step_columns_of_the_timeline():
    """next_s / next_event: the journey's next row by seq (NULL on the last row)."""
    con = _timeline(CONFIGS["defaults"])
    bad = con.sql("""
        SELECT COUNT(*) FROM tl a LEFT JOIN tl b ON b.journey_id = a.journey_id AND b.seq = a.seq + 1
        WHERE a.next_s IS DISTINCT FROM b.ts_s OR a.next_event IS DISTINCT FROM b.event""").fetchall()[0][0]
    assert bad == 0
    assert con.sql("SELECT COUNT(*) FROM tl WHERE ts_s IS NULL").fetchall()[0][0] > 0   # contacts without a time
    con.close()


def test_time_parked_is_that_of_a_window_over_timed_rows():
    """journeys.sql reads the timeline's next_s; the figure is that of a LEAD over the rows with a time."""
    config = JourneyConfig(waiting_states=["W", "B"])
    con = _timeline(config)
    end = con.sql("SELECT MAX(ts_s) FROM tl").fetchall()[0][0]
    compute_repeats(con, config, None, data_end_s=end)
    compute_friction(con, config, data_end_s=end)
    materialise_journeys(con)
    got = dict(con.sql("SELECT journey_id, parked_s FROM jn").fetchall())
    ref = dict(con.sql("""
        SELECT journey_id, SUM(CASE WHEN is_waiting_state AND nxt IS NOT NULL THEN nxt - ts_s ELSE 0 END)
        FROM (SELECT journey_id, ts_s, is_waiting_state, LEAD(ts_s) OVER (PARTITION BY journey_id ORDER BY seq) AS nxt
              FROM tl WHERE ts_s IS NOT NULL) GROUP BY journey_id""").fetchall())
    assert set(got) >= set(ref) and sum(v > 0 for v in ref.values()) > 10
    assert all(got[j] == pytest.approx(v, abs=1e-6) for j, v in ref.items())
    con.close()
