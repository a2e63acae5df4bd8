"""Event-log readers: column roles, rejects with file + line + reason, and the real public logs."""
from __future__ import annotations

import gzip
import json
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import shared_file
from voc.config import JourneyConfig
from voc.errors import VocError
from voc.journey.events import parse_timestamps, read_events


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_csv_roles_are_detected_and_other_columns_kept_as_json(tmp_path):
    p = write(tmp_path, "e.csv", "User ID,Event Time,Event Name,Channel,page\n"
                                 "u1,2026-01-05T10:00:00Z,page_view,web,/home\n")
    log = read_events([p], JourneyConfig())
    assert log.files[0]["roles"] == {"customer_id": "User ID", "timestamp": "Event Time", "event": "Event Name",
                                     "channel": "Channel"}
    row = log.events.iloc[0]
    assert (row["journey_id"], row["customer_id"], row["event"], row["channel"]) == ("u1", "u1", "page_view", "web")
    assert json.loads(row["properties"]) == {"page": "/home"}
    assert row["ts"] == pd.Timestamp("2026-01-05T10:00:00Z")


def test_bad_rows_go_to_rejects_with_exact_lines_and_reasons(tmp_path):
    p = write(tmp_path, "e.csv",
              'customer_id,timestamp,event,note\n'
              'c1,2026-01-05 10:00:00,login,"a note\nover two lines"\n'      # lines 2-3
              'c1,not a time,search,\n'                                      # line 4
              ',2026-01-05 10:02:00,search,\n'                               # line 5
              'c2,2026-01-05 10:03:00,,\n'                                   # line 6
              'c2,,page_view,\n'                                             # line 7
              'c2,1767607380,page_view,\n')                                  # line 8: epoch seconds
    log = read_events([p], JourneyConfig())
    assert log.counts == {"events_in": 6, "events_out": 2, "events_rejected": 4}
    got = {r.location: r.reason for r in log.rejects}
    assert set(got) == {"line 4", "line 5", "line 6", "line 7"}
    assert "'not a time'" in got["line 4"] and "could not be parsed" in got["line 4"]
    assert "no 'customer_id' value" in got["line 5"]
    assert "event name" in got["line 6"]
    assert "no 'timestamp' value" in got["line 7"]
    assert all(r.code == "E302" and r.file == str(p) for r in log.rejects)
    assert log.events["source_record"].tolist() == ["line 2", "line 8"]


def test_missing_role_names_the_role_the_candidates_and_the_columns_present(tmp_path):
    p = write(tmp_path, "e.csv", "customer_id,when,what\nc1,2026-01-05,x\n")
    with pytest.raises(VocError) as ei:
        read_events([p], JourneyConfig())
    e = ei.value
    assert e.code == "E301" and "timestamp" in e.cause and "'event_time'" in e.cause and "when, what" in e.cause
    log = read_events([p], JourneyConfig(columns={"timestamp": "when", "event": "what"}))
    assert log.events["event"].tolist() == ["x"]
    with pytest.raises(VocError, match="E301"):
        read_events([p], JourneyConfig(columns={"timestamp": "When_Typo"}))


def test_jsonl_malformed_lines_are_rejected_and_nested_values_kept(tmp_path):
    p = tmp_path / "e.jsonl.gz"
    with gzip.open(p, "wt", encoding="utf-8") as f:
        f.write('{"user_id": "u1", "ts": "2026-01-05T10:00:00+01:00", "event_name": "login", "ctx": {"os": "ios"}}\n')
        f.write('{"user_id": "u1", "ts": "2026-01-05T10:01:00Z", "event_name": \n')
        f.write('[1, 2]\n')
    log = read_events([p], JourneyConfig())
    assert log.counts == {"events_in": 3, "events_out": 1, "events_rejected": 2}
    assert [r.location for r in log.rejects] == ["line 2", "line 3"]
    assert log.events.iloc[0]["ts"] == pd.Timestamp("2026-01-05T09:00:00Z")
    assert json.loads(json.loads(log.events.iloc[0]["properties"])["ctx"]) == {"os": "ios"}


def test_parquet_typed_timestamps(tmp_path):
    df = pd.DataFrame({"customer_id": ["a", "a"], "event": ["x", "y"],
                       "timestamp": pd.to_datetime(["2026-01-05 10:00", "2026-01-05 11:00"]).tz_localize("Europe/Rome"),
                       "amount": [1.5, None]})
    p = tmp_path / "e.parquet"
    df.to_parquet(p)
    log = read_events([p], JourneyConfig())
    assert log.events["ts"].tolist() == [pd.Timestamp("2026-01-05T09:00Z"), pd.Timestamp("2026-01-05T10:00Z")]
    assert log.events["source_record"].tolist() == ["row 1", "row 2"]


