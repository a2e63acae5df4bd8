"""Progress (issue 9, point 3): every step shows counts, or a spinner when it has none (model loading,
topic fitting); on a terminal as bars with the time left, otherwise as log lines on stderr."""
from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from voc import config as cfg
from voc import registry
from voc.cli import _wire, app
from voc.cli.progress import LogProgress, TerminalProgress
from voc.component import Batch, Component
from voc.pipeline.analyze import analyze

_wire()

def _csv(first: int) -> str:
    return "id,subject,description,created_at\n" + "".join(
        f"{i},Order {i},My order {i} has not arrived yet and I need it,2026-03-0{1 + i % 9}T10:00:00Z\n"
        for i in range(first, first + 15))


class Recorder:
    """A progress callback that records each step's total and ticks."""

    def __init__(self) -> None:
        self.steps: list[list] = []

    def __call__(self, label, total):
        entry = [label, total, 0, 0]                      # label, total, sum of ticks, number of ticks
        self.steps.append(entry)

        def tick(n):
            entry[2] += n
            entry[3] += 1
        return tick

    def labels(self) -> list[str]:
        return [s[0] for s in self.steps]


class LoadsAModel(Component):
    name = "loads_a_model"

    def __init__(self, config=None) -> None:
        self.loaded = False

    def load(self) -> None:
        self.loaded = True

    def __call__(self, batch: Batch) -> Batch:
        assert self.loaded, "load() runs before the first batch"
        return batch


class Fits(Component):
    name = "fits"
    needs_fit = True

    def __init__(self, config=None) -> None:
        pass

    def fit(self, corpus: Batch) -> "Fits":
        self.n_ = len(corpus)
        return self

    def __call__(self, batch: Batch) -> Batch:
        return batch


class CountsItself(Component):
    """Reports progress inside one call over every batch (as the embed step does for a large group)."""
    name = "counts_itself"
    reports_progress = True

    def __init__(self, config=None) -> None:
        pass

    def __call__(self, batch: Batch) -> Batch:
        return batch

    def pipe(self, batches):
        batches = list(batches)
        for b in batches:
            for _ in range(len(b)):
                self.progress_(1)                          # one tick per contact
        yield from batches


@pytest.fixture
def steps():
    names = {"loads_a_model": LoadsAModel, "counts_itself": CountsItself, "fits": Fits}
    for name, cls in names.items():
        registry.components.register(name)(cls)
    yield list(names)
    for name in names:
        registry.components.unregister(name)


@pytest.fixture
def tickets(tmp_path: Path) -> Path:
    d = tmp_path / "in"
    d.mkdir()
    (d / "a.csv").write_text(_csv(0), encoding="utf-8")
    (d / "b.csv").write_text(_csv(100), encoding="utf-8")
    (d / "broken.json").write_text("{", encoding="utf-8")
    return d


def test_every_step_reports_counts_or_a_spinner(tickets: Path, tmp_path: Path, steps) -> None:
    rec = Recorder()
    conf = cfg.load(None, {"pipeline": steps, "redact.enabled": False, "report.html": False})
    res = analyze(tickets, tmp_path / "out", conf, progress=rec, batch_size=8)
    n = len(res.contacts)
    assert rec.labels() == ["reading", "loads_a_model: loading model", "loads_a_model", "counts_itself",
                            "fits: fitting", "fits"]
    by = {s[0]: s for s in rec.steps}
    assert by["reading"][1] == 3 and by["reading"][2] == 3       # every file, the last one too
    for label in ("loads_a_model: loading model", "fits: fitting"):
        assert by[label][1] is None and by[label][3] == 1        # a spinner, ended once
    for label in ("loads_a_model", "fits", "counts_itself"):
        assert by[label][1] == n and by[label][2] == n, by[label]
    assert n == 30 and by["loads_a_model"][3] == int(np.ceil(n / 8))   # one tick per batch
    assert by["counts_itself"][3] == n                          # the step's own ticks, not the pipeline's


