"""`voc analyze`: ingest -> redact -> embed -> intent -> sentiment -> topics -> outputs
(-> journeys -> CDP enrichment -> report). Every step is a named component or a pure function;
this module only wires them, counts, times and writes."""
from __future__ import annotations

import platform
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

import numpy as np
import pandas as pd
import pyarrow as pa

from voc import __version__, catalog, datasets, outfolder
from voc.component import Batch, Component
from voc.config import VocConfig
from voc.errors import Errors, VocError
from voc.ingest import IngestStats, iter_batches, scan
from voc.pipeline import components as comp_registry
from voc.redact.guard import redact_records
from voc.schema import CONTACT_NLP_COLUMNS, CONTACTS, MESSAGE_NLP_COLUMNS, MESSAGES, conform

DEFAULT_BATCH = 512
VERSIONED_PACKAGES = ("torch", "transformers", "sentence-transformers", "bertopic", "spacy", "pandas",
                      "pyarrow", "duckdb", "scikit-learn", "vadersentiment")

# progress(label, total) starts a step and returns tick(n). With a total the step counts (files, contacts);
# with None it cannot (model loading, topic fitting): the caller shows a spinner and one tick ends it.
Progress = Callable[[str, Optional[int]], Callable[[int], None]]


def _no_progress(label: str, total: Optional[int]) -> Callable[[int], None]:
    return lambda n: None


@contextmanager
def uncounted(progress: Progress, label: str) -> Iterator[None]:
    """A step that reports no counts (a spinner with the elapsed time), ended when the block ends."""
    tick = progress(label, None)
    try:
        yield
    finally:
        tick(1)


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


class Timer:
    def __init__(self) -> None:
        self.timings: dict[str, float] = {}

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        t = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = round(self.timings.get(name, 0.0) + time.perf_counter() - t, 3)


def versions() -> dict[str, str]:
    out = {"voc": __version__, "python": platform.python_version()}
    for pkg in VERSIONED_PACKAGES:
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            pass
    return out


def read_batches(path: Path, config: VocConfig, progress: Progress = _no_progress, *, batch_size: int = DEFAULT_BATCH
                 ) -> tuple[list[Batch], list[dict[str, Any]], IngestStats]:
    """Every record under ``path`` as batches of at most ``batch_size`` whole contacts, built while the files
    are streamed (voc.ingest.iter_batches): memory holds the batches' tables, never every record at once."""
    stats, rejects = IngestStats(), []
    files = scan(path, config.ingest, stats.files_skipped)   # listed once: the total for progress, and what is read
    tick = progress("reading", len(files))
    ticked = 0

    def on_file(n: int) -> None:
        nonlocal ticked
        ticked += n
        tick(n)

    batches = [Batch(contacts=c, messages=m) for c, m in
               iter_batches(path, config.ingest, stats, rejects, batch_size=batch_size, on_file=on_file, files=files)]
    tick(max(len(files), stats.files) - ticked)      # the last file (and any the reader skipped)
    return batches, rejects, stats


NO_REDACT_WARNING = ("redaction is OFF (--no-redact): personal data in the input is stored, embedded and shown "
                     "as found in every output of this run")


def redaction_status(config: VocConfig) -> dict[str, Any]:
    """run.json's 'redaction' entry; the report and the terminal show its warning when redaction is off."""
    if config.redact.enabled:
        return {"enabled": True, "entities": list(config.redact.entities)}
    return {"enabled": False, "warning": NO_REDACT_WARNING}


