"""One output folder holds one run (issue 10): staging + swap, the folder lock, leftovers of killed
runs, user files, stale tables/embeddings never read, CSV formula injection."""
from __future__ import annotations

import csv
import hashlib
import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest

from voc import catalog, datasets, outfolder
from voc import config as cfg
from voc.errors import VocError
from voc.pipeline.analyze import analyze
from voc.pipeline.run import run_all

ROOT = Path(__file__).resolve().parents[2]

TICKETS_A = """id,subject,description,requester_email,status,created_at
101,Charged twice,"Hi, I was charged twice for order 5521, please refund.",ann.lee@example.com,open,2026-03-01T10:00:00Z
102,Login,"I can't log in since the update, the app says my password is wrong.",bo.chen@example.com,solved,2026-03-02T11:30:00Z
103,Parcel,"My parcel never arrived and I am really frustrated.",cy.diaz@example.com,solved,2026-03-03T09:00:00Z
"""
TICKETS_B = """id,subject,description,requester_email,status,created_at
201,Refund,"Where is my refund? It has been two weeks.",dee.eng@example.com,open,2026-04-01T10:00:00Z
"""
EVENTS = """customer_id,timestamp,event,channel
U1,2026-03-01T09:00:00Z,page_view,web
U1,2026-03-01T09:05:00Z,payment_failed,web
U2,2026-03-02T11:00:00Z,login_failed,app
"""


def cheap(**over):
    return cfg.load(None, {"pipeline": ["sentiment"], "sentiment.backend": "vader", "report.html": False, **over})


def make_input(tmp_path: Path, name: str, text: str) -> Path:
    d = tmp_path / name
    d.mkdir()
    (d / "tickets.csv").write_text(text, encoding="utf-8")
    return d


def digest(folder: Path) -> dict[str, str]:
    """Every file of the folder with its hash (the lock file and a failed run's own records aside)."""
    out = {}
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder)
        if p.is_file() and rel.parts[0] not in (outfolder.LOCK, outfolder.FAILED):
            out[str(rel)] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def rows(path: Path) -> int:
    return len(pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path))


# ---------------------------------------------------------------- stale tables of an earlier run

def test_a_new_run_drops_the_journey_tables_of_an_earlier_one(tmp_path: Path) -> None:
    """`make demo` then an analysis without --events into the same folder: the report read the old
    journey tables (repeat rate, FCR and channels of another run). Now the folder holds one run."""
    ev = tmp_path / "events.csv"
    ev.write_text(EVENTS, encoding="utf-8")
    out = tmp_path / "out"
    run_all(make_input(tmp_path, "a", TICKETS_A), out, cheap(), events=[ev])
    assert (out / "journeys.parquet").exists() and (out / "repeat_summary.parquet").exists()

    res = run_all(make_input(tmp_path, "b", TICKETS_B), out, cheap())
    for name in catalog.JOURNEY_TABLES:
        assert catalog.find(out, name) is None, name
    assert not (out / "journey_run.json").exists()
    assert res.summary["headline"]["contacts"] == 1
    from voc.report.inputs import load_inputs

    assert "repeat_contacts" not in load_inputs(out).tables


def test_reader_ignores_a_table_the_run_did_not_write(tmp_path: Path) -> None:
    out = tmp_path / "out"
    analyze(make_input(tmp_path, "a", TICKETS_A), out, cheap())
    # a journey table dropped in by hand (or left by an old voc) is not part of the run
    pd.DataFrame({"contact_id": ["x"], "is_repeat": [True]}).to_parquet(out / "repeat_contacts.parquet")
    from voc.report.inputs import load_inputs

    assert "repeat_contacts" not in load_inputs(out).tables


