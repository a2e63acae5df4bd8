"""The run summary for the terminal (rich table) and for machines (``--json``)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.table import Table

from voc.redact.guard import terminal_safe
from voc.report import actions, metrics
from voc.report.inputs import load_inputs
from voc.report.labels import label
from voc.report.topic_card import topic_of
from voc.report.values import metric_card_note, metric_value

_SUMMARY_TABLES = ("contacts", "messages", "repeat_contacts", "identity", "friction", "journeys", "topics")


def summary_dict(out_dir: str | Path) -> dict[str, Any]:
    """Headline figures, top intents, top findings and the files of an output folder (JSON-ready)."""
    out_dir = Path(out_dir)
    inp = load_inputs(out_dir, tables=_SUMMARY_TABLES)
    h = metrics.headline(inp)
    figures = h.pop("metrics")
    top_intents: list[dict[str, Any]] = []
    c = inp.get("contacts")
    if c is not None and "intent" in c.columns:
        vc = c["intent"].dropna().astype(str).value_counts().head(5)
        top_intents = [{"intent": k, "contacts": int(v), "share": float(v / len(c))} for k, v in vc.items()]
    top_topics: list[dict[str, Any]] = []
    t = topic_of(c) if c is not None else None
    if t is not None and t.notna().any():
        vc = t.dropna().value_counts().head(5)
        top_topics = [{"topic": k, "contacts": int(v), "share": float(v / len(c))} for k, v in vc.items()]
    fr = inp.get("friction")
    files = sorted(p.name for p in out_dir.iterdir() if p.is_file() and not p.name.startswith("."))
    return {
        "out_dir": str(out_dir),
        "headline": h,
        "metrics": figures,          # every headline figure: value, numerator, denominator, definition (voc.metrics)
        "top_intents": top_intents,
        "top_topics": top_topics,
        "friction": {str(k): int(v) for k, v in fr["kind"].astype(str).value_counts().items()}
        if fr is not None and "kind" in fr.columns else {},
        "findings": actions.what_to_act_on(inp),   # the list run.json["findings"] holds, numbers and quotes included
        "taxonomy_fit": actions.taxonomy_fit(inp),
        "warnings": [w for w in inp.run.get("warnings") or [] if isinstance(w, dict)],
        "rejects_by_code": (inp.run.get("rejects") or {}).get("by_code", {}) if isinstance(inp.run.get("rejects"), dict) else {},
        "files": files,
    }


def summary_table(out_dir: str | Path) -> Table:
    """A compact rich table of the headline figures of an output folder."""
    d = summary_dict(out_dir)
    h = d["headline"]
    pct = metrics.fmt_pct
    t = Table(title=f"voc · {d['out_dir']}", show_header=False, title_justify="left", box=None, pad_edge=False)
    t.add_column("metric", style="bold")
    t.add_column("value")

    def num(v: Any) -> str:
        return "n/a" if v is None else f"{v:,}"

    channels = ", ".join(f"{terminal_safe(k)} {v:,}" for k, v in (h["channels"] or {}).items())
    t.add_row("contacts", num(h["contacts"]) + (f"  ({channels})" if h["channels"] else ""))
    for key in ("customers", "repeat_contact_rate", "same_issue_repeat_rate", "first_contact_resolution",
                "negative_share", "friction_rate", "friction_score"):
        rec = d["metrics"][key]
        if rec["value"] is None and key in ("friction_rate", "friction_score", "same_issue_repeat_rate"):
            continue
        basis = metric_card_note(rec) if rec["unit"] != "count" else ""
        t.add_row(rec["label"].lower(),
                  metric_value(rec) + (f"  [dim]({basis})[/]" if basis and rec["value"] is not None else ""))
    fit_bad = d["taxonomy_fit"].get("fits") is False
    if d["top_topics"] and (fit_bad or not d["top_intents"]):
        t.add_row("top topics", terminal_safe(", ".join(f"{label(i['topic'])} {pct(i['share'])}" for i in d["top_topics"][:3])))
    if d["top_intents"] and not fit_bad:
        t.add_row("top intents",
                  terminal_safe(", ".join(f"{label(i['intent'])} {pct(i['share'])}" for i in d["top_intents"][:3])))
    if d["friction"]:
        t.add_row("friction found", ", ".join(f"{terminal_safe(label(k))} {v:,}" for k, v in list(d["friction"].items())[:3]))
    rej = num(h["rejects"])
    if h["rejects"]:
        rej = f"[red]{rej}[/]  see {Path(d['out_dir']) / 'rejects.jsonl'}"
    t.add_row("rejects", rej)
    fit = d["taxonomy_fit"]
    if fit.get("fits") is False:
        conf = fit.get("median_confidence")
        t.add_row("[yellow]taxonomy[/]", f"[yellow]does not fit this data[/] ({pct(fit['unknown_share'])} 'unknown'"
                  + (f", median confidence {conf:.2f}" if conf is not None else "")
                  + "): intents are not headlined, topics lead; see warning E412")
    for f in d["findings"][:5]:
        t.add_row(f"act on #{f['rank']}", terminal_safe(f"{f['title']}: {f['detail']}"))
    if not d["findings"]:
        t.add_row("act on", "no finding stands out (none significant and material at the run's settings)")
    return t
