"""`voc enrich OUT_DIR --cdp CDP_DIR`: upsert per-contact and per-customer tables into a CDP folder."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from voc.cli.app import app
from voc.cli.common import handle_errors, load_config


@app.command("enrich")
@handle_errors
def enrich_cmd(
    out_dir: Path = typer.Argument(..., help="An output folder of `voc analyze` (and `voc journeys`)."),
    cdp: Path = typer.Option(..., "--cdp", help="CDP folder to create or update (Parquet + JSONL, partitioned by date)."),
    config_path: Optional[Path] = typer.Option(None, "--config", "-c", help="Pipeline config YAML (uses its `enrich` section)."),
    window_days: Optional[int] = typer.Option(None, "--window-days", help="Trait window in days (default: "
                                                                          "enrich.window_days, 30)."),
    hash_identifiers: bool = typer.Option(False, "--hash-identifiers", help="Add email_sha256/phone_sha256 for matching "
                                                                            "in the CDP (clear values never leave)."),
    identify: bool = typer.Option(False, "--identify", help="Also write Segment-style identify calls (userId + traits) "
                                                            "for the customers whose traits changed (changelog/identify/)."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON on stdout."),
) -> None:
    """Upsert contacts into a CDP folder and refresh the traits of the customers touched.

    Only new or changed contacts are rewritten; a re-run on the same input writes nothing; a crash leaves
    the previous output intact."""
    from voc.enrich import enrich

    overrides: dict = {}
    if window_days is not None:
        overrides["enrich.window_days"] = window_days
    if hash_identifiers:
        overrides["enrich.identifiers"] = "hash"
    if identify:
        overrides["enrich.identify"] = True
    conf = load_config(config_path, overrides)
    res = enrich(out_dir, cdp, conf.enrich)
    if as_json:
        typer.echo(json.dumps(res.as_dict(), indent=2, default=str))
        return
    from rich.console import Console

    c = Console()
    if res.written:
        c.print(f"[bold]cdp[/] {res.cdp_dir} (version {res.version}): contacts {res.contacts_new:,} new, "
                f"{res.contacts_changed:,} changed, {res.contacts_unchanged:,} unchanged -> {res.contacts_total:,} rows; "
                f"traits {res.traits_changed:,} updated of {res.traits_total:,} customers; "
                f"{len(res.partitions_written)} contact partitions written in {res.seconds:.1f}s")
    else:
        c.print(f"[bold]cdp[/] {res.cdp_dir} (version {res.version}): nothing changed "
                f"({res.contacts_in:,} contacts already up to date); nothing written")
