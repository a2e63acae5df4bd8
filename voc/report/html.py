"""Render report.html: one self-contained file (plotly.js inlined once, no network) from a Jinja2
template with autoescaping on (quotes are user text)."""
from __future__ import annotations

from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

import jinja2
import plotly
import plotly.io as pio
import yaml
from markupsafe import Markup

from voc import catalog, datasets
from voc.config import ReportConfig
from voc.report import build, metrics
from voc.report.changes import what_changed
from voc.report.explore import explorer_data, to_script_json
from voc.report.inputs import load_inputs
from voc.report.labels import label
from voc.report.values import metric_basis, metric_card_note, metric_value

PLOTLY_CONFIG = {"displaylogo": False, "responsive": True,
                 "modeBarButtonsToRemove": ["lasso2d", "select2d", "sendDataToCloud"]}


@lru_cache(maxsize=1)
def _plotly_js() -> str:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def _env() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.PackageLoader("voc.report", "templates"),
                             autoescape=jinja2.select_autoescape(["html", "j2"], default=True),
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["pct"] = metrics.fmt_pct
    env.filters["num"] = lambda v: "n/a" if v is None else f"{v:,}"
    env.filters["metric"] = lambda v, m: "n/a" if v is None else (f"{v:,.1f}" if m == "volume" else metrics.fmt_pct(v))
    return env


def figure_html(fig, div_id: str) -> Markup:
    html = pio.to_html(fig, full_html=False, include_plotlyjs=False, config=PLOTLY_CONFIG, div_id=div_id,
                       default_height=f"{fig.layout.height or 400}px")
    return Markup(html)


CARD_KEYS = ("contacts", "customers", "repeat_contact_rate", "same_issue_repeat_rate", "first_contact_resolution",
             "negative_share", "friction_rate", "friction_score")


def contacts_elsewhere(inp: Any) -> Optional[dict[str, Any]]:
    """The contacts `voc journeys` joined when their table is not in this folder (``--contacts`` named another
    folder or a file): {'n', 'source'}; None when the folder has its contacts table or none were joined. The report
    then says where the contacts are instead of 'no contacts' (it never reads tables from outside its folder)."""
    if inp.get("contacts") is not None:
        return None
    jr = inp.journey_run or {}
    n = int(((jr.get("counts") or {}).get("contacts")) or 0)
    return {"n": n, "source": str(jr.get("contacts") or "another folder")} if n else None


def _cards(h: dict[str, Any], fit: Optional[dict[str, Any]] = None, top_topic: Optional[tuple[str, float]] = None,
           run: dict[str, Any] | None = None, elsewhere: Optional[dict[str, Any]] = None) -> list[dict[str, Any]]:
    m = h["metrics"]
    cards = []
    for i, key in enumerate(CARD_KEYS, start=1):
        rec = m[key]
        note = metric_card_note(rec)
        if key == "contacts" and h["channels"]:
            note = ", ".join(f"{k} {v:,}" for k, v in list(h["channels"].items())[:4])
        if key == "contacts" and elsewhere:
            note = f"{elsewhere['n']:,} joined to the journeys from {elsewhere['source']}; their table is not in this folder"
        if key in ("friction_rate", "friction_score") and rec.get("value") is None and m["contacts"]["value"]:
            continue   # no journeys joined: the journey section says so; no empty cards
        if m["contacts"]["value"] is None and key not in ("contacts", "friction_score"):
            continue   # event logs only: no contact figure to show, one card says what is missing
        cards.append({"key": key, "label": rec["label"], "value": metric_value(rec), "note": note,
                      "definition": rec["definition"], "ref": i})
    if m["contacts"]["value"] is None:
        return [dict(c, warn=False, small=False) for c in cards]
    if fit is not None and fit.get("fits") is False and top_topic is not None:
        cards.append({"key": "top_topic", "label": "Top topic", "value": label(top_topic[0]), "small": True,
                      "note": f"{metrics.fmt_pct(top_topic[1])} of contacts (the intent taxonomy does not fit)",
                      "definition": "The largest topic and its share of all contacts.", "ref": None})
    else:
        cards.append({"key": "top_intent", "label": "Top intent", "value": label(h["top_intent"]) if h["top_intent"] else "n/a",
                      "small": True,
                      "note": f"{metrics.fmt_pct(h['top_intent_share'])} of contacts" if h["top_intent"] else "no intent column",
                      "definition": "The most frequent known intent and its share of all contacts.", "ref": None})
    cards.append({"key": "rejects", "label": "Rejects", "value": "n/a" if h["rejects"] is None else f"{h['rejects']:,}",
                  "note": ("see rejects.jsonl for file, record and fix" if h["rejects"]
                           else ("none" if h["rejects"] == 0 else "no rejects.jsonl")),
                  "warn": bool(h["rejects"]), "definition": "Input records or files that could not "
                                                            "be read; none of them is in any figure.",
                  "ref": None})
    red = (run or {}).get("redaction") if isinstance((run or {}).get("redaction"), dict) else None
    if red is not None and red.get("enabled") is False:
        cards.insert(0, {"key": "redaction", "label": "Redaction OFF", "value": "--no-redact", "small": True, "warn": True,
                         "ref": None,
                         "definition": "This run was made with --no-redact: texts were "
                                       "stored and embedded without removing personal data.",
                         "note": red.get("warning", "personal data is shown as found")})
    for c in cards:
        c.setdefault("warn", False)
        c.setdefault("small", False)
    return cards


