"""The figures of an output folder, stored in its run.json under ``metrics``.

``refresh`` computes them (once per run: at the end of `voc analyze`, and again when `voc journeys`
writes journey tables into the folder) and stores them; ``load`` reads them back, recomputing when
the tables they rest on changed since (their sizes and modification times are recorded)."""
from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Optional

import pandas as pd

from voc import datasets
from voc.config import JourneyConfig
from voc.metrics.compute import compute_metrics
from voc.metrics.definitions import METRICS
from voc.metrics.flags import contact_flags

INPUT_TABLES = ("contacts", "repeat_contacts", "friction", "journeys", "identity", "embeddings")
COLUMNS = {
    "contacts": ["contact_id", "customer_id", "email", "phone", "created_at", "closed_at", "channel", "intent",
                 "sentiment", "sentiment_score", "sentiment_end", "topic_label"],
    "repeat_contacts": None, "friction": ["journey_id", "contact_id", "kind", "severity"],
    "journeys": ["journey_id", "customer_id", "friction_score"], "timeline": ["journey_id", "contact_id"],
}


def _read_run(out_dir: Path) -> dict[str, Any]:
    p = out_dir / "run.json"
    if not p.exists():
        return {}
    try:
        d = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return d if isinstance(d, dict) else {}


def journey_config_of(out_dir: str | Path, config: Optional[JourneyConfig] = None) -> JourneyConfig:
    """The journey settings the figures of ``out_dir`` use: ``config`` when given, else the ones the run
    recorded (journey_run.json, then run.json), else the defaults."""
    if config is not None:
        return config
    out_dir = Path(out_dir)
    for name in ("journey_run.json", "run.json"):
        p = out_dir / name
        try:
            d = json.loads(p.read_text(encoding="utf-8")) if p.exists() else {}
        except (OSError, ValueError):
            d = {}
        conf = d.get("config") if isinstance(d, dict) else None
        if isinstance(conf, dict):
            conf = conf.get("journey", conf) if "journey" in conf or name == "run.json" else conf
            try:
                return JourneyConfig.model_validate({k: v for k, v in conf.items() if k in JourneyConfig.model_fields})
            except Exception:   # a hand-written or older run.json: fall back to the defaults
                continue
    return JourneyConfig()


def _definitions_digest() -> str:
    """Changes when a definition does (stored figures from an older voc are then recomputed)."""
    text = "|".join(f"{m.key}:{m.definition}:{m.numerator}:{m.denominator}:{m.short}" for m in METRICS.values())
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def fingerprint(out_dir: Path) -> dict[str, Any]:
    """What the stored figures rest on: the tables' sizes and modification times, and the definitions."""
    fp: dict[str, Any] = {"definitions": _definitions_digest()}
    for name in INPUT_TABLES:
        p = datasets.find_table(out_dir, name)
        if p is not None:
            st = p.stat()
            fp[p.name] = [int(st.st_size), int(st.st_mtime_ns)]
    return fp


def read_tables(out_dir: Path,
                names: tuple[str, ...] = ("contacts", "repeat_contacts", "friction", "journeys")) -> dict[str, pd.DataFrame]:
    out = {}
    for name in names:
        p = datasets.find_table(out_dir, name)
        if p is None:
            continue
        df = datasets.read_table(p, dataset=name)
        want = COLUMNS.get(name)
        if want is not None:
            df = df[[c for c in want if c in df.columns]]
        out[name] = df
    return out


def embeddings_of(out_dir: Path) -> Optional[pd.DataFrame]:
    p = out_dir / "embeddings.parquet"
    return datasets.read_table(p, dataset="embeddings") if p.exists() else None


def flags_of(out_dir: str | Path, config: Optional[JourneyConfig] = None,
             tables: Optional[dict[str, pd.DataFrame]] = None) -> tuple[Optional[pd.DataFrame], str]:
    """Per-contact repeat flags of a folder (voc.metrics.flags.contact_flags on its tables)."""
    out_dir = Path(out_dir)
    tables = tables if tables is not None else read_tables(out_dir, ("contacts", "repeat_contacts"))
    rc = tables.get("repeat_contacts")
    emb = None if rc is not None else embeddings_of(out_dir)
    return contact_flags(tables.get("contacts"), rc, journey_config_of(out_dir, config), emb)


def compute_block(out_dir: str | Path, config: Optional[JourneyConfig] = None) -> dict[str, Any]:
    """The metrics block for ``out_dir`` (not written)."""
    out_dir = Path(out_dir)
    conf = journey_config_of(out_dir, config)
    tables = read_tables(out_dir)
    items = compute_metrics(tables, conf, flags=flags_of(out_dir, conf, tables))
    return {"computed_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "inputs": fingerprint(out_dir), "items": items}


def refresh(out_dir: str | Path, config: Optional[JourneyConfig] = None) -> dict[str, Any]:
    """Compute the figures of ``out_dir`` and store them in its run.json (created when absent)."""
    out_dir = Path(out_dir)
    block = compute_block(out_dir, config)
    run = _read_run(out_dir)
    run["metrics"] = block
    datasets.write_json(run, out_dir / "run.json", dataset="run")
    return block


def load(out_dir: str | Path, *, write: bool = False) -> dict[str, dict[str, Any]]:
    """The stored figures of ``out_dir`` (metric key -> record); recomputed (and stored when ``write``)
    when run.json has none or the tables changed since they were computed."""
    out_dir = Path(out_dir)
    block = _read_run(out_dir).get("metrics")
    if isinstance(block, dict) and isinstance(block.get("items"), dict) and block.get("inputs") == fingerprint(out_dir):
        return block["items"]
    block = refresh(out_dir) if write else compute_block(out_dir)
    return block["items"]
