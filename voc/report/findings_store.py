"""The findings of an output folder, stored in its run.json under ``findings`` (computed once per run, after
the metrics and the trends), with the taxonomy-fit verdict. The report, the terminal summary and
``--json`` all read this one list; ``load`` recomputes (without writing) when run.json has none or the
tables it rests on changed since."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Optional

import pandas as pd

from voc import catalog, datasets, outfolder
from voc.config import ReportConfig
from voc.metrics.store import fingerprint as metrics_fingerprint
from voc.report import findings as F
from voc.report import metrics, quotes
from voc.report.inputs import ReportInputs, load_inputs, normalise, read_narrow
from voc.report.labels import label
from voc.report.taxonomy_fit import fit_warning, taxonomy_fit

TABLES = ("contacts", "friction", "repeat_contacts", "journeys")   # messages: only the quoted contacts' rows
QUOTE_COLUMNS = ("contact_id", "seq", "role", "text", "timestamp")
QUOTES_PER_FINDING = 2


def settings_of(config: ReportConfig) -> dict[str, Any]:
    return {"min_contacts": config.min_contacts, "fdr": config.findings_fdr, "min_lift": config.findings_min_lift,
            "min_diff": config.findings_min_diff, "jaccard": config.findings_jaccard, "max_items": config.max_actions,
            "taxonomy_unknown_max": config.taxonomy_unknown_max, "taxonomy_min_confidence": config.taxonomy_min_confidence,
            "quotes": min(QUOTES_PER_FINDING, config.max_quotes)}


def fingerprint(out_dir: Path) -> dict[str, Any]:
    fp = dict(metrics_fingerprint(out_dir))
    for name in ("messages", "alerts"):
        p = catalog.find(out_dir, name)
        if p is not None:
            st = p.stat()
            fp[p.name] = [int(st.st_size), int(st.st_mtime_ns)]
    return fp


def read_alerts(out_dir: Path) -> list[dict[str, Any]]:
    p = catalog.find(out_dir, "alerts")
    return datasets.read_jsonl(p, dataset="alerts") if p is not None else []


def compute(inp: ReportInputs, config: ReportConfig) -> dict[str, Any]:
    """The findings block of the folder of ``inp`` (not written)."""
    s = settings_of(config)
    c = inp.get("contacts")
    fit = taxonomy_fit(c, unknown_max=config.taxonomy_unknown_max, min_confidence=config.taxonomy_min_confidence)
    items: list[dict[str, Any]] = []
    if c is not None and "contact_id" in c.columns and len(c):
        flags, _ = metrics.repeat_table(inp)
        frame = F.contact_frame(c, flags, inp.get("friction"))
        settings = F.FindingSettings(min_contacts=config.min_contacts, fdr=config.findings_fdr,
                                     min_lift=config.findings_min_lift, min_diff=config.findings_min_diff,
                                     jaccard=config.findings_jaccard, max_items=config.max_actions,
                                     include_intents=fit["fits"] is not False)
        found = F.find(frame, read_alerts(inp.out_dir), settings)
        msgs = inp.get("messages")
        if msgs is None and len(found):
            wanted = set().union(*[set(r["hit_ids"] or r["contact_ids"]) for _, r in found.iterrows()])
            msgs = messages_of(inp.out_dir, wanted)
        qs, used = {}, set()
        for i, r in found.iterrows():   # a quote shown under a finding above is not repeated under the next one
            pool = quotes.quotes_for(msgs, r["hit_ids"] or r["contact_ids"], s["quotes"] + 6)
            fresh = [q for q in pool if q["text"] not in used] or pool
            qs[i] = fresh[: s["quotes"]]
            used |= {q["text"] for q in qs[i]}
        items = F.to_records(found, qs, label=label)
    elif c is None:
        items = F.journey_friction(inp.get("friction"), inp.get("journeys"), top=config.max_actions, label=label)
    return {"computed_at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "inputs": fingerprint(inp.out_dir),
            "settings": s, "taxonomy_fit": fit, "items": items}


def messages_of(out_dir: Path, contact_ids: set[str]) -> Optional[pd.DataFrame]:
    """The messages of ``contact_ids`` only (for quotes): a Parquet table is read with a row filter, so a run
    of 500,000 messages never holds them all again at the end of the run."""
    p = catalog.find(out_dir, "messages")
    listed = outfolder.run_files(out_dir)
    if p is None or (listed is not None and p.name not in listed) or not contact_ids:
        return None
    if p.suffix == ".parquet" and p.is_file():
        import pyarrow.parquet as pq

        cols = [c for c in QUOTE_COLUMNS if c in pq.read_schema(p).names]
        t = pq.read_table(p, columns=cols, filters=[("contact_id", "in", sorted(contact_ids))])
        return normalise(t.to_pandas())
    m = read_narrow(p, "messages", QUOTE_COLUMNS)
    return m[m["contact_id"].astype(str).isin(contact_ids)]


def _read_run(out_dir: Path) -> dict[str, Any]:
    p = out_dir / "run.json"
    try:
        d = json.loads(p.read_text(encoding="utf-8")) if p.exists() else {}
    except (OSError, ValueError):
        d = {}
    return d if isinstance(d, dict) else {}


def refresh(out_dir: str | Path, config: Optional[ReportConfig] = None) -> dict[str, Any]:
    """Compute the findings of ``out_dir`` and store them (and the taxonomy-fit warning) in its run.json."""
    out_dir = Path(out_dir)
    config = config or ReportConfig()
    block = compute(load_inputs(out_dir, tables=TABLES), config)
    run = _read_run(out_dir)
    run["findings"] = block
    warn = fit_warning(block["taxonomy_fit"])
    run["warnings"] = [w for w in run.get("warnings") or [] if w.get("source") != "taxonomy"] + ([warn] if warn else [])
    datasets.write_json(run, out_dir / "run.json", dataset="run")
    return block


def config_of(run: dict[str, Any]) -> ReportConfig:
    """The report settings the run recorded (run.json config.report), else the defaults."""
    conf = run.get("config") if isinstance(run.get("config"), dict) else {}
    rep = conf.get("report") if isinstance(conf.get("report"), dict) else {}
    try:
        return ReportConfig.model_validate({k: v for k, v in rep.items() if k in ReportConfig.model_fields})
    except Exception:   # a hand-written or older run.json: the defaults
        return ReportConfig()


def load(inp: ReportInputs, config: Optional[ReportConfig] = None) -> dict[str, Any]:
    """The stored findings block of the folder of ``inp``, or a fresh one when none is stored, the tables
    changed since, or ``config`` (default: the one the run recorded) asks for other settings (cached per report)."""
    if "findings" in inp.cache:
        return inp.cache["findings"]
    run = _read_run(inp.out_dir)
    config = config or config_of(run)
    block = run.get("findings")
    ok = (isinstance(block, dict) and isinstance(block.get("items"), list)
          and block.get("inputs") == fingerprint(inp.out_dir) and block.get("settings") == settings_of(config))
    if not ok:
        missing = [t for t in TABLES if t not in inp.tables and catalog.find(inp.out_dir, t) is not None]
        src = load_inputs(inp.out_dir, tables=TABLES) if missing else inp
        block = compute(src, config)
    inp.cache["findings"] = block
    return block
