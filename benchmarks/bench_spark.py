"""Spark engine (local mode) vs the single-machine engine, wall time side by side.

1. analyze: --contacts tickets with unique ids (Banking77 queries, benchmarks/inputs.py) over one
   file per 250 tickets, with the cheap pipeline (redact) or --pipeline default.
2. sequences: transitions, step_times and patterns of the BPI Challenge 2012 event log
   (../shared/data/bpic2012_eventlog) on DuckDB (voc.sequences) vs Spark SQL + MLlib PrefixSpan.

    .venv/bin/python benchmarks/bench_spark.py --contacts 5000 --master 'local[2]'
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("VOC_SHARED_DATA", ROOT.parent / "shared" / "data"))
BPIC = SHARED / "bpic2012_eventlog" / "bpic2012_events.csv.gz"


def bench_analyze(args, work: Path) -> None:  # noqa: ANN001
    from voc.config import load
    from voc.engines.spark import run_spark
    from voc.engines.spark.session import get_session
    from voc.pipeline.run import run_all

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from inputs import make_tickets

    data = work / "in"
    make_tickets(args.contacts, data, files=max(1, args.contacts // 250))
    over = {"report.html": False, "spark.master": args.master}
    if args.pipeline == "cheap":
        over["pipeline"] = ["redact"]
    cfg = load(None, over)
    t = time.perf_counter()
    get_session(cfg.spark)
    session_s = time.perf_counter() - t
    t = time.perf_counter()
    lo = run_all(data, work / "local", cfg)
    local_s = time.perf_counter() - t
    t = time.perf_counter()
    sp = run_spark(data, work / "spark", cfg)
    spark_s = time.perf_counter() - t
    n = lo.analyze.run["counts"]["contacts_out"]
    assert n == sp.analyze.run["counts"]["contacts_out"]
    print(f"analyze ({args.pipeline}, {n} contacts in {max(1, args.contacts // 250)} files): local {local_s:.1f} s | "
          f"spark {args.master} {spark_s:.1f} s (+ session start {session_s:.1f} s)")
    print("  spark timings:", sp.analyze.run["timings_s"])


def bench_sequences(args, work: Path) -> None:  # noqa: ANN001
    import duckdb

    from voc.config import load
    from voc.engines.spark.sequences import SparkTimeline, patterns, step_times, transitions
    from voc.engines.spark.session import get_session
    from voc.sequences import patterns as d_patterns
    from voc.sequences import step_times as d_step_times
    from voc.sequences import transitions as d_transitions
    from voc.sequences.engine import prepare

    if not BPIC.exists():
        print(f"sequences: skipped, {BPIC} is absent")
        return
    tl_path = work / "bpic.parquet"
    duckdb.sql(f"""COPY (SELECT CAST(case_id AS VARCHAR) AS journey_id, CAST("time:timestamp" AS TIMESTAMPTZ) AS ts,
                       CAST(row_number() OVER () - 1 AS BIGINT) AS seq, "concept:name" AS event
                FROM read_csv('{BPIC}', header = true, all_varchar = true)) TO '{tl_path}' (FORMAT parquet)""")
    cfg = load(None, {"journey.min_support": args.min_support, "journey.max_pattern_length": 4,
                      "spark.master": args.master})
    con = duckdb.connect()
    t = time.perf_counter()
    with prepare(con.read_parquet(str(tl_path)), cfg.journey, con) as tl:
        d = {"transitions": d_transitions(tl, cfg.journey), "step_times": d_step_times(tl, cfg.journey),
             "patterns": d_patterns(tl, cfg.journey)}
    duck_s = time.perf_counter() - t
    spark = get_session(cfg.spark)
    t = time.perf_counter()
    stl = SparkTimeline.register(spark, spark.read.parquet(str(tl_path)), cfg.journey)
    s = {"transitions": transitions(stl), "step_times": step_times(stl), "patterns": patterns(stl)}
    spark_s = time.perf_counter() - t
    rows = {k: (len(d[k]), len(s[k])) for k in d}
    print(f"sequences BPIC 2012 ({stl.n_rows} events, min_support {args.min_support}): duckdb {duck_s:.1f} s | "
          f"spark {args.master} {spark_s:.1f} s; rows duckdb/spark {rows}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--contacts", type=int, default=5000, help="tickets (unique ids) in the analyze input")
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--pipeline", choices=["cheap", "default"], default="cheap")
    ap.add_argument("--min-support", type=float, default=0.05)
    ap.add_argument("--skip", choices=["analyze", "sequences"], default=None)
    args = ap.parse_args()
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    with tempfile.TemporaryDirectory(prefix="voc_bench_spark_") as tmp:
        work = Path(tmp)
        if args.skip != "analyze":
            bench_analyze(args, work)
        if args.skip != "sequences":
            bench_sequences(args, work)


if __name__ == "__main__":
    main()
