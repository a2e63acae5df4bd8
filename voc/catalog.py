"""The dataset catalog (in the spirit of Kedro's): every file voc writes into an output folder,
named once, with its format, schema, the stage that writes it and who reads it.

Writers and readers ask the catalog for paths (``path``, ``find``) instead of spelling file names;
voc.outfolder uses it to know which files of a folder belong to voc (the rest are the user's and
are never touched) and which stage owns them (a `voc journeys` run replaces only the journey
tables; a `voc analyze` run replaces every voc file of the folder).

    stage      the command that produces the dataset: analyze | journeys | report
    kind       table (parquet or csv, the run's --format) | parquet (always Parquet) | json | jsonl | dir | html
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from voc.errors import Errors, VocError

FORMATS = ("parquet", "csv")
STAGES = ("analyze", "journeys", "report")


@dataclass(frozen=True)
class Dataset:
    name: str
    stage: str
    kind: str
    schema: str          # where the columns are declared
    writer: str
    readers: tuple[str, ...]
    file: Optional[str] = None      # fixed file name (non-table kinds)

    def filenames(self) -> tuple[str, ...]:
        """Every file name this dataset can have in a folder."""
        if self.kind == "table":
            return tuple(f"{self.name}.{f}" for f in FORMATS)
        if self.kind == "parquet":
            return (f"{self.name}.parquet",)
        return (self.file or self.name,)

    def path(self, folder: str | Path, fmt: Optional[str] = None) -> Path:
        if self.kind == "table":
            if fmt not in FORMATS:
                raise VocError(Errors.E403, fmt=fmt)
            return Path(folder) / f"{self.name}.{fmt}"
        return Path(folder) / self.filenames()[0]

    def find(self, folder: str | Path) -> Optional[Path]:
        for n in self.filenames():
            p = Path(folder) / n
            if p.exists():
                return p
        return None


_J = "voc.journey.run.run_journeys"
_JR = ("voc.report.inputs", "voc.enrich.rows")
_SEQ = ("voc.report.inputs",)
_ENTRIES = [
    Dataset("contacts", "analyze", "table", "voc.schema.CONTACTS + CONTACT_NLP_COLUMNS", "voc.pipeline.outputs.write_tables",
            ("voc.report.inputs", "voc.enrich.rows", "voc.cli.journeys", "voc.cli.topics")),
    Dataset("messages", "analyze", "table", "voc.schema.MESSAGES + MESSAGE_NLP_COLUMNS", "voc.pipeline.outputs.write_tables",
            ("voc.report.inputs",)),
    Dataset("embeddings", "analyze", "parquet", "contact_id, embedding list<float32>, model",
            "voc.pipeline.outputs.write_tables", ("voc.cli.journeys",)),
    Dataset("topics", "analyze", "table", "voc.nlp.topics.analytics.topic_table", "voc.nlp.topics.component.write_outputs",
            ("voc.report.inputs", "voc.cli.topics")),
    Dataset("topics_over_time", "analyze", "table", "voc.nlp.topics.analytics.topics_over_time",
            "voc.nlp.topics.component.write_outputs", ("voc.report.inputs",)),
    Dataset("topic_model", "analyze", "dir", "voc.nlp.topics.model.TopicModel.save", "voc.nlp.topics.component.write_outputs",
            ("voc.nlp.topics.model.TopicModel.load",), file="topic_model"),
    Dataset("rejects", "analyze", "jsonl", "voc.ingest.base.Reject", "voc.pipeline.outputs.write_step_outputs",
            ("voc.report.inputs",), file="rejects.jsonl"),
    Dataset("run", "analyze", "json", "voc.pipeline.record.finish_analyze", "voc.pipeline.record.finish_analyze",
            ("voc.report.inputs",), file="run.json"),
    Dataset("trends", "analyze", "table", "voc.trends.series (dimension, value, period, volume, rates, baselines)",
            "voc.pipeline.trends_step.run_trends_step", ("voc.report.changes", "voc.report.inputs")),
    Dataset("alerts", "analyze", "jsonl", "voc.trends.alerts (dimension, value, metric, observed, expected, ...)",
            "voc.pipeline.trends_step.run_trends_step", ("voc.report.changes", "voc.pipeline.trends_step.summary_block",
                                                         "voc.report.findings_store"),
            file="alerts.jsonl"),
    Dataset("timeline", "journeys", "table", "voc.journey.timeline", _J, ("voc.report.inputs",)),
    Dataset("identity", "journeys", "table", "voc.journey.identity", _J, _JR),
    Dataset("repeat_contacts", "journeys", "table", "voc.journey.repeat", _J, _JR),
    Dataset("repeat_summary", "journeys", "table", "voc.journey.repeat", _J, ("voc.report.inputs",)),
    Dataset("friction", "journeys", "table", "voc.journey.friction", _J, _JR),
    Dataset("journeys", "journeys", "table", "voc.journey.merge.journey_table", _J, ("voc.report.inputs",)),
    Dataset("customers", "journeys", "table", "voc.journey.merge.customer_table", _J, ("voc.report.inputs",)),
    Dataset("transitions", "journeys", "table", "voc.sequences.transitions", _J, _SEQ),
    Dataset("step_times", "journeys", "table", "voc.sequences.step_times", _J, _SEQ),
    Dataset("patterns", "journeys", "table", "voc.sequences.patterns", _J, _SEQ),
    Dataset("funnel", "journeys", "table", "voc.sequences.funnel", _J, _SEQ),
    Dataset("variants", "journeys", "table", "voc.sequences.variants", _J, _SEQ),
    Dataset("outcome_paths", "journeys", "table", "voc.sequences.outcome_paths", _J, _SEQ),
    Dataset("predictions", "journeys", "table", "voc.journey.predict.outcomes", _J, ("voc.report.journey_models",)),
    Dataset("prediction_drivers", "journeys", "table", "voc.journey.predict.outcomes", _J, ("voc.report.journey_models",)),
    Dataset("segments", "journeys", "table", "voc.journey.predict.segments", _J, ("voc.report.journey_models",)),
    Dataset("segment_profiles", "journeys", "table", "voc.journey.predict.segments", _J, ("voc.report.journey_models",)),
    Dataset("anomalies", "journeys", "table", "voc.journey.predict.anomaly", _J, ("voc.report.journey_models",)),
    Dataset("journey_traits", "journeys", "table", "voc.journey.predict.analytics.journey_traits", _J,
            ("voc.enrich.rows.journey_trait_rows",)),
    Dataset("journey_rejects", "journeys", "jsonl", "voc.journey.events rejects", _J, ("voc.report.inputs",),
            file="journey_rejects.jsonl"),
    Dataset("journey_run", "journeys", "json", "voc.journey.run.run_journeys", _J, ("voc.report.inputs",),
            file="journey_run.json"),
    Dataset("report", "report", "html", "voc/report/templates/report.html.j2", "voc.report.html.write_report", (),
            file="report.html"),
]
CATALOG: dict[str, Dataset] = {d.name: d for d in _ENTRIES}
JOURNEY_TABLES = tuple(d.name for d in _ENTRIES if d.stage == "journeys" and d.kind == "table")


def get(name: str) -> Dataset:
    try:
        return CATALOG[name]
    except KeyError:
        raise VocError(Errors.E103, kind="dataset", name=name, available=", ".join(CATALOG)) from None


def path(folder: str | Path, name: str, fmt: Optional[str] = None) -> Path:
    """Where dataset ``name`` goes in ``folder`` (tables need the run's format)."""
    return get(name).path(folder, fmt)


def find(folder: str | Path, name: str) -> Optional[Path]:
    """The file of dataset ``name`` in ``folder`` (either format), or None."""
    return get(name).find(folder)


def stage_of(filename: str) -> Optional[str]:
    """The stage that writes a file of this name, or None when voc never writes such a file."""
    for d in _ENTRIES:
        if filename in d.filenames():
            return d.stage
    return None


def dataset_of(filename: str) -> Optional[str]:
    for d in _ENTRIES:
        if filename in d.filenames():
            return d.name
    return None


def filenames(stages: tuple[str, ...] = STAGES) -> set[str]:
    return {n for d in _ENTRIES if d.stage in stages for n in d.filenames()}
