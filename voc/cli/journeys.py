"""`voc journeys EVENTS... --contacts voc-out/ --out voc-out/`: event timelines joined to support
contacts -> timeline, identity, repeat contacts, friction, journeys, customers and sequence tables."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from voc import catalog, datasets, outfolder
from voc.cli.analyze import Fmt
from voc.cli.app import app
from voc.cli.common import console, handle_errors, load_config, print_warnings, progress_for
from voc.errors import Errors, VocError
from voc.redact.guard import terminal_safe

out_console = Console()


def read_contacts(path: Path) -> tuple["object", "object"]:
    """(contacts, embeddings or None) from a `voc analyze` output folder, or a contacts file (E303).

    Embeddings are used only when they come from the same run as the contacts: both listed by the
    folder's voc manifest (or, in a folder without one, holding exactly the same contacts)."""
    if not path.exists():
        raise VocError(Errors.E317, path=str(path))
    if path.is_file():
        table, folder = path, path.parent
    else:
        table, folder = catalog.find(path, "contacts"), path
        if table is None:
            raise VocError(Errors.E303, path=str(path))
    pending = outfolder.pending_update(folder)
    if pending is not None:
        raise VocError(Errors.E410, path=str(folder), staging=pending.name)
    contacts = datasets.read_table(table, dataset="contacts")
    emb_path = catalog.find(folder, "embeddings")
    if emb_path is None:
        return contacts, None
    listed = outfolder.run_files(folder, ("analyze",))
    same_run = listed is None or (table.name in listed and emb_path.name in listed)
    embeddings = datasets.read_table(emb_path, dataset="embeddings") if same_run else None
    if embeddings is None or set(embeddings["contact_id"].astype(str)) != set(contacts["contact_id"].astype(str)):
        out_console.print(f"[yellow]warning[/]: {emb_path} is not from the run that wrote {table.name} and is not "
                          "used; same-issue repeats are decided by intent alone.")
        return contacts, None
    return contacts, embeddings


@app.command("journeys")
@handle_errors
def journeys(
    events: list[Path] = typer.Argument(..., help="Event logs: .csv/.tsv/.parquet/.jsonl/.xes "
                                                  "(optionally .gz), or folders of them."),
    contacts: Optional[Path] = typer.Option(None, "--contacts", help="Output folder of `voc analyze` (its "
                                                                     "contacts table), or a contacts file."),
    out: Path = typer.Option(Path("voc-out"), "--out", "-o", help="Output folder."),
    fmt: Fmt = typer.Option(Fmt.parquet, "--format", "-f", help="Table format of the outputs."),
    config: Optional[Path] = typer.Option(None, "--config", "-c", help="Pipeline config YAML (section `journey`)."),
    window_days: Optional[float] = typer.Option(None, "--window-days", help="Repeat-contact window in days (default 7)."),
    customer_col: Optional[str] = typer.Option(None, "--customer-col", help="Column holding the customer id."),
    case_col: Optional[str] = typer.Option(None, "--case-col", help="Column holding the case id (case-based logs)."),
    timestamp_col: Optional[str] = typer.Option(None, "--timestamp-col", help="Column holding the event time."),
    event_col: Optional[str] = typer.Option(None, "--event-col", help="Column holding the event (activity) name."),
    channel_col: Optional[str] = typer.Option(None, "--channel-col", help="Column holding the channel."),
    actor_col: Optional[str] = typer.Option(None, "--actor-col", help="Column holding the team/queue/agent "
                                                                      "group of each step (hand-off ping-pong)."),
    identity_map: Optional[Path] = typer.Option(None, "--identity-map", help="CSV: customer_id + email/phone/other id columns."),
    customer_id_col: Optional[str] = typer.Option(None, "--customer_id-col", hidden=True),   # the role's own name, as E301 says
    case_id_col: Optional[str] = typer.Option(None, "--case_id-col", hidden=True),
) -> None:
    """Join behavioural event logs and support contacts into journeys; find repeat contacts and friction."""
    from voc.journey.run import run_journeys  # heavy imports only when the command runs

    fmt = fmt.value
    customer_col, case_col = customer_col or customer_id_col, case_col or case_id_col
    overrides: dict = {}
    if window_days is not None:
        overrides["journey.repeat_window_days"] = window_days
    if identity_map is not None:
        overrides["journey.identity_map"] = str(identity_map)
    c = load_config(config, overrides)
    jc = c.journey
    cols = dict(jc.columns)
    for role, name in (("customer_id", customer_col), ("case_id", case_col), ("timestamp", timestamp_col),
                       ("event", event_col), ("channel", channel_col), ("actor", actor_col)):
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
    info = {"warnings": c.warnings()} if c.warnings() else None   # the config's own (E108), into journey_run.json
    if contacts is not None:   # journey_run.json says which run's contacts were joined
        m = outfolder.read_manifest(contacts if contacts.is_dir() else contacts.parent)
        info = {**(info or {}), "contacts": str(contacts), "contacts_run_id": ((m or {}).get("runs") or {}).get("analyze"),
                "embeddings_used": embeddings is not None}
    from voc.pipeline.progress import uncounted

    with progress_for(console) as progress, uncounted(progress, "journeys"):
        result = run_journeys(events, contacts_df, jc, out, fmt=fmt, embeddings=embeddings, run_info=info)
    from voc import metrics

    figures = metrics.refresh(out, jc)["items"]     # the folder's headline figures, now with the journeys
    report = None
    if c.report.html:
        from voc.report import write_folder_report

        with progress_for(console) as progress, uncounted(progress, "report"):
            report = write_folder_report(out, c.report)   # the folder's report shows the journeys it now holds
    _summary(result, out, figures, report)


