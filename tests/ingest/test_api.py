"""scan / read_file / iter_records / to_frames on small inputs written here, where the expected
result follows from the input by construction."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from voc.config import IngestConfig
from voc.errors import VocError
from voc.ingest import IngestStats, Record, Reject, iter_records, read_file, scan, to_frames
from voc.schema import CONTACTS, MESSAGES

CFG = IngestConfig()


def _items(path: Path, config: IngestConfig = CFG):
    items = list(read_file(path, config))
    return [i for i in items if isinstance(i, Record)], [i for i in items if isinstance(i, Reject)]


# ---- scan --------------------------------------------------------------------------------------------
def test_scan_missing_path_raises_e001(tmp_path):
    with pytest.raises(VocError) as e:
        scan(tmp_path / "nope", CFG)
    assert e.value.code == "E001" and "nope" in str(e.value)


def test_scan_order_hidden_and_excluded(tmp_path):
    for rel in ["b/2.csv", "b/10.csv", "a.json", ".git/x.csv", "b/.hidden.csv", "README.md", "c/d/e.txt"]:
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("x")
    got = [p.relative_to(tmp_path).as_posix() for p in scan(tmp_path, CFG)]
    assert got == ["a.json", "b/10.csv", "b/2.csv", "c/d/e.txt"]
    with_hidden = [p.relative_to(tmp_path).as_posix() for p in scan(tmp_path, IngestConfig(include_hidden=True))]
    assert ".git/x.csv" in with_hidden and "b/.hidden.csv" in with_hidden
    assert scan(tmp_path / "README.md", CFG) == [tmp_path / "README.md"]  # a file named directly is read


def test_scan_symlink_cycle_is_safe(tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "t.txt").write_text("Agent: hi\nCustomer: hello\n")
    (tmp_path / "d" / "loop").symlink_to(tmp_path)
    assert scan(tmp_path, CFG) == [tmp_path / "d" / "t.txt"]
    followed = scan(tmp_path, IngestConfig(follow_symlinks=True))
    assert tmp_path / "d" / "t.txt" in followed and len(followed) <= 2


def test_thousands_of_tiny_files(tmp_path):
    n = 3000
    for i in range(n):
        d = tmp_path / f"batch{i % 30:02d}"
        d.mkdir(exist_ok=True)
        if i % 3 == 0:
            (d / f"call_{i}.txt").write_text(f"Agent: Thanks for calling, how can I help?\nCustomer: Parcel {i} is late.\n")
        elif i % 3 == 1:
            (d / f"t_{i}.csv").write_text(f"Ticket ID,Description\n{i},Refund for order {i} please\n")
        else:
            (d / f"t_{i}.jsonl").write_text(json.dumps({"id": f"J{i}", "body": f"My card {i} was declined"}) + "\n")
    stats = IngestStats()
    items = list(iter_records(tmp_path, CFG, stats))
    assert stats.files == n and stats.records_read == n and stats.balanced()
    assert all(isinstance(i, Record) for i in items)
    contacts, messages = to_frames(items)
    assert contacts["contact_id"].is_unique and len(messages) == n + n // 3


# ---- decoding and file-level problems -------------------------------------------------------------------
def test_utf16_without_bom_and_forced_encoding(tmp_path):
    p = tmp_path / "t.csv"
    p.write_bytes("Ticket ID,Description\n1,Mon colis est en retard – où est-il ?\n".encode("utf-16-le"))
    recs, rejects = _items(p)
    assert rejects == [] and recs[0].messages[0]["text"] == "Mon colis est en retard – où est-il ?"
    recs, rejects = _items(p, IngestConfig(encoding="ascii"))
    assert recs == [] and [r.code for r in rejects] == ["E004"] and "ascii" in rejects[0].reason


def test_size_limit_and_unknown_text_format(tmp_path):
    big = tmp_path / "big.csv"
    big.write_text("Ticket ID,Description\n" + "1,x\n" * 2000)
    _, rejects = _items(big, IngestConfig(max_file_mb=0.001))
    assert [r.code for r in rejects] == ["E012"]
    odd = tmp_path / "notes.xyz"
    odd.write_text("just some words\nwith no structure\n")
    _, rejects = _items(odd)
    assert [r.code for r in rejects] == ["E005"] and ".xyz" in rejects[0].reason


def test_content_sniffing_beats_a_wrong_extension(tmp_path):
    p = tmp_path / "export.txt"
    p.write_text(json.dumps({"conversations": [{"type": "conversation", "id": "7", "created_at": 1767600000,
                                                "source": {"body": "<p>Hi, where is my order?</p>",
                                                           "author": {"type": "user", "email": "a@b.co"}},
                                                "conversation_parts": {"conversation_parts": []}}]}))
    recs, _ = _items(p)
    assert recs[0].contact["source_format"] == "intercom_json" and recs[0].messages[0]["text"] == "Hi, where is my order?"


def test_reader_crash_becomes_a_reject(tmp_path, monkeypatch):
    from voc.ingest.readers import tickets_csv

    def boom(self, path, source, config):
        yield Record({"contact_id": "1", "source_record": "line 2"}, [{"role": "customer", "text": "ok"}])
        raise RuntimeError("bug")

    monkeypatch.setattr(tickets_csv.TicketsCsvReader, "read_source", boom)
    p = tmp_path / "t.csv"
    p.write_text("Ticket ID,Description\n1,ok\n2,ok\n")
    recs, rejects = _items(p)
    assert len(recs) == 1 and [(r.code, r.level) for r in rejects] == [("E019", "file")]
    # the exception's type and place, never its message (it may quote the record's personal data)
    assert "RuntimeError at test_api.py:" in rejects[0].reason and "bug" not in rejects[0].reason


# ---- CSV ---------------------------------------------------------------------------------------------
def test_csv_line_numbers_with_multiline_fields_and_aliases(tmp_path):
    p = tmp_path / "export.csv"
    p.write_text('Ticket ID;Subject;Body;Requester;Created time;Closed time;Source\n'  # line 1
                 '7;Refund;"line one\nline two\nline three";'
                 'Maria Garcia <Maria.Garcia@Example.com>;2026-01-05 10:00;;Email\n'                    # 2-4
                 '\n'                                                                                   # 5 (blank)
                 '8;Late;"Where is it?";james.miller@example.com;2026-01-06T10:00:00+01:00;2026-01-07 09:00;Chat\n',  # 6
                 encoding="utf-8")
    recs, rejects = _items(p)
    assert rejects == []
    assert [r.contact["source_record"] for r in recs] == ["line 2", "line 6"]
    a, b = recs
    assert a.messages[0]["text"] == "line one\nline two\nline three"
    assert a.contact["email"] == "maria.garcia@example.com" and a.contact["channel"] == "email"
    assert b.contact["created_at"] == datetime(2026, 1, 6, 9, 0, tzinfo=timezone.utc)  # +01:00 -> UTC
    assert b.contact["channel"] == "chat" and b.contact["closed_at"].day == 7


def test_csv_config_columns_override(tmp_path):
    p = tmp_path / "odd.csv"
    p.write_text("Case,Kundentext,Kunde\nK1,Meine Karte wurde abgelehnt,C007\n")
    _, rejects = _items(p)
    assert [r.code for r in rejects] == ["E007"] and "'Kundentext'" in rejects[0].reason
    cfg = IngestConfig(columns={"text": ["Kundentext"], "customer_id": ["Kunde"], "contact_id": ["Case"]})
    recs, rejects = _items(p, cfg)
    assert rejects == [] and recs[0].contact["customer_id"] == "C007" and recs[0].contact["contact_id"] == "K1"


# ---- transcripts ---------------------------------------------------------------------------------------
def test_txt_transcript_labels_continuations_and_config_roles(tmp_path):
    p = tmp_path / "call.txt"
    p.write_text("Call ID: C-1\nDate: 2026-02-03 14:05 UTC\nCustomer ID: C012\n\n"
                 "[00:00:02] Rep: Good afternoon, how may I help?\n"
                 "[00:00:07] Caller: My order ID: 5566 never came.\n"
                 "It was a gift.\n"
                 "[00:00:15] Rep: Let me check that.\n")
    recs, rejects = _items(p)
    assert rejects == []
    r = recs[0]
    assert r.contact["contact_id"] == "C-1" and r.contact["customer_id"] == "C012" and r.contact["channel"] == "call"
    assert [(m["role"], m["speaker"], m["start_s"], m["end_s"]) for m in r.messages] == [
        ("agent", "Rep", 2.0, 7.0), ("customer", "Caller", 7.0, 15.0), ("agent", "Rep", 15.0, None)]
    assert r.messages[1]["text"] == "My order ID: 5566 never came. It was a gift."
    assert r.messages[1]["source_record"] == "line 6-7"
    assert r.messages[1]["timestamp"] == datetime(2026, 2, 3, 14, 5, 7, tzinfo=timezone.utc)

    q = tmp_path / "names.txt"
    q.write_text("Sam: hello?\nLee: hi Sam, it's Lee from billing\nSam: ok\nLee: bye\n")
    recs, _ = _items(q, IngestConfig(speaker_roles={"Lee": "agent"}))
    assert [m["role"] for m in recs[0].messages] == ["customer", "agent", "customer", "agent"]


def test_vtt_multiple_voices_in_one_cue(tmp_path):
    p = tmp_path / "c.vtt"
    p.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Agent>Hello, you have reached Acme.\n<v Customer>Hi!\n\n"
                 "00:00:03.500 --> 00:00:05.000\n<v.loud Customer>My <b>parcel</b> is lost &amp; I'm upset.\n")
    recs, _ = _items(p)
    assert [(m["role"], m["text"]) for m in recs[0].messages] == [
        ("agent", "Hello, you have reached Acme."), ("customer", "Hi! My parcel is lost & I'm upset.")]
    assert recs[0].messages[1]["end_s"] == 5.0


def test_srt_without_speakers_is_e014(tmp_path):
    p = tmp_path / "c.srt"
    p.write_text("1\n00:00:01,000 --> 00:00:02,000\nhello there\n\n2\n00:00:02,500 --> 00:00:04,000\nyes hi\n")
    recs, rejects = _items(p)
    assert recs == [] and [r.code for r in rejects] == ["E014"]


def test_diarized_heuristic_and_config(tmp_path):
    segs = [{"speaker": "spk_1", "start": 0.0, "end": 1.0, "text": "Hello?"},
            {"speaker": "spk_0", "start": 1.2, "end": 4.0, "text": "Hi, this is Dana calling from Acme about your refund."},
            {"speaker": "spk_1", "start": 4.2, "end": 6.0, "text": "Oh great, finally."}]
    p = tmp_path / "d.json"
    p.write_text(json.dumps({"segments": segs}))
    recs, _ = _items(p)
    assert [m["role"] for m in recs[0].messages] == ["customer", "agent", "customer"]
    recs, _ = _items(p, IngestConfig(speaker_roles={"spk_1": "agent"}))
    assert [m["role"] for m in recs[0].messages] == ["agent", "customer", "agent"]


# ---- iter_records / to_frames --------------------------------------------------------------------------
def test_same_id_from_two_systems_is_prefixed_not_rejected(tmp_path):
    (tmp_path / "a.csv").write_text("Ticket ID,Description\n101,Refund please\n")
    (tmp_path / "b.json").write_text(json.dumps({"conversations": [{"type": "conversation", "id": "101", "source": {
        "body": "<p>Card declined</p>", "author": {"type": "user"}}, "conversation_parts": []}]}))
    recs = [i for i in iter_records(tmp_path, CFG) if isinstance(i, Record)]
    assert [r.contact["contact_id"] for r in recs] == ["101", "intercom:101"]
    assert recs[1].messages[0]["contact_id"] == "intercom:101"


def test_derived_ids_are_stable(tmp_path):
    (tmp_path / "x.txt").write_text("Agent: hi\nCustomer: hello\n")
    a = [i.contact["contact_id"] for i in iter_records(tmp_path, CFG)]
    b = [i.contact["contact_id"] for i in iter_records(tmp_path, CFG)]
    assert a == b and a[0].startswith("transcript_txt-")


def test_to_frames_parquet_round_trip(fixtures_dir, tmp_path):
    recs = [i for i in iter_records(fixtures_dir / "calls", CFG) if isinstance(i, Record)]
    contacts, messages = to_frames(recs)
    for df, schema, name in ((contacts, CONTACTS, "c"), (messages, MESSAGES, "m")):
        path = tmp_path / f"{name}.parquet"
        df.to_parquet(path, index=False)
        assert pq.read_schema(path).remove_metadata().equals(schema)
        back = pd.read_parquet(path)
        assert len(back) == len(df)
    assert str(contacts["created_at"].dtype).startswith("timestamp[us, tz=UTC]")
    assert (messages.groupby("contact_id")["seq"].apply(lambda s: s.tolist() == list(range(len(s))))).all()


def test_to_frames_normalises_foreign_values():
    rec = Record({"contact_id": 5, "customer_id": 42, "created_at": "2026-01-05T10:00:00+02:00", "source_file": "f",
                  "source_record": "r"},
                 [{"role": "customer", "text": "hi", "timestamp": 1767607200, "start_s": 1}])
    c, m = to_frames([rec])
    assert c.loc[0, "contact_id"] == "5" and c.loc[0, "customer_id"] == "42"
    assert c.loc[0, "created_at"] == pd.Timestamp("2026-01-05T08:00:00Z") and c.loc[0, "n_messages"] == 1
    assert m.loc[0, "timestamp"] == pd.Timestamp(1767607200, unit="s", tz="UTC") and m.loc[0, "start_s"] == 1.0
    assert m.loc[0, "source_file"] == "f"


@pytest.mark.data
def test_abcd_sample(shared_data):
    from tests.conftest import shared_file

    p = shared_file(shared_data, "abcd_sample/abcd_sample.json")
    recs, rejects = _items(p)
    assert rejects == [] and len(recs) == 3
    first = recs[0]
    raw = json.loads(p.read_text())[0]
    assert first.contact["contact_id"] == str(raw["convo_id"])
    assert first.contact["email"] == raw["scenario"]["personal"]["email"]
    assert first.contact["phone"] == raw["scenario"]["personal"]["phone"]
    assert first.contact["tags"] == [raw["scenario"]["flow"], raw["scenario"]["subflow"]]
    roles = {"agent": "agent", "customer": "customer", "action": "system"}
    assert [m["role"] for m in first.messages] == [roles[s] for s, _ in raw["original"]]
    assert [m["text"] for m in first.messages] == [t for _, t in raw["original"]]
