"""The whole batch job: text pipeline, then (when asked) journeys, CDP enrichment and the report."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

from voc import datasets
from voc.config import VocConfig
from voc.pipeline.analyze import AnalyzeResult, Progress, _no_progress, analyze, uncounted


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
            events: list[Path] | None = None, engine: str = "local", progress: Progress = _no_progress) -> RunResult:
    out_dir = Path(out_dir)
    if engine == "spark":
        from voc.engines.spark.job import run_spark

        return run_spark(input_path, out_dir, config, fmt=fmt, events=events or [])

    result = analyze(input_path, out_dir, config, fmt=fmt, progress=progress)
    return finish_run(RunResult(out_dir=out_dir, analyze=result), config, fmt=fmt, events=events or [],
                      progress=progress)


def finish_run(res: RunResult, config: VocConfig, *, fmt: str, events: list[Path],
               run_journeys: Optional[Callable[..., Any]] = None, progress: Progress = _no_progress) -> RunResult:
    """After the text pipeline (either engine): journeys when events are given, CDP enrichment when
    asked, the report, and the summary."""
    out_dir = res.out_dir
    if events:
        if run_journeys is None:
            from voc.journey.run import run_journeys

        emb = None
        emb_path = out_dir / "embeddings.parquet"
        if emb_path.exists():
            emb = datasets.read_table(emb_path, dataset="embeddings")
        with uncounted(progress, "journeys"):
            res.journeys = run_journeys(list(events), res.analyze.contacts, config.journey, out_dir, fmt=fmt,
                                        embeddings=emb)
        add_warnings(out_dir, getattr(res.journeys, "warnings", None) or [])

    from voc import metrics

    metrics.refresh(out_dir, config.journey)   # the run's headline figures, once, into run.json

    if config.trends.enabled:
        from voc.pipeline.trends_step import run_trends_step

        res.trends = run_trends_step(out_dir, config, fmt=fmt)

    if config.enrich.enabled and config.enrich.out:
        from voc.enrich import enrich

        with uncounted(progress, "CDP tables"):
            res.enrich = enrich(out_dir, Path(config.enrich.out), config.enrich)

    if config.report.html:
        from voc.report import write_report

        with uncounted(progress, "report"):
            res.report = write_report(out_dir, config.report)

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
    run["warnings"] = [w for w in run.get("warnings") or [] if w.get("source") != "journeys" and w.get("source") != "sequences"] + list(found)
    datasets.write_json(run, path, dataset="run")
