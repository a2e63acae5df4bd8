"""`voc analyze DIR`: the main job."""
from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Callable, List, Optional

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from voc import config as cfg
from voc.cli import app
from voc.cli.common import console, handle_errors, is_interactive, warn_no_redact


class Fmt(str, Enum):
    parquet = "parquet"
    csv = "csv"


class Engine(str, Enum):
    local = "local"
    spark = "spark"


def _progress_factory(progress: Progress | None) -> Callable:
    def factory(label: str, total: int | None) -> Callable[[int], None]:
        if progress is None:
            return lambda n: None
        task = progress.add_task(label, total=total)
        return lambda n: progress.advance(task, n)

    return factory


@app.command("analyze")
@handle_errors
def analyze_cmd(
    input_path: Path = typer.Argument(..., help="A folder (or file) of help-desk exports: tickets, chats, call transcripts."),
    out: Path = typer.Option(Path("voc-out"), "--out", "-o", help="Output folder."),
    fmt: Fmt = typer.Option(Fmt.parquet, "--format", "-f", help="Table format of the outputs."),
    config_path: Optional[Path] = typer.Option(None, "--config", "-c", help="Pipeline config YAML (see pipelines/)."),
    no_redact: bool = typer.Option(False, "--no-redact", help="Store and embed raw text WITHOUT removing personal data. Off by default; use only on data that holds none."),
    intents: Optional[Path] = typer.Option(None, "--intents", help="Intent model from `voc intents train` (default: the shipped taxonomy)."),
    events: Optional[List[Path]] = typer.Option(None, "--events", "-e", help="Behavioural event log(s) to join (CSV, Parquet, JSONL, XES); runs the journey stage."),
    enrich: Optional[Path] = typer.Option(None, "--enrich", help="Also write CDP tables (per contact, per customer) incrementally into this folder."),
    engine: Engine = typer.Option(Engine.local, "--engine", help="local (pandas + DuckDB) or spark (PySpark; see README)."),
    no_topics: bool = typer.Option(False, "--no-topics", help="Skip topic modelling."),
    no_report: bool = typer.Option(False, "--no-report", help="Do not write report.html."),
    as_json: bool = typer.Option(False, "--json", help="Print the run summary as JSON on stdout."),
) -> None:
    """Read every supported file under INPUT_PATH, redact personal data, classify intent, sentiment and
    topics, and write contacts/messages tables, rejects.jsonl, run.json and report.html to --out."""
    overrides: dict = {}
    if no_redact:
        overrides["redact.enabled"] = False
    if intents is not None:
        overrides["intent.model"] = str(intents)
    if no_topics:
        overrides["topics.enabled"] = False
    if no_report:
        overrides["report.html"] = False
    if enrich is not None:
        overrides["enrich.enabled"] = True
        overrides["enrich.out"] = str(enrich)
    conf = cfg.load(config_path, overrides)
    if no_redact:
        warn_no_redact()

    from voc.pipeline.run import run_all

    show = is_interactive() and not as_json
    progress = Progress(TextColumn("{task.description:>10}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        console=console, transient=True) if show else None
    if progress is not None:
        progress.start()
    try:
        result = run_all(input_path, out, conf, fmt=fmt.value, events=list(events or []), engine=engine.value,
                         progress=_progress_factory(progress))
    finally:
        if progress is not None:
            progress.stop()
    if as_json:
        typer.echo(json.dumps(result.summary, indent=2, default=str))
    else:
        from voc.cli.summary import print_summary

        print_summary(result)
    if no_redact:
        warn_no_redact()      # again at the end, where the eye lands