def metric_notes(h: dict[str, Any]) -> list[dict[str, Any]]:
    """'What each figure means': every metric's definition, value and what it is a share of."""
    out = []
    for i, key in enumerate(CARD_KEYS, start=1):
        rec = h["metrics"][key]
        out.append({"ref": i, "key": key, "label": rec["label"], "value": metric_value(rec), "definition": rec["definition"],
                    "basis": metric_basis(rec), "source": rec.get("source_text", "")})
    return out


def render(out_dir: str | Path, config: ReportConfig, *, shown_dir: Optional[Path] = None) -> str:
    inp = load_inputs(out_dir)
    content = build.build(inp, config)
    for sec in content["sections"]:
        sec.figures = [(cap, figure_html(fig, f"fig-{sec.id}-{i}")) for i, (cap, fig) in enumerate(sec.figures)]
    changes = what_changed(out_dir, inp.run, config)
    for i, a in enumerate(changes["alerts"]):
        a["figure"] = figure_html(a["figure"], f"fig-changed-{i}") if a["figure"] is not None else None
    q = content["quality"]
    q["config_yaml"] = yaml.safe_dump(q["config"], sort_keys=False) if q["config"] else ""
    h = content["headline"]
    period = ""
    if h["period_start"]:
        period = f"{h['period_start'][:10]} to {h['period_end'][:10]}"
    return _env().get_template("report.html.j2").render(
        title=config.title, generated=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        period=period, out_dir=str(shown_dir or out_dir),
        cards=_cards(h, content["taxonomy_fit"], content["top_topic"], inp.run, elsewhere := contacts_elsewhere(inp)),
        contacts_elsewhere=elsewhere,
        metric_notes=metric_notes(h),
        actions=content["actions"], sections=content["sections"], quality=q, data_note=content["data_note"],
        taxonomy_fit=content["taxonomy_fit"], findings_settings=content["findings_settings"],
        plotly_js=Markup(_plotly_js()), plotly_version=plotly.__version__, changes=changes,
        explore=(ex := explorer_data(inp)), explore_json=Markup(to_script_json(ex)),
        any_figures=any(s.figures for s in content["sections"]) or any(a["figure"] for a in changes["alerts"]))


def write_report(out_dir: Path, config: ReportConfig, *, path: Optional[Path] = None,
                 shown_dir: Optional[Path] = None) -> Path:
    """Write ONE self-contained report.html (default ``out_dir/report.html``) and return its path.
    ``shown_dir``: the folder named in the report when ``out_dir`` is a run's staging folder."""
    out_dir = Path(out_dir)
    path = Path(path) if path is not None else catalog.path(out_dir, "report")
    html = render(out_dir, config, shown_dir=shown_dir)
    with datasets.atomic_path(path, dataset="report") as tmp:
        tmp.write_text(html, encoding="utf-8")
    return path


def write_folder_report(out_dir: Path, config: ReportConfig) -> Path:
    """The report.html of an output folder, written like any of its outputs: under the folder's lock, built
    in a staging folder and swapped in whole (voc.outfolder). Returns its path in the folder."""
    from voc import outfolder

    with outfolder.Transaction(out_dir, stage="report") as tx:
        tx.check_collisions()
        write_report(out_dir, config, path=catalog.path(tx.staging, "report"))
        tx.commit()
    return catalog.path(out_dir, "report")