def test_xes_traces_become_cases_with_case_attributes(tmp_path):
    xes = """<?xml version="1.0" encoding="UTF-8"?>
<log xmlns="http://www.xes-standard.org/">
  <global scope="event"><string key="concept:name" value="__INVALID__"/></global>
  <trace><string key="concept:name" value="T1"/><string key="customer" value="C9"/>
    <event><string key="concept:name" value="open"/><date key="time:timestamp" value="2026-01-05T10:00:00.000+01:00"/>
           <string key="org:resource" value="bot"/><list key="tags"><string key="t" value="x"/></list></event>
    <event><string key="concept:name" value="close"/><date key="time:timestamp" value="2026-01-06T10:00:00Z"/></event>
  </trace>
  <trace><event><string key="concept:name" value="orphan"/><date key="time:timestamp" value="2026-01-07"/></event>
         <string key="concept:name" value="T2"/></trace>
</log>"""
    p = tmp_path / "log.xes.gz"
    with gzip.open(p, "wt", encoding="utf-8") as f:
        f.write(xes)
    log = read_events([p], JourneyConfig())
    ev = log.events
    assert log.case_based and ev["journey_id"].tolist() == ["T1", "T1", "T2"]
    assert ev["customer_id"].tolist()[:2] == ["C9", "C9"]       # case:customer -> customer role
    assert ev["event"].tolist() == ["open", "close", "orphan"]
    assert ev["ts"].iloc[0] == pd.Timestamp("2026-01-05T09:00Z")
    assert json.loads(ev["properties"].iloc[0]) == {"org:resource": "bot"}
    assert ev["source_record"].tolist() == ["trace 1 event 1", "trace 1 event 2", "trace 2 event 1"]


def test_unknown_extension_is_e306(tmp_path):
    p = write(tmp_path, "e.xlsx", "x")
    with pytest.raises(VocError, match="E306"):
        read_events([p], JourneyConfig())


def test_timestamp_formats_and_naive_time_zone():
    s = pd.Series(["2026-01-05 10:00", "2026-01-05T10:00:00+02:00", "1767607200000", "Jan 5, 2026 10:00", "31/02/2026", None])
    got = parse_timestamps(s, "Europe/Rome")
    assert got.iloc[0] == pd.Timestamp("2026-01-05T09:00Z")       # naive: read in the configured zone
    assert got.iloc[1] == pd.Timestamp("2026-01-05T08:00Z")
    assert got.iloc[2] == pd.Timestamp("2026-01-05T10:00Z")       # epoch milliseconds
    assert got.iloc[3] == pd.Timestamp("2026-01-05T09:00Z")
    assert pd.isna(got.iloc[4]) and pd.isna(got.iloc[5])


# ---- the real public logs --------------------------------------------------------------------------------

@pytest.mark.data
def test_helpdesk_csv_and_xes_readers_agree(shared_data):
    csv_log = read_events([shared_file(shared_data, "helpdesk_eventlog/helpdesk_events.csv")], JourneyConfig())
    xes_log = read_events([shared_file(shared_data, "helpdesk_eventlog/helpdesk.xes.gz")], JourneyConfig())
    for log in (csv_log, xes_log):
        assert log.case_based and not log.rejects
        assert len(log.events) == 21348 and log.events["journey_id"].nunique() == 4580
        # 394 customers open the cases (README); 7 cases change customer on the way, 397 values in all
        first = log.events.sort_values(["journey_id", "ts", "src_order"]).groupby("journey_id")["customer_id"].first()
        assert first.nunique() == 394 and log.events["customer_id"].nunique() == 397
    key = ["journey_id", "customer_id", "ts", "event"]
    a = csv_log.events[key].astype(str).sort_values(key).reset_index(drop=True)
    b = xes_log.events[key].astype(str).sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)
    # the other attributes agree too (XES has them as event attributes, the CSV as columns)
    pa_ = csv_log.events.sort_values(["journey_id", "src_order"])["properties"].map(json.loads).tolist()
    pb_ = xes_log.events.sort_values(["journey_id", "src_order"])["properties"].map(json.loads).tolist()
    assert pa_[:50] == pb_[:50]


@pytest.mark.data
@pytest.mark.slow
def test_bpic2012_reads_every_event(shared_data):
    log = read_events([shared_file(shared_data, "bpic2012_eventlog/bpic2012_events.csv.gz")], JourneyConfig())
    assert log.counts == {"events_in": 262200, "events_out": 262200, "events_rejected": 0}
    assert log.events["journey_id"].nunique() == 13087 and log.case_based
    assert log.events["customer_id"].isna().all()
    assert log.events["ts"].min() == pd.Timestamp("2011-09-30T22:38:44.546Z")   # +02:00 offsets made UTC