def test_csv_run_never_reads_embeddings_an_earlier_run_left(tmp_path: Path, monkeypatch) -> None:
    """--format csv writes no embeddings.parquet; finish_run used to read the earlier run's one."""
    out = tmp_path / "out"
    analyze(make_input(tmp_path, "a", TICKETS_A), out, cheap())
    stale = pd.DataFrame({"contact_id": ["101", "102", "103"], "embedding": [[1.0, 0.0]] * 3})
    stale.to_parquet(out / "embeddings.parquet")   # as an earlier parquet run of an older voc left it
    (out / outfolder.MANIFEST).unlink()
    seen = {}

    def fake_run_journeys(events, contacts, config, out_dir, fmt="parquet", embeddings=None, **kw):
        seen["embeddings"] = embeddings
        raise RuntimeError("stop here")

    import voc.journey.run as jr

    monkeypatch.setattr(jr, "run_journeys", fake_run_journeys)
    ev = tmp_path / "events.csv"
    ev.write_text(EVENTS, encoding="utf-8")
    with pytest.raises(RuntimeError):
        run_all(make_input(tmp_path, "b", TICKETS_B), out, cheap(), fmt="csv", events=[ev])
    assert "embeddings" in seen and seen["embeddings"] is None


def test_journeys_cli_reads_embeddings_only_from_the_contacts_run(tmp_path: Path) -> None:
    from voc.cli.journeys import read_contacts

    out = tmp_path / "out"
    analyze(make_input(tmp_path, "a", TICKETS_A), out, cheap())
    pd.DataFrame({"contact_id": ["101", "102", "103"], "embedding": [[1.0, 0.0]] * 3}).to_parquet(out / "embeddings.parquet")
    contacts, emb = read_contacts(out)
    assert len(contacts) == 3 and emb is None     # not listed by the run's manifest: another run's file


# ---------------------------------------------------------------- failed and killed runs

def test_failed_run_leaves_the_previous_folder_byte_identical(tmp_path: Path) -> None:
    out = tmp_path / "out"
    analyze(make_input(tmp_path, "a", TICKETS_A), out, cheap())
    before = digest(out)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.csv").write_bytes(b"")
    with pytest.raises(VocError) as e:
        analyze(bad, out, cheap())
    assert e.value.code == "E002"
    assert digest(out) == before
    run = json.loads((out / "run.json").read_text())
    assert run["counts"]["contacts_out"] == rows(out / "contacts.parquet") == 3
    assert (out / outfolder.FAILED / "rejects.jsonl").exists()   # the failed run's reasons, kept apart


