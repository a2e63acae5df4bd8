"""Readers lose nothing silently (issue 10, point 7): damaged cues, timestamps, encodings and NUL
bytes cost only the damaged part, with a reject naming where, never quoting the content; folder
entries that are not read are counted by reason."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from voc.config import IngestConfig
from voc.ingest import IngestStats, Record, Reject, iter_records, read_file


def _items(p: Path, config: IngestConfig | None = None):
    items = list(read_file(p, config or IngestConfig()))
    return [i for i in items if isinstance(i, Record)], [i for i in items if isinstance(i, Reject)]


def _balanced(p: Path) -> IngestStats:
    stats = IngestStats()
    list(iter_records(p, IngestConfig(), stats))
    assert stats.balanced()
    return stats


VTT_BROKEN_TIMING = """WEBVTT

1
00:00:01.000 --> 00:00:03.000
Agent: Hello, thanks for calling Acme.

2
00:00:04.000 -> 00:00:x6.000
Customer: My card ending 4242 was charged twice.

3
00:00:07.000 --> 00:00:09.000
Agent: Let me check that for you.
"""


def test_vtt_cue_with_broken_timing_line_is_rejected_with_its_location(tmp_path):
    p = tmp_path / "call.vtt"
    p.write_text(VTT_BROKEN_TIMING)
    recs, rejects = _items(p)
    assert len(recs) == 1
    assert [(r.code, r.level, r.location) for r in rejects] == [("E021", "message", "cue 2, line 8")]
    assert "4242" not in rejects[0].reason and "charged" not in rejects[0].reason  # never the cue's text
    assert "timing line" in rejects[0].reason
    assert all("charged" not in m["text"] for m in recs[0].messages)
    stats = _balanced(p)
    assert stats.messages_seen == stats.messages_read + 1


SRT_BAD_CLOCK = """1
00:00:01,000 --> 00:00:03,000
Agent: Hello there, how can I help?

2
00:00:04,000 --> 00:00:0x,000
Customer: I was charged twice.

