"""The whole batch job on the engine chosen by name (voc.engines.base): the text pipeline, then (when asked)
journeys, the headline figures, trends, findings and the report, then CDP enrichment. Engine-independent:
every engine runs through the same calls, and no engine calls back into this module."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import numpy as np
import pandas as pd

from voc import catalog, datasets, outfolder
from voc.config import VocConfig
from voc.engines.base import Engine, get_engine
from voc.errors import Errors, VocError
from voc.pipeline.analyze import analyze_with
from voc.pipeline.progress import Progress, no_progress, uncounted
from voc.pipeline.record import AnalyzeResult


@dataclass
class RunResult:
    out_dir: Path
    analyze: Optional[AnalyzeResult]
    journeys: Any = None
    enrich: Any = None
    report: Optional[Path] = None
    trends: Optional[dict[str, Any]] = None
    summary: dict[str, Any] = field(default_factory=dict)


def run_all(input_path: str | Path, out_dir: str | Path, config: VocConfig, *, fmt: str = "parquet",
            events: list[Path] | None = None, engine: Optional[str] = None, progress: Progress = no_progress) -> RunResult:
    """The whole job into ``out_dir`` on the engine registered as ``engine`` ("local", "spark"; default: the
    config's ``engine``; unknown: E103 before anything is read or written): every output
    (tables, journeys, figures, trends, report) is built in a staging folder and swapped in at the end
    (voc.outfolder), under a lock on the folder; then CDP enrichment (its own folder, its own lock) reads the
    committed outputs."""
    out_dir = Path(out_dir)
    if fmt not in datasets.FORMATS:
        raise VocError(Errors.E403, fmt=fmt)
    runner = get_engine(engine or config.engine)(config)
    with outfolder.Transaction(out_dir, stage="analyze") as tx:
        tx.check_collisions()
        result = analyze_with(runner, input_path, tx, fmt=fmt, progress=progress)
        # the messages are written; no later step reads them from memory: free them before the figures,
        # findings and report read what they need back from the staged files
        result.messages = result.messages.head(0)
        release_memory()
        res = finish_run(RunResult(out_dir=out_dir, analyze=result), runner, fmt=fmt, events=events or [], tx=tx,
                         progress=progress)
        tx.commit({"input": str(input_path), "engine": runner.name})
    return after_commit(res, config, progress=progress)


def release_memory() -> None:
    """Hand freed table memory back: Python's garbage, then Arrow's allocator (jemalloc/mimalloc keep freed
    pages otherwise, and the process's peak grows with every table read back)."""
    import gc

    import pyarrow as pa

    gc.collect()
    pa.default_memory_pool().release_unused()


def embeddings_frame(analyzed: AnalyzeResult, tx: outfolder.Transaction) -> Optional[pd.DataFrame]:
    """This run's contact embeddings for the journey step: from memory, or (an engine writing its own
    part files) from the file this run wrote into its staging folder. Never a file of another run."""
    if analyzed.embeddings is not None:
        return pd.DataFrame({"contact_id": analyzed.contacts["contact_id"].astype(str).to_numpy(),
                             "embedding": list(np.asarray(analyzed.embeddings, dtype=np.float32))})
    if "embeddings" in analyzed.outputs:
        p = catalog.path(tx.staging, "embeddings")
        if p.exists():
            return datasets.read_table(p, dataset="embeddings")
    return None


def finish_run(res: RunResult, engine: Engine, *, fmt: str, events: list[Path], tx: outfolder.Transaction,
               progress: Progress = no_progress) -> RunResult:
    """After the text pipeline (any engine), into the staging folder of ``tx``: the engine's journeys when
    events are given (embeddings passed in memory), the run's headline figures, trends, and the report."""
    config = engine.config
    staging = tx.staging
    if events:
        with uncounted(progress, "journeys"):
            res.journeys = engine.journeys(list(events), res.analyze.contacts, config.journey, staging, fmt=fmt,
                                           embeddings=embeddings_frame(res.analyze, tx), tx=tx)
        add_warnings(staging, getattr(res.journeys, "warnings", None) or [])

    from voc import metrics

    metrics.refresh(staging, config.journey)   # the run's headline figures, once, into run.json

    if config.trends.enabled:
        from voc.pipeline.trends_step import run_trends_step

        res.trends = run_trends_step(staging, config, fmt=fmt)

    from voc.report import findings_store

    findings_store.refresh(staging, config.report)   # the run's findings and taxonomy fit, once, into run.json

    if config.report.html:
        from voc.report import write_report

        with uncounted(progress, "report"):
            res.report = tx.final(write_report(staging, config.report, shown_dir=tx.folder))
    return res


def after_commit(res: RunResult, config: VocConfig, *, progress: Progress = no_progress) -> RunResult:
    """Once the outputs are in place: CDP enrichment when asked (reads the committed folder), the summary."""
    out_dir = res.out_dir
    if config.enrich.enabled and config.enrich.out:
        from voc.enrich import enrich

        with uncounted(progress, "CDP tables"):
            res.enrich = enrich(out_dir, Path(config.enrich.out), config.enrich)

    from voc.report import summary_dict

    res.summary = summary_dict(out_dir)
    if res.trends is not None:
        from voc.pipeline.trends_step import summary_block

        res.summary.update(summary_block(out_dir, res.trends))
    return res


def add_warnings(out_dir: Path, found: list[dict[str, Any]]) -> None:
    """Append a later stage's warnings (e.g. the journeys' data-quality gates) to run.json's
    "warnings" list, so the run's own record shows them."""
    path = Path(out_dir) / "run.json"
    if not found or not path.exists():
        return
    import json

    run = json.loads(path.read_text(encoding="utf-8"))
    run["warnings"] = [w for w in run.get("warnings") or []
                       if w.get("source") != "journeys" and w.get("source") != "sequences"] + list(found)
    datasets.write_json(run, path, dataset="run")