def test_failed_write_mid_run_leaves_every_previous_file(tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "out"
    analyze(make_input(tmp_path, "a", TICKETS_A), out, cheap())
    before = digest(out)
    real = datasets.write_table

    def fail_on_messages(df, path, *, dataset, fmt=None):
        if dataset == "messages":
            raise OSError("disk full")
        return real(df, path, dataset=dataset, fmt=fmt)

    monkeypatch.setattr(datasets, "write_table", fail_on_messages)
    with pytest.raises(OSError, match="disk full"):   # the failure itself, not any exception
        analyze(make_input(tmp_path, "b", TICKETS_B), out, cheap())
    assert digest(out) == before     # contacts.parquet of the new run did not land beside the old messages
    assert not list(out.glob(outfolder.STAGING_PREFIX + "*"))


KILL_SCRIPT = textwrap.dedent("""
    import os, signal, sys
    from voc import config as cfg, datasets, outfolder
    from voc.pipeline.analyze import analyze
    point, inp, out = sys.argv[1], sys.argv[2], sys.argv[3]
    if point == "write":
        real = datasets.atomic_path.__wrapped__ if hasattr(datasets.atomic_path, "__wrapped__") else None
        real_write = datasets.write_table
        def write_then_die(df, path, *, dataset, fmt=None):
            if dataset == "messages":
                # a half-written hidden temp file, as a kill inside to_parquet leaves it
                open(os.path.join(os.path.dirname(path), ".messages.parquet.abc123.tmp"), "wb").write(b"PAR1")
                os.kill(os.getpid(), signal.SIGKILL)
            return real_write(df, path, dataset=dataset, fmt=fmt)
        datasets.write_table = write_then_die
    else:  # die in the middle of the swap, after the plan is written and one file moved
        real_replace = os.replace
        n = {"i": 0}
        def replace_then_die(a, b):
            real_replace(a, b)
            if ".voc-staging-" in str(a) and not str(a).endswith(".tmp"):
                n["i"] += 1
                if n["i"] == 2:
                    os.kill(os.getpid(), signal.SIGKILL)
        outfolder.os.replace = replace_then_die
    analyze(inp, out, cfg.load(None, {"pipeline": ["sentiment"], "sentiment.backend": "vader", "report.html": False}))
""")


def _run_killed(point: str, inp: Path, out: Path) -> int:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    p = subprocess.run([sys.executable, "-c", KILL_SCRIPT, point, str(inp), str(out)], env=env, cwd=ROOT,
                       capture_output=True, text=True, timeout=300)
    return p.returncode


def test_kill_9_while_writing_leaves_the_previous_run_and_the_next_run_cleans_up(tmp_path: Path) -> None:
    out = tmp_path / "out"
    analyze(make_input(tmp_path, "a", TICKETS_A), out, cheap())
    before = digest(out)
    assert _run_killed("write", make_input(tmp_path, "b", TICKETS_B), out) == -9
    leftovers = list(out.glob(outfolder.STAGING_PREFIX + "*"))
    assert leftovers      # the killed run's staging folder (with its hidden temp file) is there ...
    assert {k: v for k, v in digest(out).items() if not k.startswith(outfolder.STAGING_PREFIX)} == before
    from voc.report.inputs import load_inputs

    assert len(load_inputs(out).tables["contacts"]) == 3      # ... and readers still see the previous run
    res = analyze(make_input(tmp_path, "c", TICKETS_B), out, cheap())
    assert not list(out.glob(".voc-staging-*")) and not list(out.glob(".*.tmp"))   # ... until the next run removes it
    assert any("did not finish" in c for c in res.run["cleaned_up"])


def test_kill_9_during_the_swap_is_finished_by_the_next_run(tmp_path: Path) -> None:
    out = tmp_path / "out"
    analyze(make_input(tmp_path, "a", TICKETS_A), out, cheap())
    assert _run_killed("swap", make_input(tmp_path, "b", TICKETS_B), out) == -9
    from voc.report.inputs import load_inputs

    with pytest.raises(VocError) as e:          # half swapped: readers refuse rather than mix
        load_inputs(out)
    assert e.value.code == "E410"
    with outfolder.Transaction(out, stage="report") as tx:   # any writer rolls the swap forward first
        assert any("finished the interrupted update" in c for c in tx.cleaned)
    run = json.loads((out / "run.json").read_text())
    assert run["counts"]["contacts_out"] == rows(out / "contacts.parquet") == rows(out / "messages.parquet") == 1
    assert outfolder.read_manifest(out)["run_id"] == run["run_id"]
    assert not list(out.glob(".voc-staging-*")) and not list(out.glob(".voc-old-*"))


def test_old_style_temp_files_are_removed_but_user_dotfiles_kept(tmp_path: Path) -> None:
    out = tmp_path / "out"
    analyze(make_input(tmp_path, "a", TICKETS_A), out, cheap())
    (out / ".messages.parquet.k2j3h4.tmp").write_bytes(b"x")      # left by a kill -9 of an older voc
    (out / ".topic_model.ab12.tmp").mkdir()
    (out / ".my-notes.tmp").write_text("mine")
    analyze(make_input(tmp_path, "b", TICKETS_B), out, cheap())
    assert not (out / ".messages.parquet.k2j3h4.tmp").exists() and not (out / ".topic_model.ab12.tmp").exists()
    assert (out / ".my-notes.tmp").read_text() == "mine"


# ---------------------------------------------------------------- user files

def test_user_files_in_the_output_folder_are_kept(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.md").write_text("my notes")
    (out / "extra").mkdir()
    (out / "extra" / "a.csv").write_text("a\n1\n")
    analyze(make_input(tmp_path, "a", TICKETS_A), out, cheap())
    analyze(make_input(tmp_path, "b", TICKETS_B), out, cheap())
    assert (out / "notes.md").read_text() == "my notes" and (out / "extra" / "a.csv").read_text() == "a\n1\n"
    assert rows(out / "contacts.parquet") == 1
    assert "notes.md" not in outfolder.owned(out)


def test_a_user_file_with_an_output_name_is_never_overwritten(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "contacts.parquet").write_bytes(b"the user's own file")
    with pytest.raises(VocError) as e:
        analyze(make_input(tmp_path, "a", TICKETS_A), out, cheap())
    assert e.value.code == "E409" and "contacts.parquet" in str(e.value)
    assert (out / "contacts.parquet").read_bytes() == b"the user's own file"


def test_folder_of_an_older_voc_is_taken_over_whole(tmp_path: Path) -> None:
    """A folder an older voc wrote (run.json, no manifest): its outputs are voc's and get replaced."""
    out = tmp_path / "out"
    analyze(make_input(tmp_path, "a", TICKETS_A), out, cheap())
    (out / outfolder.MANIFEST).unlink()
    pd.DataFrame({"journey_id": ["j1"]}).to_parquet(out / "journeys.parquet")
    analyze(make_input(tmp_path, "b", TICKETS_B), out, cheap())
    assert not (out / "journeys.parquet").exists() and rows(out / "contacts.parquet") == 1


# ---------------------------------------------------------------- lock

def test_a_second_writer_gets_E408_naming_the_pid(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with outfolder.Transaction(out, stage="analyze"):
        with pytest.raises(VocError) as e:
            analyze(make_input(tmp_path, "a", TICKETS_A), out, cheap())
    assert e.value.code == "E408" and str(os.getpid()) in str(e.value) and str(out) in str(e.value)
    analyze(make_input(tmp_path, "b", TICKETS_B), out, cheap())      # released: the next run goes ahead


HOLD_SCRIPT = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from voc import outfolder
    with outfolder.Transaction(sys.argv[1], stage="analyze"):
        Path(sys.argv[2]).write_text("locked")
        time.sleep(60)
""")


def test_concurrent_cli_run_into_a_locked_folder_exits_2_with_E408(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from voc.cli import _wire, app

    _wire()
    out, ready = tmp_path / "out", tmp_path / "ready"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    holder = subprocess.Popen([sys.executable, "-c", HOLD_SCRIPT, str(out), str(ready)], env=env, cwd=ROOT)
    try:
        for _ in range(300):
            if ready.exists():
                break
            time.sleep(0.1)
        assert ready.exists()
        res = CliRunner().invoke(app, ["analyze", str(make_input(tmp_path, "a", TICKETS_A)), "--out", str(out),
                                       "--no-topics", "--no-report"])
        assert res.exit_code == 2, res.output
        assert "E408" in res.output and str(holder.pid) in res.output
        assert not (out / "contacts.parquet").exists()
    finally:
        holder.kill()
        holder.wait()
    # the holder was killed (-9): its lock died with it
    analyze(make_input(tmp_path, "b", TICKETS_B), out, cheap())
    assert rows(out / "contacts.parquet") == 1


# ---------------------------------------------------------------- CSV injection

PAYLOADS = ['=HYPERLINK("http://x.example","click")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)", "\t=1+1",
            "\r=1", "'=already quoted", "＝1+1"]


def test_csv_outputs_escape_formula_cells_and_keep_numbers(tmp_path: Path) -> None:
    df = pd.DataFrame({"text": PAYLOADS + ["-0.5", "plain", None],
                       "score": [-0.5] * 10 + [None],
                       "n": pd.array([-1] * 11, dtype="Int64")})
    p = datasets.write_table(df, tmp_path / "t.csv", dataset="t")
    with open(p, newline="", encoding="utf-8") as f:
        cells = list(csv.reader(f))[1:]
    texts = [r[0] for r in cells]
    for raw in texts[:len(PAYLOADS)]:
        assert raw.startswith("'"), raw
    assert texts[len(PAYLOADS)] == "-0.5" and texts[len(PAYLOADS) + 1] == "plain"   # a number in text stays
    assert all(r[1] in ("-0.5", "") for r in cells) and all(r[2] == "-1" for r in cells)  # numeric columns untouched
    back = datasets.read_table(p, dataset="t")
    assert back["text"].tolist()[:len(PAYLOADS) + 2] == PAYLOADS + ["-0.5", "plain"]   # voc reads back the original
    assert back["score"].dtype.kind == "f" and back["score"].iloc[0] == -0.5


def test_analyze_csv_has_no_formula_cells(tmp_path: Path) -> None:
    inp = tmp_path / "inj"
    inp.mkdir()
    lines = ["id,subject,description,created_at"]
    for i, payload in enumerate(PAYLOADS[:4]):
        q = payload.replace('"', '""')
        lines.append(f'{i + 1},"{q}","{q} please help with my order",2026-01-0{i + 1}T10:00:00Z')
    (inp / "t.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    analyze(inp, out, cheap(), fmt="csv")
    for name in ("contacts.csv", "messages.csv"):
        with open(out / name, newline="", encoding="utf-8") as f:
            cells = [c for r in list(csv.reader(f))[1:] for c in r]
        bad = [c for c in cells if c[:1] in "=+-@\t\r" and c[:1] and not _number(c)]
        assert not bad, (name, bad)
    from voc.report.inputs import load_inputs

    subjects = set(load_inputs(out).tables["contacts"]["subject"])
    analyze(inp, tmp_path / "pq", cheap(), fmt="parquet")
    # voc's own readers give back the text as stored (the same as the Parquet run's, after redaction)
    assert subjects == set(load_inputs(tmp_path / "pq").tables["contacts"]["subject"])
    assert {p for p in PAYLOADS[:4] if not p.startswith("@")} <= subjects   # '@SUM' reads as a handle and is redacted


def _number(s: str) -> bool:
    try:
        float(s)
        return True
    except ValueError:
        return False


# ---------------------------------------------------------------- stages: journeys and report keep the rest

def test_journeys_run_replaces_only_the_journey_tables(tmp_path: Path) -> None:
    from voc.journey.run import run_journeys

    out = tmp_path / "out"
    res = analyze(make_input(tmp_path, "a", TICKETS_A), out, cheap())
    contacts_bytes = (out / "contacts.parquet").read_bytes()
    ev = tmp_path / "events.csv"
    ev.write_text(EVENTS, encoding="utf-8")
    run_journeys([ev], res.contacts, cheap().journey, out)
    m = outfolder.read_manifest(out)
    assert m["files"]["journeys.parquet"]["stage"] == "journeys" and m["files"]["contacts.parquet"]["stage"] == "analyze"
    assert set(m["runs"]) == {"analyze", "journeys"} and m["runs"]["analyze"] == res.run["run_id"]
    jrun = json.loads((out / "journey_run.json").read_text())
    assert jrun["outputs"]["timeline"] == str(out / "timeline.parquet")     # final paths, not the staging folder
    ev.write_text(EVENTS.splitlines()[0] + "\nU7,2026-03-05T09:00:00Z,login,web\n", encoding="utf-8")
    run_journeys([ev], None, cheap().journey, out)
    assert (out / "contacts.parquet").read_bytes() == contacts_bytes       # the analysis is kept
    assert rows(out / "timeline.parquet") == 1                             # the journeys are the new ones
    assert json.loads((out / "run.json").read_text())["outputs"]["contacts"] == str(out / "contacts.parquet")


def test_report_cli_writes_under_the_lock_and_keeps_the_rest(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from voc.cli import _wire, app

    _wire()
    out = tmp_path / "out"
    analyze(make_input(tmp_path, "a", TICKETS_A), out, cheap())
    before = digest(out)
    r = CliRunner().invoke(app, ["report", str(out), "--json"])
    assert r.exit_code == 0, r.output
    after = digest(out)
    assert "report.html" in after and {k: v for k, v in after.items() if k not in ("report.html", outfolder.MANIFEST)} \
        == {k: v for k, v in before.items() if k != outfolder.MANIFEST}
    assert outfolder.read_manifest(out)["files"]["report.html"]["stage"] == "report"
    with outfolder.Transaction(out, stage="analyze"):
        r = CliRunner().invoke(app, ["report", str(out)])
    assert r.exit_code == 2 and "E408" in r.output
