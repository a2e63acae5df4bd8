"""``run_spark``: the whole batch job of ``voc analyze`` (+ journeys, enrichment, report) on Spark.

    ingest    files listed on the driver, parsed on the executors by voc's readers (mapInArrow)
    stage 1   the per-contact steps (redact, embed, intent, sentiment) per partition, models
              loaded once per Python worker (voc.engines.spark.nlp)
    fit       the corpus-level step (topics) fitted on the DRIVER on every contact (or a random
              sample of spark.topics_fit_max when larger), broadcast to the executors
    stage 2   the fitted step and those after it, per partition
    outputs   spark.output 'driver' (default): contacts/messages/embeddings collected and written
              by voc.datasets, files identical to the local engine's; 'spark': written by Spark
              as folders of part files (for outputs larger than the driver's memory)
    journeys  voc.engines.spark.journeys (sequence statistics on Spark SQL + MLlib PrefixSpan)

Trade-off of the topic fit: BERTopic (UMAP + HDBSCAN) is not distributable; fitting on the
driver on all contacts gives exactly the local engine's topics; above topics_fit_max a sample
keeps the driver's memory bounded and the other contacts get their nearest topic centroid.
"""
from __future__ import annotations

import functools
import pickle
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pyarrow as pa

from voc import catalog, csvsafe, datasets
from voc.component import Batch
from voc.config import VocConfig
from voc.errors import Errors, VocError
from voc.schema import CONTACTS

PROBE_CONTACTS = 8


def _split_steps(steps: dict[str, Any]) -> tuple[list[str], list[str]]:
    names = list(steps)
    for i, n in enumerate(names):
        if getattr(steps[n], "needs_fit", False):
            return names[:i], names[i:]
    return names, []


def run_spark(input_path: str | Path, out_dir: str | Path, config: VocConfig, *, fmt: str = "parquet",
              events: list[Path] | None = None, tx: Any = None) -> Any:
    """Run voc on Spark and write the same outputs as the local engine into ``out_dir``;
    returns ``voc.pipeline.run.RunResult`` (run.json says engine: spark). Outputs are built in the
    staging folder of ``tx`` (voc.outfolder.Transaction); without one, ``run_all`` opens it."""
    if tx is None:
        from voc.pipeline.run import run_all

        return run_all(input_path, out_dir, config, fmt=fmt, events=events, engine="spark")

    from voc.engines.spark import ingest, nlp
    from voc.engines.spark.session import get_session
    from voc.engines.spark.types import struct_type, to_pandas
    from voc.pipeline import components as comp_registry
    from voc.pipeline.analyze import (
        Timer,
        fail_nothing_read,
        finish_analyze,
        redaction_status,
        versions,
        write_step_outputs,
        write_tables,
    )
    from voc.pipeline.run import RunResult, finish_run
    from voc.redact.guard import redact_records

    out_dir = tx.staging
    if fmt not in datasets.FORMATS:
        raise VocError(Errors.E403, fmt=fmt)
    started = datetime.now(timezone.utc)
    timer = Timer()
    with timer("session"):
        spark = get_session(config.spark)
    sc = spark.sparkContext
    partitions = config.spark.partitions or sc.defaultParallelism

    with timer("read"):
        ing = ingest.read(spark, input_path, config.ingest, partitions=partitions)
    stats, rejects = ing.stats, redact_records(ing.rejects, config.redact)   # rejects quote raw input
    run: dict[str, Any] = {
        "engine": "spark",
        "started_at": started.isoformat(),
        "input": str(input_path),
        "versions": {**versions(), "pyspark": spark.version},
        "config": config.model_dump(mode="json"),
        "redaction": redaction_status(config),
        "spark": {"master": sc.master, "app_id": sc.applicationId, "partitions": partitions,
                  "default_parallelism": sc.defaultParallelism, "output": config.spark.output},
    }
    if stats.records_read == 0:
        raise fail_nothing_read(run, stats, rejects, Path(input_path), tx)

    names = tuple(comp_registry.resolve_steps(config))
    cfg_json = config.model_dump_json()
    steps = nlp.cached_steps(cfg_json, names)          # the driver's instances (probe, fit, info)
    pre, post = _split_steps(steps)
    records = ing.records.repartition(partitions)

    with timer("probe"):
        probe_keys, probe = nlp.to_batch(ing.records.orderBy("file_index", "item_index").limit(PROBE_CONTACTS).toArrow())
        probe = nlp.run_steps(probe, {n: steps[n] for n in pre})
        schema1 = nlp.output_schema(probe)
        extras = dict(probe.extras)
    spec1 = nlp.StageSpec(cfg_json, tuple(pre), schema1, config.spark.batch_size, extras)
    enriched = records.mapInArrow(nlp.stage_fn(spec1), struct_type(schema1)) if pre else records
    fitted_bc = None
    if post:
        enriched = enriched.cache()
        fit_name = post[0]
        with timer(fit_name + "_fit"):
            n = enriched.count()
            src = enriched
            if n > config.spark.topics_fit_max:
                src = enriched.sample(fraction=min(1.0, 1.1 * config.spark.topics_fit_max / n),
                                      seed=config.topics.seed).limit(config.spark.topics_fit_max)
            _, corpus = nlp.to_batch(src.orderBy("file_index", "item_index").toArrow())
            corpus.extras.update(extras)
            steps[fit_name].fit(corpus)
            fitted_bc = sc.broadcast(pickle.dumps({fit_name: steps[fit_name]}))
            probe2 = nlp.run_steps(probe, {n: steps[n] for n in post})
            schema2 = nlp.output_schema(probe2)
        spec2 = nlp.StageSpec(cfg_json, tuple(post), schema2, config.spark.batch_size, extras, fitted=fitted_bc,
                                fitted_key=uuid.uuid4().hex)
        final_df = enriched.mapInArrow(nlp.stage_fn(spec2), struct_type(schema2))
    else:
        final_df = enriched

    outputs: dict[str, str] = {}
    contact_cols = [c for c in final_df.columns if c not in ("file_index", "item_index", "messages", nlp.EMBEDDING)]
    with timer("components+write"):
        if config.spark.output == "spark":
            final, n_contacts, n_messages = _write_with_spark(final_df, out_dir, fmt, contact_cols, outputs, steps)
        else:
            table = final_df.orderBy("file_index", "item_index").toArrow()
            _, final = nlp.to_batch(table)
            final.contacts = to_pandas(pa.Table.from_pandas(final.contacts, preserve_index=False), CONTACTS)
            final.extras.update(extras)
            outputs.update(write_tables(final, steps, out_dir, fmt))
            n_contacts, n_messages = len(final.contacts), len(final.messages)
        outputs.update(write_step_outputs(final, steps, rejects, out_dir, fmt))
    if post:
        enriched.unpersist()
    if fitted_bc is not None:
        fitted_bc.unpersist()

    analyzed = finish_analyze(run, final, steps, rejects, stats, outputs, timer, out_dir, n_contacts, n_messages, tx=tx)
    from voc.engines.spark.journeys import run_journeys_spark

    return finish_run(RunResult(out_dir=tx.folder, analyze=analyzed), config, fmt=fmt, events=events or [], tx=tx,
                      run_journeys=functools.partial(run_journeys_spark, spark))


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
