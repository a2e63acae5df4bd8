"""The text pipeline's orchestration: accounting, outputs, atomicity, batching."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from voc import config as cfg
from voc.errors import VocError
from voc.pipeline.analyze import analyze
from voc.pipeline.batches import concat_batches, split_batches
from voc.schema import contacts_frame, messages_frame

GOOD_CSV = """id,subject,description,requester_email,status,created_at
101,Charged twice,"Hi, I was charged twice for order 5521, please refund. Call me at +1 415 555 0199.",ann.lee@example.com,open,2026-03-01T10:00:00Z
102,Login,"I can't log in since the update, the app says my password is wrong.",bo.chen@example.com,solved,2026-03-02T11:30:00Z
"""  # noqa: E501  (CSV rows as a help desk writes them)

TRANSCRIPT = """Agent: Thank you for calling, this is Mark, how can I help?
Customer: My parcel never arrived and I am really frustrated.
Agent: I'm sorry to hear that, let me check the tracking.
Customer: Thanks, that would be great.
"""


def _cheap_config(**over):
    # redaction with real patterns + spaCy, VADER sentiment: no encoder, so the test stays fast
    return cfg.load(None, {"pipeline": ["sentiment"], "sentiment.backend": "vader", **over})


@pytest.fixture()
def small_input(tmp_path: Path) -> Path:
    d = tmp_path / "in"
    d.mkdir()
    (d / "tickets.csv").write_text(GOOD_CSV, encoding="utf-8")
    (d / "call_0001.txt").write_text(TRANSCRIPT, encoding="utf-8")
    (d / "empty.json").write_text("", encoding="utf-8")
    (d / "truncated.json").write_text('{"tickets": [{"id": 1, "subject": "x", "descr', encoding="utf-8")
    return d


def test_outputs_and_accounting(small_input: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    analyze(small_input, out, _cheap_config())
    for name in ("contacts.parquet", "messages.parquet", "rejects.jsonl", "run.json"):
        assert (out / name).exists(), name
    run = json.loads((out / "run.json").read_text())
    c = run["counts"]
    assert c["contacts_out"] == 3  # two tickets + one call
    assert c["records_in"] == c["contacts_out"] + c["record_rejects"]
    assert c["records_balanced"] and c["messages_balanced"]
    rejects = [json.loads(line) for line in (out / "rejects.jsonl").read_text().splitlines()]
    assert len(rejects) == run["rejects"]["total"] >= 2
    files = {Path(r["file"]).name for r in rejects}
    assert {"empty.json", "truncated.json"} <= files
    assert all(r["reason"] and r["fix"] and r["code"].startswith("E") for r in rejects)
    contacts = pd.read_parquet(out / "contacts.parquet")
    assert set(contacts["channel"]) == {"ticket", "call"}
    assert {"sentiment", "sentiment_score"} <= set(contacts.columns)
    assert run["steps"][0] == "redact", "redaction must run first"


def test_redaction_happens_before_storage(small_input: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    analyze(small_input, out, _cheap_config())
    text = " ".join(pd.read_parquet(out / "messages.parquet")["text"].astype(str))
    assert "555 0199" not in text and "[PHONE]" in text
    assert "Mark" not in text  # agent's name in the call


def test_no_redact_is_explicit(small_input: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    res = analyze(small_input, out, _cheap_config(**{"redact.enabled": False}))
    assert "redact" not in res.run["steps"]
    text = " ".join(res.messages["text"].astype(str))
    assert "555 0199" in text


def test_nothing_readable_raises_and_still_writes_rejects(tmp_path: Path) -> None:
    d = tmp_path / "bad"
    d.mkdir()
    (d / "a.json").write_text("", encoding="utf-8")
    (d / "b.bin").write_bytes(bytes(range(256)) * 4)
    out = tmp_path / "out"
    with pytest.raises(VocError) as e:
        analyze(d, out, _cheap_config())
    assert e.value.code == "E002"
    # the failed run's own records are kept apart from any earlier run's files, and the error names them
    kept = out / ".voc-failed-run" / "rejects.jsonl"
    assert str(kept) in str(e.value)
    assert len(kept.read_text().splitlines()) == 2
    assert json.loads((out / ".voc-failed-run" / "run.json").read_text())["counts"]["contacts_out"] == 0
    assert not (out / "rejects.jsonl").exists() and not (out / "run.json").exists()


def test_missing_input_path(tmp_path: Path) -> None:
    with pytest.raises(VocError) as e:
        analyze(tmp_path / "nope", tmp_path / "out", _cheap_config())
    assert e.value.code == "E001"


def test_failed_write_leaves_previous_output(small_input: Path, tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "out"
    analyze(small_input, out, _cheap_config())
    before = (out / "contacts.parquet").read_bytes()

    def boom(self, *a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", boom)
    with pytest.raises(VocError) as e:
        analyze(small_input, out, _cheap_config())
    assert e.value.code == "E401" and "contacts" in str(e.value)
    assert (out / "contacts.parquet").read_bytes() == before
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_split_batches_keeps_messages_with_their_contact() -> None:
    contacts = contacts_frame([{"contact_id": f"c{i}", "channel": "chat"} for i in range(7)])
    messages = messages_frame([{"contact_id": f"c{i}", "seq": j, "role": "customer", "text": f"m{i}.{j}"}
                               for i in range(7) for j in range(i % 3 + 1)])
    batches = split_batches(contacts, messages, size=3)
    assert [len(b) for b in batches] == [3, 3, 1]
    for b in batches:
        assert set(b.messages["contact_id"]) <= set(b.contacts["contact_id"])
    back = concat_batches(batches)
    assert back.contacts["contact_id"].tolist() == contacts["contact_id"].tolist()
    assert len(back.messages) == len(messages)


@pytest.fixture
def register_step():
    """Register pipeline components for one test; they are removed afterwards, so no other test sees them."""
    from voc import registry

    names: list[str] = []

    def register(name: str, cls):
        registry.components.register(name)(cls)
        names.append(name)
        return cls

    yield register
    for name in names:
        registry.components.unregister(name)
        assert name not in registry.components, f"{name} leaked into the global component registry"


def test_a_user_registered_step_runs_without_a_config_section(small_input: Path, tmp_path: Path, register_step) -> None:
    from voc.component import Component

    class Shout(Component):
        name = "shout_subjects"

        def __init__(self, config=None) -> None:
            self.config = config

        def __call__(self, batch):
            batch.contacts["subject"] = batch.contacts["subject"].str.upper()
            return batch

    register_step("shout_subjects", Shout)
    res = analyze(small_input, tmp_path / "out", cfg.load(None, {"pipeline": ["shout_subjects"]}))
    assert res.run["steps"] == ["redact", "shout_subjects"]
    assert "CHARGED TWICE" in set(res.contacts["subject"].dropna())


def test_registry_unregister_removes_only_that_name() -> None:
    from voc.errors import ConfigError
    from voc.registry import Registry

    r: Registry = Registry("thing")
    r.register("a")(int)
    r.register("b")(str)
    r.unregister("a")
    assert r.names() == ["b"]
    with pytest.raises(ConfigError):
        r.unregister("a")
    r.register("a")(float)                          # the name is free again
    assert r.get("a") is float


def test_skipped_folder_entries_reach_run_json(tmp_path):
    import os

    src = tmp_path / "in"
    src.mkdir()
    (src / "tickets.jsonl").write_text('{"id": "T1", "subject": "Refund", "description": "I want my money back"}\n',
                                       encoding="utf-8")
    other = tmp_path / "elsewhere.jsonl"
    other.write_text('{"id": "T2", "description": "not in the folder"}\n', encoding="utf-8")
    os.symlink(other, src / "link1.jsonl")
    os.symlink(other, src / "link2.jsonl")
    conf = cfg.load(None, {"pipeline": [], "report.html": False, "trends.enabled": False})
    res = analyze(src, tmp_path / "out", conf)
    skipped = res.run["counts"]["files_skipped"]
    assert sum(skipped.values()) == 2 and any("symlink" in k for k in skipped), skipped
