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

from voc import datasets
from voc.config import ReportConfig
from voc.report import build, metrics
from voc.report.inputs import load_inputs

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
    return env


def figure_html(fig, div_id: str) -> Markup:
    html = pio.to_html(fig, full_html=False, include_plotlyjs=False, config=PLOTLY_CONFIG, div_id=div_id,
                       default_height=f"{fig.layout.height or 400}px")
    return Markup(html)


def _cards(h: dict[str, Any], run: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    pct = metrics.fmt_pct
    rep_note = {"journeys": "came back after an earlier contact (journeys)",
                "estimated": "same customer again within the repeat window (estimated)"}.get(h["repeat_source"], "needs customer ids or journeys")
    cards = [
        {"label": "Contacts", "value": "n/a" if h["contacts"] is None else f"{h['contacts']:,}",
         "note": ", ".join(f"{k} {v:,}" for k, v in list(h["channels"].items())[:4])},
        {"label": "Customers", "value": "n/a" if h["customers"] is None else f"{h['customers']:,}",
         "note": "distinct customer ids" if h["customers"] is not None else "no customer ids in the exports"},
        {"label": "Repeat-contact rate", "value": pct(h["repeat_contact_rate"]), "note": rep_note},
        {"label": "First-contact resolution", "value": pct(h["first_contact_resolution"]),
         "note": "first contacts not followed by another" if h["first_contact_resolution"] is not None else "needs customer ids or journeys"},
        {"label": "Negative", "value": pct(h["share_negative"]),
         "note": "share of contacts, customer side" if h["share_negative"] is not None else "no sentiment column"},
        {"label": "Top intent", "value": h["top_intent"] or "n/a", "small": True,
         "note": f"{pct(h['top_intent_share'])} of contacts" if h["top_intent"] else "no intent column"},
        {"label": "Rejects", "value": "n/a" if h["rejects"] is None else f"{h['rejects']:,}",
         "note": "see rejects.jsonl for file, record and fix" if h["rejects"] else ("none" if h["rejects"] == 0 else "no rejects.jsonl"),
         "warn": bool(h["rejects"])},
    ]
    red = (run or {}).get("redaction") if isinstance((run or {}).get("redaction"), dict) else None
    if red is not None and red.get("enabled") is False:
        cards.insert(0, {"label": "Redaction OFF", "value": "--no-redact", "small": True, "warn": True,
                         "note": red.get("warning", "personal data is shown as found")})
    for c in cards:
        c.setdefault("warn", False)
        c.setdefault("small", False)
    return cards


def render(out_dir: str | Path, config: ReportConfig) -> str:
    inp = load_inputs(out_dir)
    content = build.build(inp, config)
    for sec in content["sections"]:
        sec.figures = [(cap, figure_html(fig, f"fig-{sec.id}-{i}")) for i, (cap, fig) in enumerate(sec.figures)]
    q = content["quality"]
    q["config_yaml"] = yaml.safe_dump(q["config"], sort_keys=False) if q["config"] else ""
    h = content["headline"]
    period = ""
    if h["period_start"]:
        period = f"{h['period_start'][:10]} to {h['period_end'][:10]}"
    return _env().get_template("report.html.j2").render(
        title=config.title, generated=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        period=period, out_dir=str(out_dir), cards=_cards(h, inp.run),
        actions=content["actions"], sections=content["sections"], quality=q,
        plotly_js=Markup(_plotly_js()), plotly_version=plotly.__version__,
        any_figures=any(s.figures for s in content["sections"]))


def write_report(out_dir: Path, config: ReportConfig, *, path: Optional[Path] = None) -> Path:
    """Write ONE self-contained report.html (default ``out_dir/report.html``) and return its path."""
    out_dir = Path(out_dir)
    path = Path(path) if path is not None else out_dir / "report.html"
    html = render(out_dir, config)
    with datasets.atomic_path(path, dataset="report") as tmp:
        tmp.write_text(html, encoding="utf-8")
    return path
