"""Event logs read by DuckDB (voc.journey.sqlread): no pandas round trip for CSV / Parquet / JSONL,
rejects with their exact line or row and reason, time zones, and the timeline written by DuckDB."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from voc.config import JourneyConfig
from voc.journey import events as events_mod
from voc.journey.events import read_events
from voc.journey.readers.csv import CsvEventReader
from voc.journey.readers.jsonl import JsonlEventReader
from voc.journey.readers.parquet import ParquetEventReader


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


@pytest.fixture
def no_pandas_reader(monkeypatch):
    """The per-row pandas readers and normaliser raise if anything calls them."""
    def boom(*a, **k):
        raise AssertionError("the pandas event reader was used")
    for cls in (CsvEventReader, JsonlEventReader, ParquetEventReader):
        monkeypatch.setattr(cls, "read", boom)
    monkeypatch.setattr(events_mod, "normalise", boom)
    monkeypatch.setattr(events_mod, "parse_timestamps", boom)


def test_csv_parquet_jsonl_are_read_without_the_pandas_path(tmp_path, no_pandas_reader):
    csv = write(tmp_path, "a.csv", "customer_id,timestamp,event\nc1,2026-01-05T10:00:00Z,login\n")
    jsonl = write(tmp_path, "b.jsonl", '{"customer_id": "c2", "timestamp": "2026-01-05T11:00:00Z", "event": "search"}\n')
    pq.write_table(pa.table({"customer_id": ["c3"], "timestamp": ["2026-01-05T12:00:00Z"], "event": ["buy"]}),
                   tmp_path / "c.parquet")
    log = read_events([csv, jsonl, tmp_path / "c.parquet"], JourneyConfig())
    assert log.store is not None
    assert log.counts == {"events_in": 3, "events_out": 3, "events_rejected": 0}
    assert [f["reader"] for f in log.files] == ["csv", "jsonl", "parquet"]
    ev = log.events
    assert ev["customer_id"].tolist() == ["c1", "c2", "c3"]
    assert ev["src_order"].tolist() == [0, 1, 2]
    assert ev["source_record"].tolist() == ["line 2", "line 1", "row 1"]


def test_jsonl_rejects_missing_ids_and_bad_timestamps_with_lines(tmp_path):
    p = write(tmp_path, "e.jsonl",
              '{"customer_id": "c1", "timestamp": "2026-01-05T10:00:00Z", "event": "login", "n": 3}\n'
              '\n'                                                                     # blank: not a record
              '{"customer_id": "  ", "timestamp": "2026-01-05T10:01:00Z", "event": "x"}\n'   # line 3: blank id
              '{"customer_id": "c1", "timestamp": "yesterday-ish", "event": "x"}\n'         # line 4
              '{"customer_id": "c1", "timestamp": "2026-01-05T10:02:00Z"}\n'               # line 5: no event
              '{"customer_id": "c1", "timestamp": null, "event": "x"}\n'                    # line 6
              'not json\n')                                                                # line 7
    log = read_events([p], JourneyConfig())
    assert log.counts == {"events_in": 6, "events_out": 1, "events_rejected": 5}
    got = {r.location: (r.code, r.reason) for r in log.rejects}
    assert set(got) == {"line 3", "line 4", "line 5", "line 6", "line 7"}
    assert got["line 7"][0] == "E309" and "invalid JSON (Expecting value)" in got["line 7"][1]
    assert got["line 3"] == ("E302", got["line 3"][1]) and "no 'customer_id' value" in got["line 3"][1]
    assert "timestamp 'yesterday-ish' in 'timestamp' could not be parsed" in got["line 4"][1]
    assert "no 'event' value (event name)" in got["line 5"][1]
    assert "no 'timestamp' value" in got["line 6"][1]
    assert json.loads(log.events["properties"].iloc[0]) == {"n": "3"}


def test_parquet_rejects_name_the_row(tmp_path):
    pq.write_table(pa.table({"case_id": ["k1", None, "k2"], "timestamp": ["2026-01-05 10:00", "2026-01-05 11:00", "31/02/2026"],
                             "activity": ["a", "b", "c"]}), tmp_path / "e.parquet")
    log = read_events([tmp_path / "e.parquet"], JourneyConfig())
    assert [(r.location, r.code) for r in log.rejects] == [("row 2", "E302"), ("row 3", "E302")]
    assert "no 'case_id' value" in log.rejects[0].reason
    assert "'31/02/2026'" in log.rejects[1].reason and log.case_based


def test_naive_times_are_read_in_the_configured_zone_and_ambiguous_ones_rejected(tmp_path):
    p = write(tmp_path, "e.csv", "customer_id,timestamp,event\n"
                                 "c1,2026-01-05 10:00,a\n"                    # CET: 09:00Z
                                 "c1,2026-07-05T10:00:00,b\n"                 # CEST: 08:00Z
                                 "c1,2026-01-05T10:00:00+02:00,c\n"           # explicit offset wins
                                 "c1,2026-10-25 02:30,d\n"                    # happens twice in Rome: rejected
                                 "c1,1767607200000,e\n"                       # epoch milliseconds
                                 "c1,\"Jan 5, 2026 10:00\",f\n")              # a free format, read in the zone
    log = read_events([p], JourneyConfig(timezone="Europe/Rome"))
    ts = dict(zip(log.events["event"], log.events["ts"]))
    assert ts["a"] == pd.Timestamp("2026-01-05T09:00Z")
    assert ts["b"] == pd.Timestamp("2026-07-05T08:00Z")
    assert ts["c"] == pd.Timestamp("2026-01-05T08:00Z")
    assert ts["e"] == pd.Timestamp("2026-01-05T10:00Z")
    assert ts["f"] == pd.Timestamp("2026-01-05T09:00Z")
    assert [r.location for r in log.rejects] == ["line 5"] and "'2026-10-25 02:30'" in log.rejects[0].reason
    utc = read_events([p], JourneyConfig())
    assert dict(zip(utc.events["event"], utc.events["ts"]))["a"] == pd.Timestamp("2026-01-05T10:00Z")
    assert utc.counts["events_out"] == 6


def test_parquet_naive_timestamp_column_is_read_in_the_zone(tmp_path):
    df = pd.DataFrame({"customer_id": ["a"], "event": ["x"], "timestamp": pd.to_datetime(["2026-01-05 10:00"])})
    df.to_parquet(tmp_path / "e.parquet")
    log = read_events([tmp_path / "e.parquet"], JourneyConfig(timezone="America/New_York"))
    assert log.events["ts"].iloc[0] == pd.Timestamp("2026-01-05T15:00Z")


def test_csv_line_numbers_after_several_multiline_fields(tmp_path):
    p = write(tmp_path, "e.csv", 'customer_id,timestamp,event,note\n'
                                 'c1,2026-01-05 10:00,a,"one\ntwo\nthree"\n'   # lines 2-4
                                 'c1,2026-01-05 10:01,b,"x\ny"\n'              # lines 5-6
                                 'c1,bad,c,\n'                                 # line 7
                                 ',2026-01-05 10:03,d,"p\nq"\n'                # lines 8-9
                                 'c1,bad2,e,\n')                               # line 10
    log = read_events([p], JourneyConfig())
    assert [r.location for r in log.rejects] == ["line 7", "line 8", "line 10"]
    assert log.events["source_record"].tolist() == ["line 2", "line 5"]
    assert json.loads(log.events["properties"].iloc[0]) == {"note": "one\ntwo\nthree"}


def test_mixed_case_and_customer_logs_key_journeys_by_customer(tmp_path):
    a = write(tmp_path, "a.csv", "customer_id,timestamp,event\nc1,2026-01-05T10:00:00Z,login\n")
    b = write(tmp_path, "b.csv", "case_id,timestamp,event\nk9,2026-01-05T11:00:00Z,open\n")
    log = read_events([a, b], JourneyConfig())
    assert not log.case_based and log.events["journey_id"].tolist() == ["c1", "k9"]


def test_timeline_written_by_duckdb_equals_the_pandas_timeline(tmp_path):
    from voc.journey.run import compute

    p = write(tmp_path, "e.csv", "customer_id,timestamp,event,page\n"
                                 "c1,2026-01-05T10:00:00Z,login,/a\nc1,2026-01-05T10:00:00Z,search,\n"
                                 "c2,2026-01-06T10:00:00Z,login,/b\nc2,2026-01-06T10:01:00Z,search,\n"
                                 "c2,2026-01-06T10:02:00Z,search,\nc2,2026-01-06T10:03:00Z,search,\n")
    contacts = pd.DataFrame({"contact_id": ["t1"], "customer_id": ["c1"], "created_at": ["2026-01-05T11:00:00Z"],
                             "channel": ["chat"], "intent": ["billing"]})
    cfg = JourneyConfig()
    in_memory = compute(read_events([p], cfg), contacts, cfg)
    out = tmp_path / "out"
    written = compute(read_events([p], cfg), contacts, cfg, out_dir=out)
    # as large as the log, or one row per journey / customer: written by DuckDB, not held in pandas
    for name in ("timeline", "friction", "journeys", "customers", "journey_traits"):
        assert name not in written.tables and written.paths[name].exists()
        a = in_memory[name].reset_index(drop=True)
        b = pd.read_parquet(written.paths[name])
        assert list(b.columns) == list(a.columns) and len(b) == len(a) > 0, name
        for c in a.columns:
            assert a[c].astype(str).tolist() == b[c].astype(str).tolist(), (name, c)
    assert written.counts["timeline_rows"] == 7
    assert written.counts["frictions"] == in_memory.counts["frictions"] == {"loop": 1}
    assert written.summary["friction_distribution"] == in_memory.summary["friction_distribution"]
    assert pd.read_parquet(written.paths["journeys"])["path"].tolist() == in_memory["journeys"]["path"].tolist()


def test_xes_is_streamed_in_batches_of_whole_traces(tmp_path, monkeypatch):
    from voc.journey.readers.xes import XesEventReader

    traces = "".join(
        f'<trace><string key="concept:name" value="T{i}"/>'
        + "".join(f'<event><string key="concept:name" value="s{j}"/><date key="time:timestamp" '
                  f'value="2026-01-0{1 + j}T10:00:00Z"/></event>' for j in range(3))
        + "</trace>" for i in range(5))
    p = write(tmp_path, "log.xes", f'<?xml version="1.0"?><log xmlns="http://www.xes-standard.org/">{traces}</log>')
    batches = list(XesEventReader().iter_batches(p, batch_size=4))
    assert [len(b.frame) for b in batches] == [6, 6, 3]          # whole traces: 2 + 2 + 1
    whole = read_events([p], JourneyConfig())
    original = XesEventReader.iter_batches
    monkeypatch.setattr(XesEventReader, "iter_batches", lambda self, path, batch_size=4: original(self, path, batch_size))
    streamed = read_events([p], JourneyConfig())
    assert streamed.counts == whole.counts == {"events_in": 15, "events_out": 15, "events_rejected": 0}
    cols = ["journey_id", "ts", "event", "source_record", "src_order"]
    assert streamed.events[cols].astype(str).values.tolist() == whole.events[cols].astype(str).values.tolist()


def test_csv_row_with_extra_fields_is_an_error_not_a_silent_loss(tmp_path):
    from voc.errors import VocError

    for text in ("a,b\n1,2,3\n", "customer_id,timestamp,event\nc1,2026-01-05,x,extra\nc2,2026-01-05,y\n"):
        p = write(tmp_path, "e.csv", text)
        with pytest.raises(VocError) as ei:
            read_events([p], JourneyConfig())
        assert ei.value.code == "E306" and str(p) in str(ei.value)
