"""`voc journeys EVENTS... --contacts voc-out/ --out voc-out/`: event timelines joined to support
contacts -> timeline, identity, repeat contacts, friction, journeys, customers and sequence tables."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from voc import config as cfg
from voc import datasets
from voc.cli import app
from voc.cli.common import handle_errors
from voc.errors import Errors, VocError

out_console = Console()


def read_contacts(path: Path) -> tuple["object", "object"]:
    """(contacts, embeddings or None) from a `voc analyze` output folder, or a contacts file (E303)."""
    if not path.exists():
        raise VocError(Errors.E001, path=str(path))
    if path.is_file():
        table, folder = path, path.parent
    else:
        table, folder = datasets.find_table(path, "contacts"), path
        if table is None:
            raise VocError(Errors.E303, path=str(path))
    contacts = datasets.read_table(table, dataset="contacts")
    emb_path = Path(folder) / "embeddings.parquet"
    embeddings = datasets.read_table(emb_path, dataset="embeddings") if emb_path.exists() else None
    return contacts, embeddings


@app.command("journeys")
@handle_errors
def journeys(
    events: list[Path] = typer.Argument(..., help="Event logs: .csv/.tsv/.parquet/.jsonl/.xes (optionally .gz), or folders of them."),
    contacts: Optional[Path] = typer.Option(None, "--contacts", help="Output folder of `voc analyze` (its contacts table), or a contacts file."),
    out: Path = typer.Option(Path("voc-out"), "--out", "-o", help="Output folder."),
    fmt: str = typer.Option("parquet", "--format", help="parquet | csv"),
    config: Optional[Path] = typer.Option(None, "--config", "-c", help="Pipeline config YAML (section `journey`)."),
    window_days: Optional[float] = typer.Option(None, "--window-days", help="Repeat-contact window in days (default 7)."),
    customer_col: Optional[str] = typer.Option(None, "--customer-col", "--customer_id-col", help="Column holding the customer id."),
    case_col: Optional[str] = typer.Option(None, "--case-col", "--case_id-col", help="Column holding the case id (case-based logs)."),
    timestamp_col: Optional[str] = typer.Option(None, "--timestamp-col", help="Column holding the event time."),
    event_col: Optional[str] = typer.Option(None, "--event-col", help="Column holding the event (activity) name."),
    channel_col: Optional[str] = typer.Option(None, "--channel-col", help="Column holding the channel."),
    identity_map: Optional[Path] = typer.Option(None, "--identity-map", help="CSV: customer_id + email/phone/other id columns."),
) -> None:
    """Join behavioural event logs and support contacts into journeys; find repeat contacts and friction."""
    from voc.journey.run import run_journeys   # heavy imports only when the command runs

    if fmt not in datasets.FORMATS:
        raise VocError(Errors.E104, option="--format", value=fmt, detail="use parquet or csv", command="journeys")
    overrides: dict = {}
    if window_days is not None:
        overrides["journey.repeat_window_days"] = window_days
    if identity_map is not None:
        overrides["journey.identity_map"] = str(identity_map)
    c = cfg.load(config, overrides)
    jc = c.journey
    cols = dict(jc.columns)
    for role, name in (("customer_id", customer_col), ("case_id", case_col), ("timestamp", timestamp_col),
                       ("event", event_col), ("channel", channel_col)):
        if name:
            cols[role] = name
    jc = jc.model_copy(update={"columns": cols})
    if jc.identity_map and not Path(jc.identity_map).exists() and config is not None:
        # a relative path in a config file: also try it next to the config and from its parent folder
        for base in (config.parent, config.parent.parent):
            if (base / jc.identity_map).exists():
                jc = jc.model_copy(update={"identity_map": str(base / jc.identity_map)})
                break
    contacts_df, embeddings = read_contacts(contacts) if contacts is not None else (None, None)
    result = run_journeys(events, contacts_df, jc, out, fmt=fmt, embeddings=embeddings)
    _summary(result, out)
    from voc.journey.predict.analytics import warning_lines
    for line in warning_lines(result.analytics):
        out_console.print(f"[yellow]warning[/yellow] {line}", highlight=False)


def _summary(result, out: Path) -> None:
    n = result.counts
    t = Table(title="voc journeys", show_header=True, header_style="bold")
    t.add_column("what")
    t.add_column("value", justify="right")
    t.add_row("events read", f"{n['events_in']:,}")
    t.add_row("events rejected", f"{n['events_rejected']:,}" + (" (see journey_rejects.jsonl)" if n["events_rejected"] else ""))
    t.add_row("journeys" + (" (cases)" if n["case_based"] else ""), f"{n['journeys']:,}")
    t.add_row("customers", f"{n['customers']:,}")
    if n["contacts"]:
        by = n["identity"].get("matched_by", {})
        t.add_row("contacts", f"{n['contacts']:,}")
        t.add_row("matched to a customer", f"{n['contacts_matched']:,} ({(n['match_rate'] or 0):.0%}); "
                  + ", ".join(f"{k} {v}" for k, v in by.items() if v))
        t.add_row("unmatched (own journey)", f"{n['contacts_unmatched']:,}")
        summ = result.tables["repeat_summary"]
        overall = summ[summ["dimension"] == "all"]
        if len(overall):
            row = overall.iloc[0]
            rr, fcr = row["repeat_rate"], row["fcr"]
            t.add_row("repeat-contact rate", "n/a" if rr is None or rr != rr else f"{rr:.0%}")
            t.add_row("first-contact resolution", "n/a" if fcr is None or fcr != fcr else f"{fcr:.0%}")
    fr = n.get("frictions", {})
    t.add_row("friction found", ", ".join(f"{k} {v}" for k, v in sorted(fr.items(), key=lambda kv: -kv[1])) or "none")
    t.add_row("time", f"{result.timings.get('total_s', 0):.1f} s")
    t.add_row("written to", str(out))
    out_console.print(t)
