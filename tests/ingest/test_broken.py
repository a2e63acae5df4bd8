"""The broken fixtures give the right reject code and location, and the good part of each file
is still read."""
from __future__ import annotations

from pathlib import Path

import pytest

from voc.config import IngestConfig
from voc.ingest import Record, Reject, read_file


def _read(fixtures_dir: Path, name: str):
    items = list(read_file(fixtures_dir / "broken" / name, IngestConfig()))
    return [i for i in items if isinstance(i, Record)], [i for i in items if isinstance(i, Reject)]


@pytest.mark.parametrize("name,code,location", [
    ("empty.csv", "E003", "file"),
    ("export.xlsx", "E005", "file"),
    ("recording.bin", "E005", "file"),
    ("missing_text.csv", "E007", "line 1"),
    ("no_speakers.txt", "E014", "file"),
])
def test_whole_file_rejects(fixtures_dir, name, code, location):
    recs, rejects = _read(fixtures_dir, name)
    assert recs == []
    assert [(r.code, r.location, r.level) for r in rejects] == [(code, location, "file")]
    assert name in rejects[0].reason and rejects[0].fix


def test_missing_text_names_present_columns(fixtures_dir):
    _, rejects = _read(fixtures_dir, "missing_text.csv")
    assert "'Ticket ID'" in rejects[0].reason and "'Subject'" in rejects[0].reason
    assert "ingest.columns" in rejects[0].fix


def test_xlsx_gets_a_useful_reason(fixtures_dir):
    _, rejects = _read(fixtures_dir, "export.xlsx")
    assert "save as CSV" in rejects[0].reason


def test_cp1252_csv_is_decoded(fixtures_dir):
    recs, rejects = _read(fixtures_dir, "latin1_tickets.csv")
    assert rejects == [] and len(recs) == 2
    assert "débité" in recs[0].messages[0]["text"] and "€" in recs[0].messages[0]["text"]
    assert "Müllerstraße" in recs[1].messages[0]["text"]


def test_truncated_json_keeps_records_before_the_damage(fixtures_dir):
    text = (fixtures_dir / "broken" / "truncated.json").read_text()
    recs, rejects = _read(fixtures_dir, "truncated.json")
    assert len(recs) == 2  # the third ticket is cut off
    assert [r.code for r in rejects] == ["E006"] and rejects[0].level == "file"
    line = int(rejects[0].location.split()[1])
    assert line == text.count("\n") + 1  # the damage is at the end of the file
    assert "2 complete records" in rejects[0].reason


def test_jsonl_bad_line(fixtures_dir):
    recs, rejects = _read(fixtures_dir, "bad_line.jsonl")
    assert len(recs) == 4
    assert [(r.code, r.location, r.level) for r in rejects] == [("E016", "line 3", "contact")]
    assert [r.contact["source_record"] for r in recs] == ["line 1", "line 2", "line 4", "line 5"]


def test_records_and_messages_without_text(fixtures_dir):
    recs, rejects = _read(fixtures_dir, "no_text.json")
    got = sorted((r.code, r.location, r.level) for r in rejects)
    assert got == sorted([("E013", "record 2 comment 1", "message"), ("E008", "record 2", "contact"),
                          ("E010", "record 3", "field"), ("E013", "record 3 comment 2", "message")])
    assert [r.contact["contact_id"] for r in recs] == ["62001", "62003"]
    # record 3: the bad ticket timestamp is replaced by its first message's time, the record kept
    assert recs[1].contact["created_at"].isoformat() == "2026-02-03T08:00:00+00:00"


def test_duplicate_id_is_rejected_by_iter_records(fixtures_dir):
    from voc.ingest import iter_records

    items = list(iter_records(fixtures_dir / "broken" / "duplicate_id.csv", IngestConfig()))
    rejects = [i for i in items if isinstance(i, Reject)]
    assert [(r.code, r.location) for r in rejects] == [("E015", "line 4")]
    assert "line 2" in rejects[0].reason
    assert [i.contact["contact_id"] for i in items if isinstance(i, Record)] == ["64001", "64002"]
