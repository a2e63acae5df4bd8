"""`voc analyze DIR`: the main job."""
from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from voc import config as cfg
from voc.cli.app import app
from voc.cli.common import console, handle_errors, load_config, progress_for, warn_no_redact
from voc.errors import Errors, VocError


class Fmt(str, Enum):
    parquet = "parquet"
    csv = "csv"


def check_options(conf: cfg.VocConfig, *, intents: Optional[Path], events: list[Path]) -> None:
    """Options that would be ignored or fail only after the long text pipeline are errors up front."""
    if intents is not None and "intent" not in conf.pipeline:
        raise VocError(Errors.E106, steps=", ".join(conf.pipeline) or "none")
    for path in events:
        if not path.exists():
            raise VocError(Errors.E315, path=str(path))


@app.command("analyze")
@handle_errors
def analyze_cmd(
    input_path: Path = typer.Argument(..., help="A folder (or file) of help-desk exports: tickets, chats, call transcripts."),
    out: Path = typer.Option(Path("voc-out"), "--out", "-o", help="Output folder."),
    fmt: Fmt = typer.Option(Fmt.parquet, "--format", "-f", help="Table format of the outputs."),
    config_path: Optional[Path] = typer.Option(None, "--config", "-c", help="Pipeline config YAML (see pipelines/)."),
    no_redact: bool = typer.Option(False, "--no-redact", help="Store and embed raw text WITHOUT removing personal "
                                                              "data. Off by default; use only on data that holds none."),
    intents: Optional[Path] = typer.Option(None, "--intents", help="Intent model from `voc intents train` "
                                                                   "(default: the shipped taxonomy)."),
    events: Optional[List[Path]] = typer.Option(None, "--events", "-e", help="Behavioural event log(s) to join (CSV, "
                                                                             "Parquet, JSONL, XES); runs the journey stage."),
    enrich: Optional[Path] = typer.Option(None, "--enrich", help="Also write CDP tables (per contact, per "
                                                                 "customer) incrementally into this folder."),
    engine: Optional[str] = typer.Option(None, "--engine", help="The engine: local (pandas + DuckDB) or spark (PySpark; "
                                                                "see docs/spark.md). Default: the config's `engine` (local)."),
    no_topics: bool = typer.Option(False, "--no-topics", help="Skip topic modelling."),
    no_report: bool = typer.Option(False, "--no-report", help="Do not write report.html."),
    as_json: bool = typer.Option(False, "--json", help="Print the run summary as JSON on stdout."),
) -> None:
    """Analyze help-desk exports: redact, classify intent, sentiment and topics, write tables and a report.

    Reads every supported file under INPUT_PATH, redacts personal data, classifies intent, sentiment and
    topics, and writes contacts/messages tables, rejects.jsonl, run.json and report.html to --out."""
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
    conf = load_config(config_path, overrides)
    check_options(conf, intents=intents, events=list(events or []))
    if no_redact:
        warn_no_redact()

    from voc.pipeline.run import run_all

    with progress_for(console) as progress:
        result = run_all(input_path, out, conf, fmt=fmt.value, events=list(events or []), engine=engine,
                         progress=progress)
    if as_json:
        typer.echo(json.dumps(result.summary, indent=2, default=str))
    else:
        from voc.cli.summary import print_summary

        print_summary(result)
    if no_redact:
        warn_no_redact()      # again at the end, where the eye lands