3
00:00:07,000 --> 00:00:09,500
Agent: Checking now.
"""


def test_srt_damaged_timestamp_is_a_reject_not_zero_seconds(tmp_path):
    p = tmp_path / "call.srt"
    p.write_text(SRT_BAD_CLOCK)
    recs, rejects = _items(p)
    assert [(r.code, r.level, r.location) for r in rejects] == [("E021", "message", "cue 2, line 6")]
    msgs = recs[0].messages
    assert all(m["end_s"] != 0.0 for m in msgs)
    assert all("charged" not in m["text"] for m in msgs)
    assert (msgs[0]["start_s"], msgs[-1]["end_s"]) == (1.0, 9.5)
    _balanced(p)


def test_srt_with_no_readable_cue_does_not_claim_the_rest_was_read(tmp_path):
    p = tmp_path / "call.srt"
    p.write_text("1\n00:00:01,000 -> 00:00:03,000\nAgent: Maria Garcia here.\n\n"
                 "2\n00:00:04,000 => 00:00:05,000\nCustomer: hi.\n")
    recs, rejects = _items(p)
    assert recs == [] and [(r.code, r.level) for r in rejects] == [("E020", "file")]
    r = rejects[0]
    assert "rest of the file was read" not in r.fix and "nothing of it was read" in r.reason
    assert "Maria" not in r.reason and "Agent:" not in r.reason  # the old srt error quoted the content
    _balanced(p)


def test_srt_with_one_broken_cue_keeps_the_others(tmp_path):
    p = tmp_path / "call.srt"
    p.write_text("1\n00:00:01,000 -> 00:00:03,000\nAgent: Hello there.\n\n"
                 "2\n00:00:04,000 --> 00:00:05,000\nCustomer: hi, my parcel is lost.\n\n"
                 "3\n00:00:06,000 --> 00:00:08,000\nAgent: Sorry to hear that.\n")
    recs, rejects = _items(p)
    assert [(r.code, r.location) for r in rejects] == [("E021", "cue 1, line 2")]
    assert [m["source_record"] for m in recs[0].messages] == ["cue 2", "cue 3"]


def test_utf16_file_short_by_one_byte_keeps_its_rows(tmp_path):
    text = "Ticket ID,Subject,Description\r\n1,Card,My card was charged twice\r\n2,Login,I cannot log in\r\n"
    p = tmp_path / "export.csv"
    p.write_bytes(text.encode("utf-16")[:-1])
    recs, rejects = _items(p)
    assert [r.contact["contact_id"] for r in recs] == ["1", "2"]
    assert recs[1].messages[0]["text"] == "I cannot log in"
    assert [(r.code, r.level, r.location) for r in rejects] == [("E023", "field", "end of file")]
    _balanced(p)


def test_csv_with_a_few_nul_bytes_keeps_its_good_rows(tmp_path):
    p = tmp_path / "export.csv"
    p.write_bytes(b"Ticket ID,Subject,Description\n1,Card,My card was charged twice\n"
                  b"2,Log\x00\x00in,I cannot\x00 log in\n3,Refund,Where is my refund?\n")
    recs, rejects = _items(p)
    assert [r.contact["contact_id"] for r in recs] == ["1", "3"]
    assert [(r.code, r.level, r.location) for r in rejects] == [("E022", "contact", "line 3")]
    assert "3 NUL" in rejects[0].reason and "log in" not in rejects[0].reason
    _balanced(p)


def test_a_binary_file_with_many_nuls_is_still_not_text(tmp_path):
    p = tmp_path / "blob.csv"
    p.write_bytes(bytes(range(256)) * 64)
    recs, rejects = _items(p)
    assert recs == [] and [r.code for r in rejects] == ["E005"]


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges on Windows")
def test_skipped_folder_entries_are_counted_by_reason(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "a.csv").write_text("Ticket ID,Description\n1,hello there\n")
    for n in range(3):
        os.symlink(d / "a.csv", d / f"link{n}.csv")
    os.symlink(tmp_path / "nowhere.csv", d / "dangling.csv")
    (d / ".hidden.csv").write_text("Ticket ID,Description\n2,hi\n")
    (d / "README.md").write_text("notes")
    stats = IngestStats()
    list(iter_records(d, IngestConfig(), stats))
    assert stats.files == 1
    assert stats.files_skipped == {"symlink (ingest.follow_symlinks is off)": 4,
                                   "hidden name (ingest.include_hidden is off)": 1,
                                   "name matches ingest.exclude": 1}
    assert stats.as_dict()["files_skipped"] == stats.files_skipped
    # followed, the links are read (and the dangling one is counted, not lost)
    stats = IngestStats()
    list(iter_records(d, IngestConfig(follow_symlinks=True), stats))
    assert stats.files == 4 and stats.files_skipped["symlink to nothing"] == 1


def test_reader_failure_names_the_exception_type_not_its_message(tmp_path, monkeypatch):
    from voc.ingest.readers import tickets_csv

    def boom(self, path, source, config):
        raise ValueError("customer maria.garcia@example.com")

    monkeypatch.setattr(tickets_csv.TicketsCsvReader, "read_source", boom)
    p = tmp_path / "t.csv"
    p.write_text("Ticket ID,Description\n1,ok\n")
    _, rejects = _items(p)
    assert rejects[0].code == "E019" and "ValueError" in rejects[0].reason and "maria" not in rejects[0].reason


def test_eml_without_headers_does_not_claim_the_rest_was_read(tmp_path):
    p = tmp_path / "mail.eml"
    p.write_text("Hello, my order never arrived.\nThanks, Ann\n")
    recs, rejects = _items(p)
    assert recs == [] and [(r.code, r.level) for r in rejects] == [("E020", "file")]
    assert "rest of the file was read" not in rejects[0].fix


def test_csv_with_nul_in_its_header_is_rejected_whole_without_claiming_the_rest_was_read(tmp_path):
    p = tmp_path / "export.csv"
    p.write_bytes(b"Ticket ID,Desc\x00ription\n1,My card was charged twice\n")
    recs, rejects = _items(p)
    assert recs == [] and [(r.code, r.level, r.location) for r in rejects] == [("E020", "file", "line 1")]
    assert "nothing of it was read" in rejects[0].reason
