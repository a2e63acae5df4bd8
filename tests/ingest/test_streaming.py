"""Streaming ingest (issue 10, point 6): large exports are read as a stream (JSON Lines and CSV line
by line, JSON arrays item by item), and the tables are built in bounded batches, so memory
depends on the batch size, not on the file size. Figures: benchmarks/bench_ingest_memory.py."""
from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import pytest

from voc.config import IngestConfig
from voc.ingest import IngestStats, Record, iter_records, to_frames


def _tickets(n: int, start: int = 0) -> list[dict]:
    return [{"id": f"T{i}", "subject": f"Order {i}", "email": f"user{i}@example.com",
             "created_at": "2026-03-01T10:00:00Z",
             "messages": [{"role": "customer", "text": f"My order {i} never arrived, please help."},
                          {"role": "agent", "text": "Sorry about that, I am checking with the carrier."}]}
            for i in range(start, start + n)]


def _write_jsonl(p: Path, n: int) -> Path:
    with open(p, "w", encoding="utf-8") as f:
        for t in _tickets(n):
            f.write(json.dumps(t) + "\n")
    return p


@pytest.fixture()
def no_whole_text(monkeypatch):
    """Fail any read of a streamed file's whole text."""
    from voc.ingest.source import Source

    def text(self):
        if self.streamed:
            raise AssertionError(f"{self.path} was read whole")
        return self._text
    monkeypatch.setattr(Source, "text", text)


def _read(p: Path):
    stats = IngestStats()
    items = list(iter_records(p, IngestConfig(), stats))
    assert stats.balanced()
    return [i for i in items if isinstance(i, Record)], [i for i in items if not isinstance(i, Record)]


def test_jsonl_is_streamed(tmp_path, no_whole_text):
    recs, rejects = _read(_write_jsonl(tmp_path / "t.jsonl", 50))
    assert len(recs) == 50 and rejects == []
    assert recs[7].contact["source_record"] == "line 8"


def test_jsonl_bad_line_and_crlf_when_streamed(tmp_path, no_whole_text):
    p = tmp_path / "t.jsonl"
    lines = [json.dumps(t) for t in _tickets(3)]
    p.write_bytes(("\r\n".join([lines[0], '{"id": "x", "subject": ', lines[1], "", lines[2]]) + "\r\n").encode())
    recs, rejects = _read(p)
    assert [r.contact["source_record"] for r in recs] == ["line 1", "line 3", "line 5"]
    assert [(r.code, r.location) for r in rejects] == [("E016", "line 2")]


def test_json_array_is_streamed_item_by_item(tmp_path, no_whole_text):
    p = tmp_path / "t.json"
    p.write_text(json.dumps(_tickets(30)))
    recs, rejects = _read(p)
    assert len(recs) == 30 and rejects == []
    assert recs[-1].contact["source_record"] == "record 30"


def test_zendesk_tickets_streamed_with_users_sideloaded_after_them(tmp_path, no_whole_text):
    doc = {"tickets": [{"id": 1, "subject": "Refund", "requester_id": 7, "via": {"channel": "email"},
                        "comments": [{"author_id": 7, "public": True, "body": "Where is my refund?"},
                                     {"author_id": 9, "public": True, "body": "It was sent today."}]}],
           "users": [{"id": 7, "email": "ann@example.com", "role": "end-user", "external_id": "C7"},
                     {"id": 9, "name": "Dana", "role": "agent"}]}
    p = tmp_path / "zd.json"
    p.write_text(json.dumps(doc))
    recs, _ = _read(p)
    c = recs[0].contact
    assert (c["email"], c["customer_id"], c["source_format"]) == ("ann@example.com", "C7", "zendesk_json")
    assert [m["role"] for m in recs[0].messages] == ["customer", "agent"]


def test_damaged_json_array_keeps_records_before_the_damage(tmp_path):
    p = tmp_path / "t.json"
    text = json.dumps(_tickets(4), indent=1)
    p.write_text(text[: text.rindex('"subject"')])  # cut inside the 4th ticket
    recs, rejects = _read(p)
    assert len(recs) == 3
    assert [(r.code, r.level) for r in rejects] == [("E006", "file")] and "3 complete records" in rejects[0].reason