def test_log_lines_at_start_end_and_every_few_seconds() -> None:
    now = [0.0]
    out = io.StringIO()
    p = LogProgress(out, every_s=5, clock=lambda: now[0], heartbeat=False)
    tick = p("embed", 1000)
    for _ in range(10):
        now[0] += 2
        tick(100)
    spin = p("topics: fitting", None)
    for _ in range(10):                                           # a step that reports nothing: a line every 5 s
        now[0] += 5.1
        p.beat()
    now[0] += 0.9
    spin(1)
    spin(1)                                                       # a second end is ignored
    lines = out.getvalue().splitlines()
    assert lines[0] == "voc: embed: 0/1,000"
    assert lines[1].startswith("voc: embed: 300/1,000 (30%)") and "0:06 elapsed" in lines[1] and "about 0:14 left" in lines[1]
    assert "voc: embed: 1,000/1,000 done in 0:20" in lines
    fit = [ln for ln in lines if "topics: fitting" in ln]
    assert fit[0] == "voc: topics: fitting ..." and fit[-1] == "voc: topics: fitting: done in 0:52"
    assert fit[1] == "voc: topics: fitting ... 0:05 elapsed" and len(fit) == 1 + 10 + 1
    assert len([ln for ln in lines if ln.startswith("voc: embed:")]) == 1 + 3 + 1  # start, every 6 s, end


def test_heartbeat_thread_logs_a_quiet_step() -> None:
    out = io.StringIO()
    with LogProgress(out, every_s=0.2) as p:
        end = p("topics: fitting", None)
        import time

        time.sleep(0.9)
        end(1)
    lines = out.getvalue().splitlines()
    assert len([ln for ln in lines if ln.endswith("elapsed")]) >= 2, lines


def test_terminal_bars_show_counts_spinner_and_time_left() -> None:
    from rich.console import Console

    console = Console(file=io.StringIO(), force_terminal=True, width=120)
    with TerminalProgress(console) as p:
        tick = p("redact", 10)
        tick(4)
        spin = p("embed: loading model", None)
        tasks = {t.description: t for t in p.bars.tasks}
        assert tasks["redact"].completed == 4 and tasks["redact"].total == 10
        assert tasks["embed: loading model"].total is None       # indeterminate: a spinner
        spin(1)
        assert tasks["embed: loading model"].finished
    names = {type(c).__name__ for c in p.bars.columns}
    assert {"SpinnerColumn", "TimeElapsedColumn", "CountsColumn"} <= names
    counts = next(c for c in p.bars.columns if type(c).__name__ == "CountsColumn")
    assert "4/10" in counts.render(tasks["redact"]).plain and "left" in counts.render(tasks["redact"]).plain
    assert counts.render(tasks["embed: loading model"]).plain == ""


def test_piped_analyze_logs_progress_on_stderr(tickets: Path, tmp_path: Path) -> None:
    res = CliRunner().invoke(app, ["analyze", str(tickets), "--out", str(tmp_path / "o"), "--no-topics", "--no-report",
                                   "--no-redact", "--config", str(_config(tmp_path)), "--json"])
    assert res.exit_code == 0, res.output
    err = res.stderr
    assert "voc: reading: 0/3" in err and "voc: reading: 3/3 done in" in err
    assert "voc: sentiment: loading model ..." in err and "voc: sentiment: loading model: done in" in err
    assert "voc: sentiment: 0/" in err
    assert "voc: " not in res.stdout                              # stdout stays the JSON summary


def _config(tmp_path: Path) -> Path:
    c = tmp_path / "c.yaml"
    c.write_text("pipeline: [sentiment]\nsentiment:\n  backend: vader\n", encoding="utf-8")
    return c


def test_journeys_and_report_are_steps_of_the_run(tickets: Path, tmp_path: Path, root: Path) -> None:
    from voc.pipeline.run import run_all

    rec = Recorder()
    conf = cfg.load(None, {"pipeline": ["sentiment"], "sentiment.backend": "vader", "redact.enabled": False})
    run_all(tickets, tmp_path / "o", conf, events=[root / "fixtures" / "events" / "web_events.csv"], progress=rec)
    labels = rec.labels()
    assert labels[-2:] == ["journeys", "report"]
    assert all(s[3] == 1 for s in rec.steps if s[0] in ("journeys", "report"))
