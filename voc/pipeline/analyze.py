"""`voc analyze`: ingest -> redact -> embed -> intent -> sentiment -> topics -> outputs, on any engine
(voc.engines.base). Every step is a named component or a pure function; this module only wires them,
counts, times and writes, the same way for every engine."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Optional

from voc import datasets, outfolder
from voc.config import VocConfig
from voc.engines.base import Engine, get_engine
from voc.errors import Errors, VocError
from voc.pipeline import components as comp_registry
from voc.pipeline.outputs import write_step_outputs
from voc.pipeline.progress import Progress, Timer, no_progress
from voc.pipeline.record import AnalyzeResult, fail_nothing_read, finish_analyze, run_header
from voc.redact.guard import redact_records


def analyze(input_path: str | Path, out_dir: str | Path, config: VocConfig, *, fmt: str = "parquet",
            progress: Progress = no_progress, batch_size: Optional[int] = None) -> AnalyzeResult:
    """Run the text pipeline (local engine, batches of ``batch_size`` contacts; default: the config's) on every
    supported file under ``input_path`` and write the outputs.
    They are built in a staging folder and swapped into ``out_dir`` whole (voc.outfolder): a run that
    fails leaves the previous outputs as they were, and no output of an earlier run stays beside them."""
    if fmt not in datasets.FORMATS:
        raise VocError(Errors.E403, fmt=fmt)
    engine = get_engine("local")(config, batch_size=batch_size)
    with outfolder.Transaction(out_dir, stage="analyze") as tx:
        tx.check_collisions()
        result = analyze_with(engine, input_path, tx, fmt=fmt, progress=progress)
        tx.commit({"input": str(input_path)})
    return result


def analyze_with(engine: Engine, input_path: str | Path, tx: outfolder.Transaction, *, fmt: str = "parquet",
                 progress: Progress = no_progress) -> AnalyzeResult:
    """The text pipeline on ``engine``, writing into the staging folder of ``tx`` (committed by the caller)."""
    config = engine.config
    input_path, out_dir = Path(input_path), tx.staging
    if fmt not in datasets.FORMATS:
        raise VocError(Errors.E403, fmt=fmt)
    started = datetime.now(timezone.utc)
    timer = Timer()
    info = engine.start(timer)

    with timer("read"):
        corpus = engine.read(input_path, progress)
    with timer("redact_rejects"):
        rejects = redact_records(corpus.rejects, config.redact)   # rejects quote raw input: same redactor as the messages
    stats = corpus.stats

    run = run_header(engine.name, started, input_path, config, info)
    if corpus.empty:
        raise fail_nothing_read(run, stats, rejects, input_path, tx)

    steps = {name: comp_registry.build(name, config) for name in comp_registry.resolve_steps(config)}
    try:
        processed = engine.process(corpus, steps, timer, progress)
        with timer(engine.write_timing):
            written = engine.write(processed, steps, out_dir, fmt)
            outputs = {**written.outputs, **write_step_outputs(written.final, steps, rejects, out_dir, fmt)}
    finally:
        engine.release()
    return finish_analyze(run, written.final, steps, rejects, stats, outputs, timer, out_dir, written.n_contacts,
                          written.n_messages, tx=tx)