def split_batches(contacts: pd.DataFrame, messages: pd.DataFrame, size: int = DEFAULT_BATCH) -> list[Batch]:
    """Cut the corpus into batches of whole contacts (a contact's messages stay in its batch)."""
    if len(contacts) == 0:
        return []
    order = {cid: i // size for i, cid in enumerate(contacts["contact_id"])}
    mbatch = messages["contact_id"].map(order).to_numpy()
    out = []
    for b in range(int(np.ceil(len(contacts) / size))):
        c = contacts.iloc[b * size:(b + 1) * size].reset_index(drop=True)
        m = messages[mbatch == b].reset_index(drop=True)
        out.append(Batch(contacts=c, messages=m))
    return out


def concat_batches(batches: list[Batch]) -> Batch:
    if not batches:
        raise ValueError("no batches")
    contacts = pd.concat([b.contacts for b in batches], ignore_index=True)
    messages = pd.concat([b.messages for b in batches], ignore_index=True)
    emb = None
    if all(b.embeddings is not None for b in batches):
        emb = np.concatenate([b.embeddings for b in batches], axis=0)
    extras: dict[str, Any] = {}
    for b in batches:
        extras.update(b.extras)
    return Batch(contacts=contacts, messages=messages, embeddings=emb, extras=extras)


def run_components(batches: list[Batch], steps: dict[str, Component], timer: Timer,
                   progress: Progress = _no_progress) -> list[Batch]:
    for name, step in steps.items():
        with timer(name):
            if type(step).load is not Component.load:
                with uncounted(progress, f"{name}: loading model"):
                    step.load()
            if step.needs_fit:
                corpus = concat_batches(batches)
                with uncounted(progress, f"{name}: fitting"):
                    step.fit(corpus)
                batches = [corpus]
            tick = progress(name, sum(len(b) for b in batches))
            own = step.reports_progress
            if own:
                step.progress_ = tick
            out = []
            try:
                for b in step.pipe(batches):
                    out.append(b)
                    if not own:
                        tick(len(b))
            finally:
                if own:
                    step.progress_ = None
            batches = out
    return batches


def embeddings_table(contact_ids: pd.Series, emb: np.ndarray, model: str) -> pa.Table:
    """contact_id, embedding (list<float32>), model: one row per contact."""
    dim = emb.shape[1]
    flat = pa.array(emb.astype(np.float32, copy=False).ravel())
    offsets = pa.array(np.arange(0, (len(emb) + 1) * dim, dim, dtype=np.int32))
    return pa.table({"contact_id": pa.array(contact_ids.astype(str).tolist()),
                     "embedding": pa.ListArray.from_arrays(offsets, flat),
                     "model": pa.array([model] * len(contact_ids))})


def write_tables(final: Batch, steps: dict[str, Component], out_dir: Path, fmt: str) -> dict[str, str]:
    """contacts, messages (typed as declared) and, for Parquet, the contact embeddings."""
    outputs = {
        "contacts": str(datasets.write_table(conform(final.contacts, CONTACTS, CONTACT_NLP_COLUMNS),
                                             catalog.path(out_dir, "contacts", fmt), dataset="contacts")),
        "messages": str(datasets.write_table(conform(final.messages, MESSAGES, MESSAGE_NLP_COLUMNS),
                                             catalog.path(out_dir, "messages", fmt), dataset="messages")),
    }
    if final.embeddings is not None and fmt == "parquet":
        model = steps["embed"].info().get("model", "") if "embed" in steps else ""
        emb = embeddings_table(final.contacts["contact_id"], final.embeddings, model)
        outputs["embeddings"] = str(datasets.write_arrow(emb, catalog.path(out_dir, "embeddings"), dataset="embeddings"))
    return outputs


def write_step_outputs(final: Batch, steps: dict[str, Component], rejects: list[dict[str, Any]], out_dir: Path,
                       fmt: str) -> dict[str, str]:
    """What the steps write themselves (e.g. the topic tables and model), then rejects.jsonl."""
    outputs: dict[str, str] = {}
    for step in steps.values():
        writer = getattr(step, "write_outputs", None)
        if writer is not None:
            outputs.update(writer(final, out_dir, fmt))
    outputs["rejects"] = str(datasets.write_jsonl(rejects, catalog.path(out_dir, "rejects"), dataset="rejects"))
    return outputs


def write_outputs(final: Batch, steps: dict[str, Component], rejects: list[dict[str, Any]], out_dir: Path,
                  fmt: str) -> dict[str, str]:
    return {**write_tables(final, steps, out_dir, fmt), **write_step_outputs(final, steps, rejects, out_dir, fmt)}


def analyze(input_path: str | Path, out_dir: str | Path, config: VocConfig, *, fmt: str = "parquet",
            progress: Progress = _no_progress, batch_size: int = DEFAULT_BATCH) -> AnalyzeResult:
    """Run the text pipeline on every supported file under ``input_path`` and write the outputs.
    They are built in a staging folder and swapped into ``out_dir`` whole (voc.outfolder): a run that
    fails leaves the previous outputs as they were, and no output of an earlier run stays beside them."""
    if fmt not in datasets.FORMATS:
        raise VocError(Errors.E403, fmt=fmt)
    with outfolder.Transaction(out_dir, stage="analyze") as tx:
        tx.check_collisions()
        result = analyze_into(input_path, tx, config, fmt=fmt, progress=progress, batch_size=batch_size)
        tx.commit({"input": str(input_path)})
    return result


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


def analyze_into(input_path: str | Path, tx: outfolder.Transaction, config: VocConfig, *, fmt: str = "parquet",
                 progress: Progress = _no_progress, batch_size: int = DEFAULT_BATCH) -> AnalyzeResult:
    """The text pipeline, writing into the staging folder of ``tx`` (committed by the caller)."""
    input_path, out_dir = Path(input_path), tx.staging
    if fmt not in datasets.FORMATS:
        raise VocError(Errors.E403, fmt=fmt)
    started = datetime.now(timezone.utc)
    timer = Timer()

    with timer("read"):
        batches, rejects, stats = read_batches(input_path, config, progress, batch_size=batch_size)
    with timer("redact_rejects"):
        rejects = redact_records(rejects, config.redact)   # rejects quote raw input: same redactor as the messages

    run: dict[str, Any] = {
        "started_at": started.isoformat(),
        "input": str(input_path),
        "versions": versions(),
        "config": config.model_dump(mode="json"),
        "redaction": redaction_status(config),
    }
    if not batches:
        raise fail_nothing_read(run, stats, rejects, input_path, tx)

    step_names = comp_registry.resolve_steps(config)
    steps = {name: comp_registry.build(name, config) for name in step_names}
    batches = run_components(batches, steps, timer, progress)
    final = concat_batches(batches)

    with timer("write"):
        outputs = write_outputs(final, steps, rejects, out_dir, fmt)

    return finish_analyze(run, final, steps, rejects, stats, outputs, timer, out_dir, tx=tx)


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