def test_one_row_per_ticket_csv_is_streamed(tmp_path, no_whole_text):
    p = tmp_path / "t.csv"
    rows = "".join(f'{i},"Line one\nline two of ticket {i}",user{i}@example.com\n' for i in range(20))
    p.write_text("\ufeffTicket ID,Description,Requester Email\n" + rows, encoding="utf-8")
    recs, rejects = _read(p)
    assert len(recs) == 20 and rejects == []
    assert recs[1].contact["source_record"] == "line 4"  # physical lines across quoted newlines
    assert recs[1].messages[0]["text"] == "Line one\nline two of ticket 1"


def test_legacy_encoding_still_read_whole(fixtures_dir):
    recs, rejects = _read(fixtures_dir / "broken" / "latin1_tickets.csv")
    assert len(recs) == 2 and rejects == []


@pytest.mark.parametrize("batch_size", [1, 7, 10_000])
def test_batched_tables_equal_the_tables_of_all_records(fixtures_dir, batch_size):
    from voc.ingest import read_tables

    path = fixtures_dir
    recs = [r for r in iter_records(path, IngestConfig()) if isinstance(r, Record)]
    contacts, messages = to_frames(recs)
    t = read_tables(path, IngestConfig(), batch_size=batch_size)
    assert t.contacts.equals(contacts) and t.messages.equals(messages)
    assert t.stats.balanced() and len(t.rejects) == sum(t.stats.rejects_by_level.values())


def test_batches_are_bounded_and_keep_messages_with_their_contact(tmp_path):
    from voc.ingest import iter_arrow_batches

    p = _write_jsonl(tmp_path / "t.jsonl", 25)
    stats, rejects = IngestStats(), []
    batches = list(iter_arrow_batches(p, IngestConfig(), stats, rejects, batch_size=10))
    assert [c.num_rows for c, _ in batches] == [10, 10, 5]
    for c, m in batches:
        assert set(m.column("contact_id").to_pylist()) == set(c.column("contact_id").to_pylist())
        assert m.num_rows == 2 * c.num_rows


def _peak_reading(p: Path) -> int:
    from voc.ingest import iter_arrow_batches

    stats, rejects = IngestStats(), []
    tracemalloc.start()
    try:
        for _ in iter_arrow_batches(p, IngestConfig(), stats, rejects, batch_size=100):
            pass  # a consumer that writes each batch out keeps none of them
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_peak_memory_depends_on_the_batch_not_the_file(tmp_path):
    small = _peak_reading(_write_jsonl(tmp_path / "small.jsonl", 500))
    large = _peak_reading(_write_jsonl(tmp_path / "large.jsonl", 3_000))
    # read whole (as before), six times the tickets took about six times the memory
    assert large < 1.6 * small, (small, large)


def test_intercom_conversation_list_is_streamed(fixtures_dir, tmp_path, no_whole_text):
    src = sorted((fixtures_dir / "intercom").glob("*.json"))[0]
    doc = json.loads(src.read_text())
    convs = (doc["conversations"] if isinstance(doc, dict) and "conversations" in doc
             else (doc if isinstance(doc, list) else [doc]))
    p = tmp_path / "intercom.json"
    p.write_text(json.dumps({"type": "conversation.list", "pages": {"page": 1}, "conversations": convs * 1}))
    recs, rejects = _read(p)
    assert len(recs) == len(convs) and rejects == []
    assert {r.contact["source_format"] for r in recs} == {"intercom_json"}


def test_abcd_splits_are_streamed(shared_data, tmp_path, no_whole_text):
    from tests.conftest import shared_file

    src = shared_file(shared_data, "abcd_sample/abcd_sample.json")
    dialogues = json.loads(src.read_text())
    dialogues = dialogues if isinstance(dialogues, list) else [d for k in ("train", "dev", "test") for d in dialogues.get(k, [])]
    p = tmp_path / "abcd.json"
    dev = [{**d, "convo_id": f"dev-{d.get('convo_id')}"} for d in dialogues[:2]]
    p.write_text(json.dumps({"train": dialogues[:3], "dev": dev}))
    recs, rejects = _read(p)
    assert [r.contact["source_record"] for r in recs] == ["train record 1", "train record 2", "train record 3",
                                                          "dev record 1", "dev record 2"]
    assert {r.contact["source_format"] for r in recs} == {"abcd_json"}
