"""The report's first section, "What changed": the alerts of the trends step (alerts.jsonl), each with
its sentence, figures, quotes and a small trend chart of its cell (from trends.<fmt>), and the drift
and trend warnings of run.json. Reads files only; the statistics live in voc.trends."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import pandas as pd
import plotly.graph_objects as go

from voc import datasets
from voc.config import ReportConfig
from voc.report.figures import _layout
from voc.report.inputs import read_narrow, to_bool

METRIC_COLUMNS = {"volume": ("contacts", "expected_contacts"), "negative_share": ("negative_share", "baseline_negative_share"),
                  "repeat_rate": ("repeat_rate", "baseline_repeat_rate"), "fcr": ("fcr", "baseline_fcr")}
METRIC_TITLES = {"volume": "contacts", "negative_share": "negative share", "repeat_rate": "repeat-contact rate",
                 "fcr": "first-contact resolution"}
HOW = ("Trends and alerts are computed by `voc analyze` (the trends step, on by default; see `trends` in "
       "`voc config show`).")


def sparkline(cell: pd.DataFrame, metric: str, alert_start: pd.Timestamp) -> go.Figure:
    """The cell's metric per period (line), the expected value (dotted) and the alert period (red dot)."""
    y, e = METRIC_COLUMNS[metric]
    cell = cell.sort_values("period_start")
    x = cell["period_start"].dt.strftime("%Y-%m-%d").tolist()
    rate = metric != "volume"
    fmt = ":.0%" if rate else ":.0f"
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=x, y=cell[e].tolist(), mode="lines", name="expected", line=dict(color="#8a9099", dash="dot"),
                             hovertemplate="%{x}: expected %{y" + fmt + "}<extra></extra>"))
    fig.add_trace(go.Scatter(x=x, y=cell[y].tolist(), mode="lines+markers", name=METRIC_TITLES[metric],
                             line=dict(color="#2f6db5"), marker=dict(size=4),
                             hovertemplate="%{x}: %{y" + fmt + "}<extra></extra>"))
    hit = cell[cell["period_start"] == alert_start]
    if not hit.empty:
        fig.add_trace(go.Scatter(x=hit["period_start"].dt.strftime("%Y-%m-%d").tolist(), y=hit[y].tolist(), mode="markers",
                                 name="alert", marker=dict(color="#d6453d", size=9), hoverinfo="skip"))
    return _layout(fig, height=170, showlegend=False, margin=dict(l=8, r=8, t=8, b=8),
                   yaxis=dict(tickformat=".0%" if rate else None, gridcolor="#eceef1", rangemode="tozero"))


def _trends_table(out_dir: Path) -> Optional[pd.DataFrame]:
    p = datasets.find_table(out_dir, "trends")
    if p is None:
        return None
    tr = read_narrow(p, "trends", ("dimension", "value", "period_start", "partial", "contacts", "prev_contacts",
                                   "baseline_contacts", "expected_contacts", "negative_share", "prev_negative_share",
                                   "baseline_negative_share", "repeat_rate", "baseline_repeat_rate", "fcr", "baseline_fcr"))
    tr["period_start"] = pd.to_datetime(tr["period_start"], utc=True)
    tr["value"] = tr["value"].astype(str)
    if "partial" in tr.columns:
        tr["partial"] = to_bool(tr["partial"]).fillna(False).astype(bool)   # 'True'/'False' text in a CSV folder
    return tr


def comparison(tr: pd.DataFrame, period: str, rows: int,
               at: Optional[pd.Timestamp] = None) -> tuple[list[str], list[list[Any]], str]:
    """A period (default the latest) against the previous one and the baseline, per value of the first
    dimension present of intent, topic, channel: the biggest movers against expected first."""
    from voc.report.metrics import fmt_pct

    dim = next((d for d in ("intent", "topic", "channel") if (tr["dimension"] == d).any()), None)
    if dim is None:
        return [], [], ""
    last = at if at is not None else tr["period_start"].max()
    d = tr[(tr["dimension"] == dim) & (tr["period_start"] == last)].copy()
    d = d[(d["contacts"] > 0) | (d["prev_contacts"].fillna(0) > 0)]
    d["change"] = d["contacts"] - d["expected_contacts"].fillna(0)
    d = d.reindex(d["change"].abs().sort_values(ascending=False).index).head(rows)
    cols = [dim, f"this {period}", f"previous {period}", f"baseline per {period}", "expected", "negative share",
            "negative share, baseline"]
    num = lambda v: "" if v is None or v != v else f"{v:,.1f}".removesuffix(".0")  # noqa: E731
    from voc.report.labels import label

    out = [[label(r["value"]) if dim != "topic" else r["value"], int(r["contacts"]), num(r["prev_contacts"]),
            num(r["baseline_contacts"]), num(r["expected_contacts"]),
            fmt_pct(r["negative_share"]), fmt_pct(r["baseline_negative_share"])] for _, r in d.iterrows()]
    partial = bool(d["partial"].any()) if "partial" in d.columns and len(d) else False
    note = (f"{dim.capitalize()}s with the largest change against expected in the {period} of {last:%Y-%m-%d}"
            + (" (a partial period: the data ends inside it; expected volumes are scaled to the days covered)" if partial else "")
            + ". Expected: the baseline share of this period's traffic. Full series in trends.parquet.")
    return cols, out, note


def what_changed(out_dir: str | Path, run: dict[str, Any], cfg: ReportConfig) -> dict[str, Any]:
    """{'alerts': [alert + 'figure'], 'drift': [...], 'warnings': [...], 'summary': str, 'missing': str}."""
    out_dir = Path(out_dir)
    block = run.get("trends") if isinstance(run.get("trends"), dict) else {}
    out: dict[str, Any] = {"alerts": [], "drift": block.get("drift", []) or [], "warnings": block.get("warnings", []) or [],
                           "summary": "", "missing": "", "more": 0, "table": None}
    p = out_dir / "alerts.jsonl"
    if not p.exists():
        out["missing"] = "No alerts.jsonl in this folder. " + HOW
        return out
    alerts = datasets.read_jsonl(p, dataset="alerts")
    tr = _trends_table(out_dir)
    per = block.get("period", "week")
    tested = block.get("tested_periods") or []
    when = f"the {per} of {tested[-1][:10]}" if len(tested) == 1 else f"the last {len(tested)} {per}s"
    out["summary"] = (f"{len(alerts)} change(s) stand out in {when} ({block.get('tests', '?')} cells tested; at most "
                      f"{100 * float(block.get('fdr', 0.05)):g}% of the alerts are expected to be chance, Benjamini-Hochberg).")
    if not tested and not alerts:
        out["summary"] = (f"Nothing was tested: alerts need {per}s of history before the latest "
                          "(trends.min_baseline_periods).")
    if tr is not None and not tr.empty:
        at = pd.Timestamp(tested[-1]) if tested else None
        cols, rows, note = comparison(tr, per, cfg.max_rows, at)
        if rows:
            out["table"] = {"columns": cols, "rows": rows, "note": note}
    shown = alerts[: cfg.max_actions]
    out["more"] = len(alerts) - len(shown)
    for a in shown:
        a = dict(a)
        a["figure"] = None
        if tr is not None and a.get("metric") in METRIC_COLUMNS:
            cell = tr[(tr["dimension"] == a["dimension"]) & (tr["value"] == str(a["value"]))]
            if not cell.empty:
                a["figure"] = sparkline(cell, a["metric"], pd.Timestamp(a["period_start"]))
        a["quotes"] = (a.get("quotes") or [])[: cfg.max_quotes]
        out["alerts"].append(a)
    return out
