"""The Spark engine (``--engine spark``): the text pipeline of ``voc analyze`` on Spark, behind the engine
contract (voc.engines.base); the job around it (journeys, figures, trends, report, enrichment) is the
shared orchestration of voc.pipeline.

    start     the Spark session (run.json: engine, master, app id, partitions, output)
    read      files listed on the driver, parsed on the executors by voc's readers (mapInArrow)
    process   the steps cut into stages at each corpus-level step (``needs_fit``); a stage runs per
              partition: its Batches of batch_size contacts through the local engine's loop
              (voc.pipeline.batches.pipe_steps, voc.engines.spark.nlp), models loaded once per Python
              worker. Every corpus-level step is fitted on the DRIVER on the output of the stages before
              it -- on every contact, or on the rows its ``fit_sample`` names (topics: the seeded sample of
              topics.fit_max, the same rows as on the local engine) -- and broadcast to its stage
    write     spark.output 'driver' (default): contacts/messages/embeddings collected and written
              by voc.datasets, files identical to the local engine's; 'spark': written by Spark
              as folders of part files (for outputs larger than the driver's memory)
    journeys  voc.engines.spark.journeys (sequence statistics on Spark SQL + MLlib PrefixSpan)

Trade-off of the topic fit: BERTopic (UMAP + HDBSCAN) is not distributable; the driver holds at most
topics.fit_max contacts for it and the other contacts get their nearest topic centroid on the executors.
"""
from __future__ import annotations

import pickle
import uuid
from pathlib import Path
from typing import Any, Optional, Sequence

import pandas as pd
import pyarrow as pa

from voc import catalog, csvsafe, datasets, registry
from voc.component import Batch, Component
from voc.config import JourneyConfig, VocConfig
from voc.engines.base import Corpus, Engine, Written
from voc.pipeline.outputs import write_tables
from voc.pipeline.progress import Progress, Timer
from voc.schema import CONTACTS

PROBE_CONTACTS = 8


def stages(steps: dict[str, Component]) -> list[list[str]]:
    """The step names cut before every corpus-level step: each stage after the first starts with the step
    fitted on the driver before it runs; the first holds the steps before any fit (may be empty)."""
    out: list[list[str]] = [[]]
    for name, step in steps.items():
        if step.needs_fit:
            out.append([])
        out[-1].append(name)
    return out


def fit_corpus(spark: Any, df: Any, step: Component) -> Batch:
    """The contacts ``step`` is fitted on, collected on the driver in the local engine's order: every row
    of ``df``, or only those at the positions ``step.fit_sample`` names (the same rows as locally)."""
    from voc.engines.spark import nlp

    keep = step.fit_sample(int(df.count()))
    src = df
    if keep is not None:
        wanted = set(int(i) for i in keep)
        rows = (df.select("file_index", "item_index").orderBy("file_index", "item_index").rdd.zipWithIndex()
                .filter(lambda t: t[1] in wanted).map(lambda t: (int(t[0][0]), int(t[0][1]))).collect())
        from pyspark.sql import functions as F

        keys = spark.createDataFrame(rows, "file_index long, item_index long")
        src = df.join(F.broadcast(keys), ["file_index", "item_index"])
    _, corpus = nlp.to_batch(src.orderBy("file_index", "item_index").toArrow())
    return corpus


