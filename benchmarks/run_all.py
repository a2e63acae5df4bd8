"""`make bench`: the quick benchmarks in sequence, each printing its own figures, then a summary.

    .venv/bin/python benchmarks/run_all.py [--only bench_redact,bench_enrich] [--timeout 900] [--list]

Each benchmark runs as a child process (its own imports and model loads, as a user would run it)
with sizes chosen to take minutes, not hours, on a small CPU machine; the figures documented in
docs/benchmarks.md come from the larger sizes given there. A benchmark whose public data
(../shared/data, or $VOC_SHARED_DATA) is absent is skipped with the missing file named; one that
fails or runs past --timeout is reported and the others still run. Exit status 1 when any failed.

Left out here (long or needing more than a CPU laptop; run them by hand, see docs/benchmarks.md):
bench_ingest_memory (200,000 tickets), bench_journeys_command and bench_sequences' large log
(10 million events), bench_spark (a local Spark cluster), bench_intent_finetune (encoder
fine-tuning), bench_precision (int8 ONNX export), bench_prediction_bpic2012 and the eval_* scripts.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("VOC_SHARED_DATA", ROOT.parent / "shared" / "data"))


@dataclass
class Bench:
    script: str
    args: list[str] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)    # files under the shared data folder

    @property
    def name(self) -> str:
        return self.script.removesuffix(".py")


QUICK = [
    Bench("bench_analyze.py", ["--n", "1000"]),       # Banking77 queries when present, else built-in sentences
    Bench("bench_redact.py", ["--n", "1000"], ["banking77/train.csv"]),
    Bench("bench_pii.py"),                            # benchmarks/data/pii_benchmark.jsonl, shipped
    Bench("bench_intent_embed.py", ["--n", "1000"], ["banking77/train.csv"]),
    Bench("bench_intent_zero_shot.py", [], ["banking77/train.csv", "clinc150/train_val.json"]),
    Bench("bench_sentiment.py", ["--n", "1000", "--contacts", "200"], ["tweeteval_sentiment/val_text.txt"]),
    Bench("bench_topics.py", ["--n", "3000"], ["banking77/train.csv"]),
    Bench("bench_enrich.py", ["--contacts", "20000", "--customers", "5000", "--days", "180"]),
    Bench("bench_sequences.py", ["--skip-large"], ["bpic2012_eventlog/bpic2012_events.csv.gz"]),
    Bench("bench_friction.py", [], ["helpdesk_eventlog/helpdesk_events.csv", "bpic2012_eventlog/bpic2012_events.csv.gz"]),
    Bench("bench_trends.py", ["--data", "banking77", "--reps", "5"], ["banking77/train.csv"]),
]


def run(bench: Bench, timeout: float) -> tuple[str, float]:
    missing = [n for n in bench.needs if not (SHARED / n).exists()]
    if missing:
        status = f"skipped: {SHARED / missing[0]} is absent"
        print(f"\n== {bench.name}: {status}", flush=True)
        return status, 0.0
    cmd = [sys.executable, str(ROOT / "benchmarks" / bench.script), *bench.args]
    print(f"\n== {bench.name} {' '.join(bench.args)}".rstrip(), flush=True)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
           "VOC_SHARED_DATA": str(SHARED)}
    t0 = time.perf_counter()
    try:
        rc = subprocess.run(cmd, cwd=ROOT, env=env, timeout=timeout).returncode
    except subprocess.TimeoutExpired:
        return f"failed: still running after {timeout:.0f} s", time.perf_counter() - t0
    return ("ok" if rc == 0 else f"failed: exit status {rc}"), time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", default=None, help="comma-separated benchmark names (e.g. bench_redact,bench_enrich)")
    ap.add_argument("--timeout", type=float, default=1800, help="seconds one benchmark may run")
    ap.add_argument("--list", action="store_true", help="print the benchmarks and their arguments, run nothing")
    a = ap.parse_args(argv)
    benches = QUICK
    if a.only:
        wanted = [w.strip().removesuffix(".py") for w in a.only.split(",") if w.strip()]
        unknown = [w for w in wanted if w not in {b.name for b in QUICK}]
        if unknown:
            ap.error(f"unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(b.name for b in QUICK)}")
        benches = [b for b in QUICK if b.name in wanted]
    if a.list:
        for b in benches:
            print(f"{b.name} {' '.join(b.args)}".rstrip() + (f"   (needs {', '.join(b.needs)})" if b.needs else ""))
        return 0
    results = [(b, *run(b, a.timeout)) for b in benches]
    print("\n== summary")
    for b, status, secs in results:
        print(f"{b.name:<28} {status:<60} {secs:8.1f} s")
    return 1 if any(status.startswith("failed") for _, status, _ in results) else 0


if __name__ == "__main__":
    sys.exit(main())
