"""`voc report OUT_DIR`: write report.html from an output folder and print the summary."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from voc.cli.app import app
from voc.cli.common import console as err_console
from voc.cli.common import handle_errors, load_config, progress_for
from voc.errors import Errors, VocError


def _require_outputs(out_dir: Path) -> None:
    """E411 for a missing folder or one without any table or run file of voc."""
    from voc import datasets
    from voc.report.inputs import WANTED

    if not out_dir.is_dir():
        raise VocError(Errors.E411, path=str(out_dir), what="does not exist")
    if any(datasets.find_table(out_dir, name) is not None for name in WANTED):
        return
    if (out_dir / "run.json").is_file() or (out_dir / "journey_run.json").is_file():
        return
    raise VocError(Errors.E411, path=str(out_dir),
                   what="holds no voc outputs (no contacts, journeys or timeline table, no run.json)")


@app.command("report")
@handle_errors
def report_cmd(
    out_dir: Path = typer.Argument(..., help="An output folder of `voc analyze` / `voc journeys`."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Where to write the HTML (default OUT_DIR/report.html)."),
    config_path: Optional[Path] = typer.Option(None, "--config", "-c", help="Pipeline config YAML (uses its `report` section)."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON on stdout instead of a table."),
    no_html: bool = typer.Option(False, "--no-html", help="Only print the summary; do not write the HTML."),
) -> None:
    """Write one self-contained report.html (opens offline) from the tables in OUT_DIR, and print the summary."""
    from rich.console import Console

    from voc.report import summary_dict, summary_table, write_folder_report, write_report

    conf = load_config(config_path)
    _require_outputs(out_dir)
    from voc.pipeline.progress import uncounted

    path = None
    if not no_html and out is None and out_dir.is_dir():
        with progress_for(err_console) as progress, uncounted(progress, "report"):
            path = write_folder_report(out_dir, conf.report)
    elif not no_html:
        with progress_for(err_console) as progress, uncounted(progress, "report"):
            path = write_report(out_dir, conf.report, path=out)
    if as_json:
        d = summary_dict(out_dir)
        d["report"] = str(path) if path else None
        typer.echo(json.dumps(d, indent=2, default=str))
        return
    console = Console()
    console.print(summary_table(out_dir))
    if path is not None:
        console.print(f"report: {path}")
