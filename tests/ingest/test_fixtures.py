"""Every reader on the committed fixtures, checked against the generator's plan
(fixtures/transcripts/.plan.csv): ids encode the plan row, so customer, time and channel of
each contact can be compared to what the generator meant to write."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from voc.config import IngestConfig
from voc.ingest import IngestStats, Record, Reject, iter_records, read_file, to_frames
from voc.schema import CHANNELS, ROLES


@pytest.fixture(scope="module")
def plan(fixtures_dir: Path) -> pd.DataFrame:
    df = pd.read_csv(fixtures_dir / ".plan.csv", dtype=str, keep_default_na=False)
    df["n"] = df["n"].astype(int)
    df["created_at"] = pd.to_datetime(df["created_at"], utc=True)
    return df.set_index("n")


@pytest.fixture(scope="module")
def roster(root: Path) -> pd.DataFrame:
    return pd.read_csv(root / "fixtures" / "customers.csv", dtype=str)


@pytest.fixture(scope="module")
def corpus(fixtures_dir: Path):
    stats = IngestStats()
    items = list(iter_records(fixtures_dir, IngestConfig(), stats))
    records = [i for i in items if isinstance(i, Record)]
    contacts, messages = to_frames(records)
    return items, stats, contacts, messages


def _file(contacts: pd.DataFrame, rel: str) -> pd.DataFrame:
    return contacts[contacts["source_file"] == rel]


# id -> plan row, per export family (the generator's numbering)
FAMILIES = [
    ("zendesk/tickets.json", "zendesk", "zendesk_json", lambda cid: int(cid) - 10000),
    ("zendesk/tickets_export.csv", "zendesk_csv", "tickets_csv", lambda cid: int(cid) - 20000),
    ("freshdesk/tickets.json", "freshdesk", "freshdesk_json", lambda cid: int(cid) - 30000),
    ("freshdesk/ticket_comments.csv", "freshdesk_comments", "tickets_csv", lambda cid: int(cid) - 40000),
    ("freshdesk/tickets_unicode.csv", "utf16", "tickets_csv", lambda cid: int(cid) - 40000),
    ("helpscout/tickets.jsonl", "jsonl", "tickets_jsonl", lambda cid: int(cid.split("-")[1]) - 50000),
    ("intercom/conversations.json", "intercom", "intercom_json", lambda cid: int(cid) - 1911149811),
    ("abcd/dialogues.json", "abcd", "abcd_json", lambda cid: int(cid) - 900000),
]


@pytest.mark.parametrize("rel,family,fmt,to_n", FAMILIES, ids=[f[0] for f in FAMILIES])
def test_ticket_and_chat_exports_match_the_plan(corpus, plan, roster, rel, family, fmt, to_n):
    _, _, contacts, _ = corpus
    phones = dict(zip(roster["customer_id"], roster["phone"]))
    got = _file(contacts, rel)
    expected = plan[plan["family"] == family]
    assert len(got) == len(expected) > 0
    assert set(got["source_format"]) == {fmt}
    for row in got.itertuples():
        p = plan.loc[to_n(row.contact_id)]
        assert p["family"] == family
        # the contact carries the planned customer by id, e-mail or phone (exports differ in what they keep)
        planned = {p["customer_id"], p["email"], phones.get(p["customer_id"])} - {"", None}
        got_ids = {v for v in (row.customer_id, row.email, row.phone) if not pd.isna(v)}
        assert got_ids & planned, (row.contact_id, got_ids, planned)
        if not pd.isna(row.customer_id):
            assert row.customer_id == p["customer_id"]
        if family in ("freshdesk_comments", "utf16"):  # exported in minutes, US month-first
            assert abs((row.created_at - p["created_at"]).total_seconds()) < 60
        else:
            assert row.created_at == p["created_at"]


def test_calls_match_the_plan(corpus, plan):
    _, _, contacts, messages = corpus
    calls = contacts[contacts["source_file"].str.startswith("calls/")]
    expected = plan[plan["family"].str.startswith("call_")]
    assert len(calls) == len(expected) == 15
    assert set(calls["channel"]) == {"call"}
    assert set(calls["source_format"]) == {"transcript_txt", "webvtt", "srt", "diarized_json"}
    m = messages[messages["contact_id"].isin(calls["contact_id"])]
    assert m["start_s"].notna().mean() > 0.6          # clock times or cue times on most turns
    assert (m["end_s"].dropna() >= m.loc[m["end_s"].notna(), "start_s"]).all()
    # every call in the fixtures opens with the agent's greeting, except the AssemblyAI call-back ('Hello?')
    first = m[m["seq"] == 0].set_index("contact_id")
    greeting = first["text"].str.contains("Thank you for calling")
    assert (first.loc[greeting, "role"] == "agent").all() and greeting.sum() >= 14
    # each call has both sides, the customer side speaking the roster phone back
    for cid, g in m.groupby("contact_id"):
        assert {"agent", "customer"} <= set(g["role"]), cid
        assert g["seq"].tolist() == list(range(len(g)))


def test_diarized_milliseconds_are_converted_and_raw_labels_kept(fixtures_dir):
    cfg = IngestConfig()
    seen = {}
    for p in sorted((fixtures_dir / "calls").glob("diarized_*.json")):
        rec = next(i for i in read_file(p, cfg) if isinstance(i, Record))
        seen[p.name] = rec
        assert max(m["end_s"] for m in rec.messages) < 600  # a few minutes, in seconds (AssemblyAI writes ms)
    labels = {m["speaker"] for r in seen.values() for m in r.messages}
    assert {"SPEAKER_00", "SPEAKER_01", "A", "B", "0", "1"} <= labels
    # the AssemblyAI call-back starts with the customer's 'Hello?': the greeting, not the order, makes B the agent
    ab = next(r for r in seen.values() if any(m["speaker"] == "B" for m in r.messages))
    assert ab.messages[0]["text"] == "Hello?" and ab.messages[0]["role"] == "customer"
    assert {m["role"] for m in ab.messages if m["speaker"] == "B"} == {"agent"}


def test_zendesk_roles_notes_and_sideloaded_users(fixtures_dir, roster):
    items = list(read_file(fixtures_dir / "zendesk" / "tickets.json", IngestConfig()))
    recs = [i for i in items if isinstance(i, Record)]
    assert all(r.messages[0]["role"] == "customer" for r in recs)
    roles = {m["role"] for r in recs for m in r.messages}
    assert roles == {"customer", "agent", "system"}  # private comments are internal notes
    notes = [m for r in recs for m in r.messages if m["role"] == "system"]
    assert notes and all(m["text"].startswith("Internal:") for m in notes)
    known = set(roster["customer_id"])
    ids = {r.contact["customer_id"] for r in recs} - {None}
    assert ids and ids <= known  # external_id of the requester = the CDP customer id


def test_intercom_parts(fixtures_dir):
    recs = [i for i in read_file(fixtures_dir / "intercom" / "conversations.json", IngestConfig()) if isinstance(i, Record)]
    msgs = [m for r in recs for m in r.messages]
    assert {"customer", "agent", "bot"} <= {m["role"] for m in msgs}
    assert not any("<p>" in m["text"] or "&amp;" in m["text"] for m in msgs)  # HTML converted
    assert all(m["text"] for m in msgs)  # assignment/close parts (no body) are not messages
    assert any(m["speaker"] == "Fin" and m["role"] == "bot" for m in msgs)
    closed = [r for r in recs if r.contact["status"] == "closed"]
    assert closed and all(r.contact["closed_at"] >= r.contact["created_at"] for r in closed)
    assert all(r.contact["channel"] == "chat" for r in recs)


def test_freshdesk_incoming_private_and_codes(fixtures_dir):
    recs = [i for i in read_file(fixtures_dir / "freshdesk" / "tickets.json", IngestConfig()) if isinstance(i, Record)]
    assert {r.contact["status"] for r in recs} <= {"open", "pending", "resolved", "closed"}
    assert {r.contact["channel"] for r in recs} <= set(CHANNELS)
    for r in recs:
        assert r.messages[0]["role"] == "customer" and r.messages[0]["source_record"].endswith("description")
    notes = [m for r in recs for m in r.messages if m["role"] == "system"]
    assert notes and all("warehouse" in m["text"] for m in notes)
    phone_only = [r for r in recs if r.contact["email"] is None]
    assert phone_only and all(r.contact["phone"] for r in phone_only)


def test_comment_rows_are_grouped_into_tickets(fixtures_dir, plan):
    for name in ("ticket_comments.csv", "tickets_unicode.csv"):
        recs = [i for i in read_file(fixtures_dir / "freshdesk" / name, IngestConfig()) if isinstance(i, Record)]
        assert recs and all(len(r.messages) >= 2 for r in recs)
        for r in recs:
            assert [m["role"] for m in r.messages][:2] == ["customer", "agent"]
            lines = [int(m["source_record"].split()[1]) for m in r.messages]
            assert lines == sorted(lines) and r.contact["source_record"] == f"line {lines[0]}"


def test_email_quotes_and_signatures_are_cut(fixtures_dir):
    recs = [next(i for i in read_file(p, IngestConfig()) if isinstance(i, Record))
            for p in sorted((fixtures_dir / "email").glob("*.eml"))]
    assert len(recs) == 6
    for r in recs:
        text = r.messages[0]["text"]
        assert r.contact["channel"] == "email" and r.contact["email"] and "@" in r.contact["email"]
        assert "wrote:" not in text and "> " not in text and "<p>" not in text
    assert any(r.contact["subject"].startswith("Re: ") for r in recs)


def test_every_contact_is_well_formed(corpus, roster):
    _, _, contacts, messages = corpus
    assert len(contacts) >= 120
    assert contacts["contact_id"].is_unique
    assert set(contacts["channel"]) <= set(CHANNELS) and set(messages["role"]) <= set(ROLES)
    assert (contacts["n_messages"] == messages.groupby("contact_id").size().reindex(contacts["contact_id"]).to_numpy()).all()
    assert contacts["source_file"].notna().all() and contacts["source_record"].notna().all()
    assert not contacts["source_file"].str.startswith("/").any()  # relative to the scanned folder
    # linkable to the roster: most contacts carry a known customer id, e-mail or phone
    known = contacts["customer_id"].isin(roster["customer_id"]) | contacts["email"].isin(roster["email"]) | \
        contacts["phone"].isin(roster["phone"])
    assert known.mean() > 0.8 and (~known).sum() >= 3
    span = contacts["created_at"].max() - contacts["created_at"].min()
    assert pd.Timedelta(days=45) < span < pd.Timedelta(days=63)
    assert contacts["created_at"].dt.year.dropna().eq(2026).all()


def test_repeat_contacts_exist(corpus):
    _, _, contacts, _ = corpus
    c = contacts.dropna(subset=["customer_id", "created_at"]).sort_values("created_at")
    gaps = c.groupby("customer_id")["created_at"].diff().dropna()
    assert (gaps < pd.Timedelta(days=5)).sum() >= 5


def test_accounting_invariant_over_the_fixtures(corpus):
    items, stats, contacts, messages = corpus
    assert stats.balanced()
    rejects = [i for i in items if isinstance(i, Reject)]
    by_level = {lv: sum(r.level == lv for r in rejects) for lv in ("file", "contact", "message")}
    assert stats.records_read == len(contacts)
    assert stats.records_seen == len(contacts) + by_level["file"] + by_level["contact"]
    assert stats.messages_read == len(messages)
    assert stats.messages_seen == len(messages) + by_level["message"]
    assert stats.files == sum(stats.files_by_format.values())
    d = stats.as_dict()
    assert d["rejects_by_code"] == {c: sum(r.code == c for r in rejects) for c in {r.code for r in rejects}}