@registry.engines.register("spark")
class SparkEngine(Engine):
    name = "spark"
    write_timing = "components+write"    # the stages are lazy: the steps run while the outputs are written

    def __init__(self, config: VocConfig) -> None:
        super().__init__(config)
        self.spark: Any = None
        self._cached: list[Any] = []
        self._broadcasts: list[Any] = []
        self._extras: dict[str, Any] = {}

    def start(self, timer: Timer) -> dict[str, Any]:
        from voc.engines.spark.session import get_session

        with timer("session"):
            self.spark = get_session(self.config.spark)
        sc = self.spark.sparkContext
        self.partitions = self.config.spark.partitions or sc.defaultParallelism
        return {"versions": {"pyspark": self.spark.version},
                "spark": {"master": sc.master, "app_id": sc.applicationId, "partitions": self.partitions,
                          "default_parallelism": sc.defaultParallelism, "output": self.config.spark.output}}

    def read(self, input_path: Path, progress: Progress) -> Corpus:
        from voc.engines.spark import ingest

        ing = ingest.read(self.spark, input_path, self.config.ingest, partitions=self.partitions)
        return Corpus(data=ing.records, stats=ing.stats, rejects=ing.rejects)

    def process(self, corpus: Corpus, steps: dict[str, Component], timer: Timer, progress: Progress) -> Any:
        from voc.engines.spark import nlp
        from voc.engines.spark.types import struct_type

        records = corpus.data
        cfg_json = self.config.model_dump_json()
        modules = tuple(sorted({type(s).__module__ for s in steps.values()}))
        with timer("probe"):
            _, probe = nlp.to_batch(records.orderBy("file_index", "item_index").limit(PROBE_CONTACTS).toArrow())
        df = records.repartition(self.partitions)
        for stage in stages(steps):
            if not stage:
                continue
            first = steps[stage[0]]
            fitted = None
            if first.needs_fit:
                df = df.cache()
                self._cached.append(df)
                with timer(stage[0] + "_fit"):
                    fit_on = fit_corpus(self.spark, df, first)
                    fit_on.extras.update(self._extras)
                    first.fit(fit_on)
                    del fit_on
                fitted = self.spark.sparkContext.broadcast(pickle.dumps({stage[0]: first}))
                self._broadcasts.append(fitted)
            with timer("probe"):      # the stage's output schema: the driver runs it on the first few contacts
                probe = nlp.run_steps(probe, {n: steps[n] for n in stage})
                schema = nlp.output_schema(probe)
            self._extras.update(probe.extras)
            spec = nlp.StageSpec(cfg_json, tuple(stage), schema, self.config.batch_size, dict(self._extras),
                                 fitted=fitted, fitted_key=uuid.uuid4().hex if fitted is not None else "",
                                 modules=modules)
            df = df.mapInArrow(nlp.stage_fn(spec), struct_type(schema))
        return df

    def write(self, processed: Any, steps: dict[str, Component], out_dir: Path, fmt: str) -> Written:
        from voc.engines.spark import nlp
        from voc.engines.spark.types import to_pandas

        final_df = processed
        contact_cols = [c for c in final_df.columns if c not in ("file_index", "item_index", "messages", nlp.EMBEDDING)]
        if self.config.spark.output == "spark":
            outputs: dict[str, str] = {}
            final, n_contacts, n_messages = _write_with_spark(final_df, out_dir, fmt, contact_cols, outputs, steps)
            final.extras.update(self._extras)
            return Written(final=final, outputs=outputs, n_contacts=n_contacts, n_messages=n_messages)
        _, final = nlp.to_batch(final_df.orderBy("file_index", "item_index").toArrow())
        final.contacts = to_pandas(pa.Table.from_pandas(final.contacts, preserve_index=False), CONTACTS)
        final.extras.update(self._extras)
        return Written(final=final, outputs=write_tables(final, steps, out_dir, fmt))

    def release(self) -> None:
        for df in self._cached:
            df.unpersist()
        for bc in self._broadcasts:
            bc.unpersist()
        self._cached, self._broadcasts = [], []

    def journeys(self, events: Sequence[Path], contacts: Optional[pd.DataFrame], config: JourneyConfig, out_dir: Path,
                 *, fmt: str, embeddings: Optional[pd.DataFrame], tx: Any) -> Any:
        from voc.engines.spark.journeys import run_journeys_spark

        return run_journeys_spark(self.spark, list(events), contacts, config, out_dir, fmt, embeddings, tx=tx)


def _write_with_spark(final_df: Any, out_dir: Path, fmt: str, contact_cols: list[str], outputs: dict[str, str],
                      steps: dict[str, Any]) -> tuple[Batch, int, int]:
    """spark.output='spark': contacts/messages (and embeddings) written by Spark as folders of part
    files, each atomically (temp folder + rename) on a local or mounted file system; only the
    contact columns come back to the driver (for the topic tables and journeys)."""
    from pyspark.sql import functions as F

    from voc.engines.spark.types import to_pandas

    df = final_df.cache()
    ordered = df.orderBy("file_index", "item_index")
    contacts_df = ordered.select(*contact_cols)
    messages_df = (ordered.select("file_index", "item_index", F.explode("messages").alias("m"))
                   .select("m.*"))
    writes = {"contacts": contacts_df, "messages": messages_df}
    if nlp_embedding_col(df):
        writes["embeddings"] = ordered.select("contact_id", F.col("__embedding").alias("embedding"))
    for name, sdf in writes.items():
        if name == "embeddings" and fmt != "parquet":
            continue
        target = catalog.path(out_dir, name, fmt)
        if fmt == "csv":
            sdf = csvsafe.spark_escape(sdf)          # OWASP CSV-injection escaping, as voc.datasets does
        with datasets.atomic_dir(target, dataset=name) as tmp:
            writer = sdf.write.mode("overwrite")
            (writer.parquet(str(tmp)) if fmt == "parquet" else writer.option("header", True).option("escape", "\"").csv(str(tmp)))
        outputs[name] = str(target)
    contacts = to_pandas(contacts_df.toArrow(), CONTACTS)
    n_messages = int(messages_df.count())
    df.unpersist()
    import pandas as pd

    empty_messages = pd.DataFrame({"contact_id": pd.Series([], dtype=str)})
    return Batch(contacts=contacts, messages=empty_messages), len(contacts), n_messages


def nlp_embedding_col(df: Any) -> bool:
    from voc.engines.spark.nlp import EMBEDDING

    return EMBEDDING in df.columns
