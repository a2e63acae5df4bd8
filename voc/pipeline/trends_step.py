"""The trends step of a run (after the text pipeline and journeys, before the report): trends.<fmt> and
alerts.jsonl are written, and run.json gains a 'trends' block (alerts, tests, warnings, drift, profile)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from voc import datasets
from voc.config import VocConfig

JSON_CONTACT_IDS = 20


def run_trends_step(out_dir: Path, config: VocConfig, *, fmt: str) -> dict[str, Any]:
    from voc.trends.run import run_trends

    block = run_trends(out_dir, config.trends, fmt=fmt)
    run_path = Path(out_dir) / "run.json"
    run: dict[str, Any] = {}
    if run_path.exists():
        try:
            run = json.loads(run_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            run = {}
    run["trends"] = {k: v for k, v in block.items() if k not in ("outputs", "top_alerts")}
    run.setdefault("outputs", {}).update(block["outputs"])
    datasets.write_json(run, run_path, dataset="run")
    return block


def summary_block(out_dir: Path, block: dict[str, Any]) -> dict[str, Any]:
    """What `--json` adds to the run summary: every alert (ids cut to a few), drift and trend warnings."""
    p = Path(out_dir) / "alerts.jsonl"
    alerts = datasets.read_jsonl(p, dataset="alerts") if p.exists() else []
    for a in alerts:
        a["contact_ids"] = a.get("contact_ids", [])[:JSON_CONTACT_IDS]
    return {"alerts": alerts, "drift": block.get("drift", []),
            "trends": {k: block.get(k) for k in ("period", "periods", "tested_periods", "tests", "fdr", "dispersion",
                                                  "warnings")}}
