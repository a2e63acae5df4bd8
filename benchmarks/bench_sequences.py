"""Sequence statistics at scale: voc (DuckDB) vs pm4py on the same events, in one run.

    .venv/bin/python benchmarks/bench_sequences.py [--events 10000000] [--skip-large] [--workdir DIR]

Data: BPI Challenge 2012 (../shared/data/bpic2012_eventlog/bpic2012_events.csv.gz, 262,200
events, 13,087 cases) and a ~10-million-event timeline made from it by replicating every case
with a new id and times shifted by 7 days per copy (whole cases, so the result has at least
--events events). Both are written once to Parquet under --workdir.

Each measurement runs in its own child process (fresh interpreter) and reports wall time, CPU
time (user + system of the child, all its threads: steadier than wall time on a shared machine)
and peak RSS (VmHWM of that child from /proc/self/status: imports included). voc_all also prints
its per-step timings (prepare, then each metric: compute_all's attrs['timings_s']).
compute_all runs with max_patterns=None (every pattern at min_support, the full MLlib output), so
the work is the same as before the cap existed; the default cap (journey.max_patterns) only ever
makes it smaller.
voc reads the Parquet file through DuckDB (nothing is loaded into pandas); pm4py needs a pandas
DataFrame, so its rows include reading the Parquet file into pandas (load time printed apart).

pm4py (AGPL-3.0) is only used here, never by voc. If it is absent the comparison is skipped:
    pip install pm4py            # into this venv (it changes neither torch nor pandas), or
    python -m venv /work/bench-venv && /work/bench-venv/bin/pip install pm4py duckdb pandas pyarrow
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("VOC_SHARED_DATA", ROOT.parent / "shared" / "data"))
BPIC = SHARED / "bpic2012_eventlog" / "bpic2012_events.csv.gz"


# ---------------------------------------------------------------------------- data
def make_data(workdir: Path, events: int) -> tuple[Path, Path]:
    import duckdb

    workdir.mkdir(parents=True, exist_ok=True)
    small, large = workdir / "bpic2012_timeline.parquet", workdir / f"bpic2012_x{events}.parquet"
    con = duckdb.connect()
    con.execute("SET threads = 2")
    if not small.exists():
        con.execute(f"""
            COPY (SELECT CAST(case_id AS VARCHAR) AS journey_id,
                         CAST("time:timestamp" AS TIMESTAMPTZ) AS ts,
                         CAST(row_number() OVER () - 1 AS BIGINT) AS seq,
                         "concept:name" AS event
                  FROM read_csv('{BPIC}', header = true, all_varchar = true))
            TO '{small}' (FORMAT parquet)""")
    n = con.sql(f"SELECT COUNT(*) FROM '{small}'").fetchall()[0][0]
    copies = -(-events // n)
    if not large.exists():
        con.execute(f"""
            COPY (SELECT journey_id || '_' || CAST(c AS VARCHAR) AS journey_id,
                         ts + to_days(CAST(7 * c AS INTEGER)) AS ts,
                         seq + c * {n} AS seq, event
                  FROM '{small}', range({copies}) r(c))
            TO '{large}' (FORMAT parquet, ROW_GROUP_SIZE 1000000)""")
    return small, large


# ---------------------------------------------------------------------------- children
def child(task: str, path: str) -> dict:
    t0 = time.perf_counter()
    out: dict = {}
    if task.startswith("voc"):
        from voc.config import JourneyConfig
        from voc.sequences import compute_all, connect, transitions, variants

        cfg = JourneyConfig(min_support=0.05, max_pattern_length=4, max_patterns=None,
                            outcomes={"approved": ["A_APPROVED"], "declined": ["A_DECLINED"], "cancelled": ["A_CANCELLED"]},
                            funnel=["A_SUBMITTED", "A_PREACCEPTED", "A_ACCEPTED", "A_FINALIZED", "A_APPROVED"])
        con = connect(cfg)
        rel = con.read_parquet(path)
        t1 = time.perf_counter()
        if task == "voc_dfg":
            df = transitions(rel, cfg, con)
            out["dfg"] = {f"{a}\t{b}": int(c) for a, b, c in zip(df.from_step, df.to_step, df["count"])}
        elif task == "voc_variants":
            df = variants(rel, cfg, con)
            out["n_variants"] = int((df["rank"] > 0).sum())
            out["top_variant_journeys"] = df["journeys"].head(5).astype(int).tolist()
        elif task == "voc_all":
            res = compute_all(rel, cfg, con)
            out["rows"] = {k: len(v) for k, v in res.items()}
            out["steps_s"] = res["transitions"].attrs.get("timings_s", {})
        out["op_s"] = time.perf_counter() - t1
    elif task.startswith("pm4py"):
        import pandas as pd
        import pm4py

        df = pd.read_parquet(path)
        df = pm4py.format_dataframe(df, case_id="journey_id", activity_key="event", timestamp_key="ts")
        t1 = time.perf_counter()
        out["load_s"] = t1 - t0
        if task == "pm4py_dfg":
            dfg, start, end = pm4py.discover_dfg(df)
            d = {f"{a}\t{b}": int(c) for (a, b), c in dfg.items()}
            d.update({f"(start)\t{a}": int(c) for a, c in start.items()})
            d.update({f"{a}\t(end)": int(c) for a, c in end.items()})
            out["dfg"] = d
        elif task == "pm4py_variants":
            v = pm4py.get_variants(df)
            counts = sorted((c if isinstance(c, int) else len(c) for c in v.values()), reverse=True)
            out["n_variants"] = len(v)
            out["top_variant_journeys"] = counts[:5]
        out["op_s"] = time.perf_counter() - t1
    out["wall_s"] = time.perf_counter() - t0
    r = resource.getrusage(resource.RUSAGE_SELF)
    out["cpu_s"] = r.ru_utime + r.ru_stime
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def peak_rss_mb() -> float:
    """High-water mark of this process's resident memory. VmHWM (not ru_maxrss: on Linux that one
    survives execve, so a child would report its parent's peak)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(task: str, path: Path, timeout: int = 3600) -> dict:
    t0 = time.perf_counter()
    p = subprocess.run([sys.executable, __file__, "--child", task, str(path)], capture_output=True, text=True,
                       timeout=timeout, cwd=ROOT)
    total = time.perf_counter() - t0
    if p.returncode != 0:
        return {"error": (p.stderr.strip().splitlines() or ["exit %d" % p.returncode])[-1], "process_s": total}
    res = json.loads(p.stdout.strip().splitlines()[-1])
    res["process_s"] = total
    return res


