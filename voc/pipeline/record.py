"""run.json of the text pipeline (both engines): the header (versions, config, redaction status), the
accounting (records in = out + rejects), what each step used, the outputs and timings; and the E002
record kept when nothing was readable."""
from __future__ import annotations

import platform
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any, Optional

import numpy as np
import pandas as pd

from voc import __version__, catalog, datasets, outfolder
from voc.component import Batch, Component
from voc.config import VocConfig
from voc.errors import Errors, VocError
from voc.ingest import IngestStats
from voc.pipeline.progress import Timer

VERSIONED_PACKAGES = ("torch", "transformers", "sentence-transformers", "bertopic", "spacy", "pandas",
                      "pyarrow", "duckdb", "scikit-learn", "vadersentiment")
NO_REDACT_WARNING = ("redaction is OFF (--no-redact): personal data in the input is stored, embedded and shown "
                     "as found in every output of this run")


@dataclass
class AnalyzeResult:
    out_dir: Path
    contacts: pd.DataFrame
    messages: pd.DataFrame
    rejects: list[dict[str, Any]]
    stats: IngestStats
    run: dict[str, Any]
    embeddings: Optional[np.ndarray] = None
    outputs: dict[str, str] = field(default_factory=dict)
    steps: dict[str, Component] = field(default_factory=dict)


def versions() -> dict[str, str]:
    out = {"voc": __version__, "python": platform.python_version()}
    for pkg in VERSIONED_PACKAGES:
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            pass
    return out


def redaction_status(config: VocConfig) -> dict[str, Any]:
    """run.json's 'redaction' entry; the report and the terminal show its warning when redaction is off."""
    if config.redact.enabled:
        return {"enabled": True, "entities": list(config.redact.entities)}
    return {"enabled": False, "warning": NO_REDACT_WARNING}


def run_header(engine: str, started: datetime, input_path: Path, config: VocConfig,
               engine_info: dict[str, Any]) -> dict[str, Any]:
    """The start of run.json: the engine, when, what, with which versions and settings; ``engine_info`` (what
    the engine reports about itself) adds entries, its 'versions' are merged into the package versions."""
    info = dict(engine_info)
    return {"engine": engine, "started_at": started.isoformat(), "input": str(input_path),
            "versions": {**versions(), **info.pop("versions", {})}, "config": config.model_dump(mode="json"),
            "redaction": redaction_status(config), **info, "warnings": config.warnings()}


def fail_nothing_read(run: dict[str, Any], stats: IngestStats, rejects: list[dict[str, Any]], input_path: Path,
                      tx: outfolder.Transaction) -> VocError:
    """E002: keep this run's rejects.jsonl and run.json in OUT/.voc-failed-run/ (the previous run's files
    stay as they were) and return the error to raise."""
    run.update(accounting(stats, 0, 0, rejects))
    run["status"] = "failed: nothing readable (E002)"
    run["run_id"] = tx.run_id
    files = {"rejects.jsonl": datasets.write_jsonl(rejects, catalog.path(tx.staging, "rejects"), dataset="rejects"),
             "run.json": datasets.write_json(run, catalog.path(tx.staging, "run"), dataset="run")}
    kept = tx.keep_failed(files)
    return VocError(Errors.E002, path=str(input_path), n_files=stats.files, n_rejects=len(rejects),
                    rejects=str(kept / "rejects.jsonl"))


def finish_analyze(run: dict[str, Any], final: Batch, steps: dict[str, Component], rejects: list[dict[str, Any]],
                   stats: IngestStats, outputs: dict[str, str], timer: Timer, out_dir: Path,
                   n_contacts: Optional[int] = None, n_messages: Optional[int] = None, *,
                   tx: Optional[outfolder.Transaction] = None) -> AnalyzeResult:
    """Complete run.json (accounting, what each step used, outputs, timings), write it into ``out_dir``
    (the staging folder of ``tx``: paths in run.json are where the files live once committed)."""
    n_contacts = len(final.contacts) if n_contacts is None else n_contacts
    n_messages = len(final.messages) if n_messages is None else n_messages
    if tx is not None:
        outputs = tx.final_paths(outputs)
        run["run_id"] = tx.run_id
        if tx.cleaned:
            run["cleaned_up"] = tx.cleaned
    run.update(accounting(stats, n_contacts, n_messages, rejects))
    run["components"] = {name: step.info() for name, step in steps.items()}
    run["warnings"] = [w for w in run.get("warnings") or [] if w.get("source") not in steps] + \
        [w for step in steps.values() for w in step.warnings()]
    run["steps"] = list(steps)
    run["outputs"] = outputs
    run["timings_s"] = timer.timings
    run["finished_at"] = datetime.now(timezone.utc).isoformat()
    datasets.write_json(run, catalog.path(out_dir, "run"), dataset="run")
    return AnalyzeResult(out_dir=tx.folder if tx is not None else out_dir, contacts=final.contacts,
                         messages=final.messages, rejects=rejects, stats=stats, run=run, embeddings=final.embeddings,
                         outputs=outputs, steps=steps)


def accounting(stats: IngestStats, n_contacts: int, n_messages: int, rejects: list[dict[str, Any]]) -> dict[str, Any]:
    by_level: dict[str, int] = {}
    by_code: dict[str, int] = {}
    for r in rejects:
        by_level[r["level"]] = by_level.get(r["level"], 0) + 1
        by_code[r["code"]] = by_code.get(r["code"], 0) + 1
    record_rejects = by_level.get("file", 0) + by_level.get("contact", 0)
    return {
        "counts": {
            "files": stats.files,
            "files_by_format": dict(stats.files_by_format),
            "files_skipped": dict(stats.files_skipped),
            "records_in": stats.records_seen,
            "contacts_out": n_contacts,
            "record_rejects": record_rejects,
            "records_balanced": stats.records_seen == n_contacts + record_rejects,
            "messages_in": stats.messages_seen,
            "messages_out": n_messages,
            "message_rejects": by_level.get("message", 0),
            "messages_balanced": stats.messages_seen == n_messages + by_level.get("message", 0),
        },
        "rejects": {"total": len(rejects), "by_level": by_level, "by_code": by_code},
    }
