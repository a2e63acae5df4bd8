"""Trends, alerts and drift for an output folder: read the contacts (and messages, repeat flags), compute,
write trends.<fmt> and alerts.jsonl, and return what run.json, the terminal and --json show."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

import pandas as pd

from voc import datasets
from voc.config import TrendsConfig
from voc.errors import DatasetError, Errors
from voc.report import metrics, quotes
from voc.report.inputs import load_inputs, read_narrow
from voc.trends.alerts import AlertSettings, cell_contacts, detect_alerts
from voc.trends.drift import detect_drift
from voc.trends.series import ALL, dimension_values, resolve_dimensions, trends

MAX_CONTACT_IDS = 200


def settings_of(cfg: TrendsConfig) -> AlertSettings:
    return AlertSettings(fdr=cfg.fdr, min_volume=cfg.min_volume, min_rate_contacts=cfg.min_rate_contacts,
                         min_ratio=cfg.min_ratio, min_rate_change=cfg.min_rate_change,
                         min_baseline_periods=cfg.min_baseline_periods, test_periods=cfg.test_periods, period=cfg.period,
                         min_coverage=cfg.min_coverage)


def with_repeat_flags(inp) -> pd.DataFrame:
    """The contacts with is_repeat / resolved_first_contact as the report defines them (journeys when
    present, else estimated from customer ids within the repeat window)."""
    c = inp.get("contacts")
    rt, source = metrics.repeat_table(inp)
    if rt is None or "is_repeat" not in rt.columns:
        return c
    rt = rt.drop_duplicates("contact_id").set_index(rt["contact_id"].astype(str))
    cid = c["contact_id"].astype(str)
    c = c.copy()
    c["is_repeat"] = cid.map(rt["is_repeat"]).astype("boolean")
    if "resolved_first_contact" in rt.columns:
        c["resolved_first_contact"] = cid.map(rt["resolved_first_contact"]).astype("boolean")
    return c


def attach_evidence(alerts: pd.DataFrame, contacts: pd.DataFrame, messages: Optional[pd.DataFrame],
                    dims: dict[str, str], max_quotes: int) -> list[dict[str, Any]]:
    """Alerts as JSON-ready dicts with the contact ids behind each and up to ``max_quotes`` redacted quotes."""
    out = []
    values = {d: dimension_values(contacts, d, col) for d, col in dims.items()}
    for _, a in alerts.iterrows():
        vals = values.get(a["dimension"], pd.Series(ALL, index=contacts.index))
        cc = cell_contacts(contacts, a, vals)
        ids = cc["contact_id"].astype(str).tolist()
        rec = {k: (None if isinstance(v, float) and v != v else v) for k, v in a.items()}
        rec["period_start"] = pd.Timestamp(a["period_start"]).isoformat()
        rec["period_end"] = pd.Timestamp(a["period_end"]).isoformat()
        for k in ("observed", "expected", "effect", "p_value", "q_value", "dispersion", "coverage"):
            if rec.get(k) is not None:
                rec[k] = float(rec[k])
        for k in ("n", "baseline_periods"):
            if rec.get(k) is not None:
                rec[k] = int(rec[k])
        if "partial" in rec:
            rec["partial"] = bool(rec["partial"])
        rec["n_contacts"] = len(ids)
        rec["contact_ids"] = ids[:MAX_CONTACT_IDS]
        rec["quotes"] = quotes.quotes_for(messages, ids, max_quotes) if ids else []
        out.append(rec)
    return out


def read_previous_profile(path: Optional[str]) -> tuple[Optional[dict[str, Any]], list[str]]:
    if not path:
        return None, []
    p = Path(path)
    if p.is_dir():
        p = p / "run.json"
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise DatasetError(Errors.E402, dataset="previous run (trends.previous_run)", path=str(p), detail=str(e)) from None
    prof = (data.get("trends") or {}).get("profile") if isinstance(data, dict) else None
    if not prof:
        return None, [f"trends.previous_run: {p} holds no trends profile (written by voc analyze with trends on); "
                      "drift against it is not checked."]
    return prof, []


def run_trends(out_dir: str | Path, cfg: TrendsConfig, *, fmt: str = "parquet") -> dict[str, Any]:
    """Compute and write trends and alerts for ``out_dir``; returns the run.json 'trends' block."""
    out_dir = Path(out_dir)
    path = datasets.find_table(out_dir, "contacts")
    if path is None:
        raise DatasetError(Errors.E404, path=str(out_dir))
    inp = load_inputs(out_dir, tables=("messages", "repeat_contacts", "identity"))
    inp.tables["contacts"] = read_narrow(path, "contacts", None)
    contacts = with_repeat_flags(inp)
    tr, warnings = trends(contacts, cfg.period, cfg.baseline_periods, cfg.dimensions)
    alerts, info = detect_alerts(tr, settings_of(cfg))
    dims, _ = resolve_dimensions(contacts, cfg.dimensions)
    records = attach_evidence(alerts, contacts, inp.get("messages"), dims, cfg.max_quotes)
    prev, w = read_previous_profile(cfg.previous_run)
    warnings += w
    drift, prof = detect_drift(contacts, cfg.period, cfg.baseline_periods, previous=prev, alpha=cfg.drift_alpha,
                               min_unknown_change=cfg.drift_min_unknown_change, min_distance=cfg.drift_min_distance)
    n_periods = int(tr["period_start"].nunique()) if not tr.empty else 0
    if info.get("skipped_partial"):
        sp = info["skipped_partial"]
        warnings.append(f"trends: the {cfg.period} starting {sp['period_start'][:10]} is partial (the data covers "
                        f"{sp['coverage']:.0%} of it), so alerts test the {cfg.period}(s) before it "
                        "(trends.min_coverage).")
    if n_periods and n_periods <= cfg.min_baseline_periods:
        warnings.append(f"trends: the contacts span {n_periods} {cfg.period}(s); alerts need {cfg.min_baseline_periods} "
                        f"earlier {cfg.period}s of baseline (trends.min_baseline_periods), so none was tested.")
    outputs = {
        "trends": str(datasets.write_table(tr, datasets.table_path(out_dir, "trends", fmt), dataset="trends")),
        "alerts": str(datasets.write_jsonl(records, out_dir / "alerts.jsonl", dataset="alerts")),
    }
    return {"period": cfg.period, "periods": n_periods, **info, "alerts": len(records), "warnings": warnings,
            "drift": drift, "profile": prof, "outputs": outputs,
            "top_alerts": [{k: r[k] for k in ("alert_id", "kind", "metric", "dimension", "value", "period_start",
                                               "observed", "expected", "q_value", "sentence")} for r in records[:10]]}