def have_pm4py() -> bool:
    return subprocess.run([sys.executable, "-c", "import pm4py"], capture_output=True).returncode == 0


def row(name: str, r: dict) -> str:
    if "error" in r:
        return f"  {name:<16} FAILED: {r['error']}"
    load = f"{r['load_s']:7.1f}" if "load_s" in r else "      -"
    return (f"  {name:<16} {r['op_s']:9.2f} {load} {r['process_s']:9.1f} {r.get('cpu_s', float('nan')):8.1f} "
            f"{r['peak_rss_mb']:10.0f}")


def run(args) -> None:
    import platform

    import duckdb

    small, large = make_data(Path(args.workdir), args.events)
    pm = have_pm4py()
    print(f"machine: {os.cpu_count()} cores, python {platform.python_version()}, duckdb {duckdb.__version__}, "
          f"load average at start {os.getloadavg()[0]:.1f} (figures are wall times: other load inflates them)")
    if not pm:
        print("pm4py is not installed: comparison skipped (pip install pm4py, or see this file's docstring).")
    sets = [("BPIC 2012", small)] + ([] if args.skip_large else [("BPIC 2012 scaled", large)])
    for label, path in sets:
        n = duckdb.sql(f"SELECT COUNT(*), COUNT(DISTINCT journey_id) FROM '{path}'").fetchall()[0]
        print(f"\n== {label}: {n[0]:,} events, {n[1]:,} journeys ({path.name})")
        print(f"  {'measurement':<16} {'op_s':>9} {'load_s':>7} {'process_s':>9} {'cpu_s':>8} {'peak_rss_mb':>10}")
        res = {}
        tasks = ["voc_dfg", "voc_variants", "voc_all"] + (["pm4py_dfg", "pm4py_variants"] if pm else [])
        for t in tasks:
            res[t] = measure(t, path)
            print(row(t, res[t]), flush=True)
        if pm and "dfg" in res.get("pm4py_dfg", {}) and "dfg" in res.get("voc_dfg", {}):
            same = res["voc_dfg"]["dfg"] == res["pm4py_dfg"]["dfg"]
            print(f"  check: voc transitions == pm4py discover_dfg (+ start/end activities): {same} "
                  f"({len(res['voc_dfg']['dfg'])} edges)")
            if not same:
                a, b = res["voc_dfg"]["dfg"], res["pm4py_dfg"]["dfg"]
                diff = [(k, a.get(k), b.get(k)) for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]
                print("  differences (edge, voc, pm4py):", diff[:10])
        if pm and "n_variants" in res.get("pm4py_variants", {}) and "n_variants" in res.get("voc_variants", {}):
            v, p = res["voc_variants"], res["pm4py_variants"]
            print(f"  check: variants voc {v['n_variants']} / pm4py {p['n_variants']}, top journeys "
                  f"{v['top_variant_journeys']} / {p['top_variant_journeys']}: "
                  f"{v['n_variants'] == p['n_variants'] and v['top_variant_journeys'] == p['top_variant_journeys']}")
        if "rows" in res.get("voc_all", {}):
            print("  voc compute_all rows:", res["voc_all"]["rows"])
            print("  voc compute_all steps (s):", res["voc_all"].get("steps_s"))
        print(f"  load average now {os.getloadavg()[0]:.1f}")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        print(json.dumps(child(sys.argv[2], sys.argv[3])))
        return
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--events", type=int, default=10_000_000)
    ap.add_argument("--skip-large", action="store_true")
    ap.add_argument("--workdir", default=os.environ.get("VOC_BENCH_DIR", "/tmp/voc_bench_sequences"))
    run(ap.parse_args())


if __name__ == "__main__":
    main()
