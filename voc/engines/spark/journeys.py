"""Journeys with the Spark engine.

What runs where (documented trade-off): identity resolution, the unified timeline, repeat
contacts, friction and the journey/customer tables run on the driver with ``voc.journey``'s own
functions (DuckDB, which spills to disk; these need every contact of a customer together and
are linear in the data). The sequence statistics that dominate on large event logs --
transitions, step times and frequent patterns -- run on Spark: the timeline becomes the temp
view ``timeline`` and the SAME SQL files as DuckDB run on Spark SQL, patterns with MLlib
PrefixSpan. Funnel, variants, outcome paths and per-journey features stay on DuckDB.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Sequence

import pandas as pd

from voc import datasets
from voc.config import JourneyConfig
from voc.errors import Errors, VocError


def run_journeys_spark(spark: Any, events_paths: Sequence[Path], contacts: pd.DataFrame | None, config: JourneyConfig,
                       out_dir: Path, fmt: str = "parquet", embeddings: pd.DataFrame | None = None) -> Any:
    """As ``voc.journey.run.run_journeys`` (same tables, same files), the sequence statistics on Spark."""
    from voc.journey import sqlrun
    from voc.journey.events import read_events
    from voc.journey.friction import compute_friction
    from voc.journey.identity import IdentityResult, read_identity_map, resolve
    from voc.journey.merge import customer_table, journey_table, merge_features
    from voc.journey.repeat import compute_repeats
    from voc.journey.run import IDENTITY_COLUMNS, JourneyResult, check_contacts
    from voc.journey.timeline import build_timeline, timeline_frame
    from voc.sequences import funnel, journey_features, outcome_paths, prepare, variants

    from voc.engines.spark.sequences import SparkTimeline, sequence_tables

    datasets.table_path(out_dir, "timeline", fmt)
    t0 = time.perf_counter()
    log = read_events(list(events_paths), config)
    timings: dict[str, float] = {"read_events_s": round(time.perf_counter() - t0, 3)}
    if not len(log.events) and (contacts is None or not len(contacts)):
        raise VocError(Errors.E307, files=", ".join(str(p) for p in events_paths) or "(no event files)",
                       n_rejects=len(log.rejects))
    t = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal t
        now = time.perf_counter()
        timings[name] = round(now - t, 3)
        t = now

    if contacts is not None:
        check_contacts(contacts)
    imap = read_identity_map(config.identity_map) if config.identity_map else None
    if contacts is not None and len(contacts):
        ident = resolve(contacts, config, imap)
    else:
        ident = IdentityResult(pd.DataFrame({c: pd.Series([], dtype=object) for c in IDENTITY_COLUMNS}),
                               {"contacts": 0, "matched": 0, "unmatched": 0, "match_rate": None})
    lap("identity_s")
    con = sqlrun.connect()
    try:
        build_timeline(con, log.events, contacts, ident.identity, config, case_based=log.case_based)
        timeline = timeline_frame(con)
        data_end_s = con.sql("SELECT MAX(ts_s) FROM tl").fetchall()[0][0] or 0.0
        lap("timeline_s")
        rc, summary = compute_repeats(con, config, embeddings, data_end_s=data_end_s)
        lap("repeat_s")
        fr = compute_friction(con, config, data_end_s=data_end_s)
        lap("friction_s")
        jn = journey_table(con)
        customers = customer_table(con)
        lap("merge_s")
    finally:
        con.close()

    stl = SparkTimeline.register(spark, timeline, config)
    seq_tables = sequence_tables(stl)
    lap("spark_sequences_s")
    with prepare(timeline, config) as tl:
        seq_tables.update({"funnel": funnel(tl, config), "variants": variants(tl, config),
                           "outcome_paths": outcome_paths(tl, config)})
        features = journey_features(tl, config)
    lap("sequences_s")
    journeys = merge_features(jn, features)
    tables = {"timeline": timeline, "identity": ident.identity, "repeat_contacts": rc, "repeat_summary": summary,
              "friction": fr, "journeys": journeys, "customers": customers, **seq_tables}
    counts = {
        **log.counts,
        "event_files": log.files,
        "case_based": log.case_based,
        "journeys": int(len(journeys)),
        "customers": int(len(customers)),
        "timeline_rows": int(len(timeline)),
        "contacts": ident.stats.get("contacts", 0),
        "contacts_matched": ident.stats.get("matched", 0),
        "contacts_unmatched": ident.stats.get("unmatched", 0),
        "match_rate": ident.stats.get("match_rate"),
        "identity": ident.stats,
        "repeat_contacts": int(rc["is_repeat"].fillna(False).astype(bool).sum()) if len(rc) else 0,
        "frictions": {k: int(v) for k, v in fr["kind"].value_counts().items()} if len(fr) else {},
    }
    result = JourneyResult(tables, counts, timings, rejects=[r.as_dict() for r in log.rejects])
    t = time.perf_counter()
    for name, df in result.tables.items():
        result.paths[name] = datasets.write_table(df, datasets.table_path(out_dir, name, fmt), dataset=name, fmt=fmt)
    result.paths["journey_rejects"] = datasets.write_jsonl(result.rejects, Path(out_dir) / "journey_rejects.jsonl",
                                                           dataset="journey_rejects")
    result.timings["write_s"] = round(time.perf_counter() - t, 3)
    result.timings["total_s"] = round(time.perf_counter() - t0, 3)
    run_info = {"engine": "spark", "counts": result.counts, "timings": result.timings,
                "config": config.model_dump(mode="json"), "spark_tables": ["transitions", "step_times", "patterns"],
                "outputs": {k: str(v) for k, v in result.paths.items()}}
    result.paths["journey_run"] = datasets.write_json(run_info, Path(out_dir) / "journey_run.json", dataset="journey_run")
    return result