def _summary(result, out: Path, figures: dict, report: Optional[Path] = None) -> None:
    from voc.report.labels import label
    from voc.report.values import metric_card_note, metric_value

    n = result.counts
    t = Table(title="voc journeys", show_header=True, header_style="bold")
    t.add_column("what")
    t.add_column("value", justify="right")
    t.add_row("events read", f"{n['events_in']:,}")
    t.add_row("events rejected", f"{n['events_rejected']:,}" + (" (see journey_rejects.jsonl)" if n["events_rejected"] else ""))
    t.add_row("journeys" + (" (cases)" if n["case_based"] else ""), f"{n['journeys']:,}")
    t.add_row("customers in the event logs", f"{n['customers']:,}")
    if n["contacts"]:
        by = n["identity"].get("matched_by", {})
        t.add_row("contacts", f"{n['contacts']:,}")
        methods = ", ".join(f"{k} {v}" for k, v in by.items() if v and not k.endswith("_key"))
        t.add_row("matched to a customer", f"{n['contacts_matched']:,} ({(n['match_rate'] or 0):.0%})"
                  + (f"; {methods}" if methods else ""))
        if n.get("contacts_keyed"):
            t.add_row("grouped by own e-mail / phone",
                      f"{n['contacts_keyed']:,} (no customer id; journey.identifiers_as_customer)")
        t.add_row("unmatched (own journey)", f"{n['contacts_unmatched']:,}")
        if n.get("event_match_rate") is not None:
            t.add_row("found in the event log", f"{n.get('contacts_with_events', 0):,} ({n['event_match_rate']:.0%})")
        for key in ("customers", "repeat_contact_rate", "same_issue_repeat_rate", "first_contact_resolution"):
            rec = figures[key]
            basis = metric_card_note(rec) if rec["unit"] != "count" and rec["value"] is not None else ""
            name = "customers who contacted support" if key == "customers" else rec["label"].lower()
            t.add_row(name, metric_value(rec) + (f" ({basis})" if basis else ""))
    for key in ("friction_rate", "friction_score"):
        rec = figures[key]
        if rec["value"] is not None:
            t.add_row(rec["label"].lower(), metric_value(rec) + f" ({metric_card_note(rec)})")
    fr = n.get("frictions", {})
    t.add_row("friction found",
              ", ".join(f"{terminal_safe(label(k))} {v:,}" for k, v in sorted(fr.items(), key=lambda kv: -kv[1])) or "none")
    dist = (result.summary or {}).get("friction_distribution") or {}
    if dist.get("journeys"):
        q = dist.get("score_quantiles_flagged") or {}
        t.add_row("journeys with friction", f"{dist['journeys_with_friction']:,} ({dist['share_with_friction']:.0%})"
                  + (f"; score median {q.get('p50')}, p90 {q.get('p90')} (of those)" if dist["journeys_with_friction"] else ""))
    t.add_row("time", f"{result.timings.get('total_s', 0):.1f} s")
    t.add_row("written to", str(out))
    if report is not None:
        t.add_row("report", str(report))
    out_console.print(t)
    print_warnings(result.warnings, out_console)
