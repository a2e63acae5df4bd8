"""The WHOLE `voc journeys` command at scale: wall time and peak memory of `python -m voc journeys ...`
run as a child process, on BPIC 2012 and on BPIC 2012 scaled to ~10 million events, with and
without synthetic contacts joined.

    nice -n 10 .venv/bin/python benchmarks/bench_journeys_command.py [--events 10000000]
        [--contacts-large 1000000] [--skip-large] [--no-large-contacts] [--only small|large]
        [--voc-root DIR] [--workdir DIR] [--compare-python /path/to/other/venv/bin/python]

Each measurement: this script starts a small launcher process (``--launch``) which runs the command
as ITS child and reports wall time and ``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss`` -- the peak
resident memory of the command (all of it: interpreter, imports, DuckDB). ``--voc-root`` runs another
checkout of voc (e.g. main before this change) for before/after figures.

Data (built once under --workdir, see benchmarks/bench_sequences.py): BPIC 2012 as published
(bpic2012_events.csv.gz, 262,200 events, 13,087 cases: the command reads the gzipped CSV itself) and
the scaled Parquet log (every case copied with a new id, times shifted 7 days per copy), read with
--case-col journey_id --timestamp-col ts --event-col event. Contacts: a Parquet contacts table
(contact_id, customer_id = a case of the log, created_at inside that case's time span, channel,
intent, sentiment, sentiment_score), so every contact joins a journey.

pm4py (AGPL-3.0) and retentioneering are never imported by voc, and are not installed in voc's own
environment: ``--compare-python`` names the interpreter of a separate virtual environment that has
them (``python3 -m venv /work/bench-venv && /work/bench-venv/bin/pip install pm4py==2.7.23.11``).
The script then also times, in the same way, pm4py's closest equivalent of the command (read the
same Parquet log into pandas, directly-follows graph, variants, per-case durations) and, when
retentioneering imports there, its Eventstream + transition graph matrix. A library that is absent
is skipped with a line that says so. The machine is shared: the 1-minute load average
(/proc/loadavg) before and after each run is printed with every figure.
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
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_sequences import BPIC, make_data  # noqa: E402


def _rss_mb(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) // 1024
    except (OSError, ValueError):
        return None
    return None


def launch(argv: list[str], env_root: str) -> None:
    """Launcher: run ``argv`` as a child, print wall time and the child's peak RSS as JSON. With
    VOC_BENCH_RSS_EVERY (seconds), the child's resident memory is also sampled at that interval:
    ``rss`` lists [epoch seconds, MB] pairs (Linux /proc)."""
    import threading

    env = dict(os.environ, PYTHONPATH=env_root)
    every = float(os.environ.get("VOC_BENCH_RSS_EVERY", "0") or 0)
    samples: list[list[float]] = []
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, env=env, cwd=env_root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def sample() -> None:
        while p.poll() is None:
            mb = _rss_mb(p.pid)
            if mb is not None:
                samples.append([round(time.time(), 2), mb])
            time.sleep(every)

    if every > 0:
        threading.Thread(target=sample, daemon=True).start()
    try:   # the launcher stops its own child: a command past the limit leaves no orphan behind
        out, _ = p.communicate(timeout=float(os.environ.get("VOC_BENCH_TIMEOUT", "3600")))
    except subprocess.TimeoutExpired as e:
        p.kill()
        p.communicate()
        ru = resource.getrusage(resource.RUSAGE_CHILDREN)
        print(json.dumps({"rc": "timeout", "wall_s": round(time.perf_counter() - t0, 2),
                          "peak_rss_mb": round(ru.ru_maxrss / 1024),
                          "tail": f"stopped after {e.timeout:.0f} s", "rss": samples}))
        return
    wall = time.perf_counter() - t0
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({"rc": p.returncode, "wall_s": round(wall, 2), "cpu_s": round(ru.ru_utime + ru.ru_stime, 1),
                      "peak_rss_mb": round(ru.ru_maxrss / 1024), "tail": (out or "")[-600:], "rss": samples}))


def rss_by_step(samples: list[list[float]], out: Path) -> list[tuple[str, int]]:
    """The highest sampled RSS within each step of ``journey_run.json``'s timings (in the order they
    ran), plus 'start' (interpreter, imports, reading the contacts) and 'after' (the metrics and the
    HTML report). The steps are placed in time from the modification time of ``timeline.parquet``,
    written by DuckDB at the end of the step 'timeline_write' (journey_run.json is written again
    later, so its own time is used only without a Parquet timeline)."""
    try:
        timings = json.loads((out / "journey_run.json").read_text()).get("timings") or {}
    except (OSError, ValueError):
        return []
    steps = [(k, float(v)) for k, v in timings.items() if k != "total_s"]
    names = [k for k, _ in steps]
    try:
        anchor, upto = (out / "timeline.parquet").stat().st_mtime, names.index("timeline_write_s") + 1
    except (OSError, ValueError):
        try:
            anchor, upto = (out / "journey_run.json").stat().st_mtime, len(steps)
        except OSError:
            return []
    t = anchor - sum(v for _, v in steps[:upto])
    bounds = [("start", t)]
    for k, v in steps:
        t += v
        bounds.append((k.removesuffix("_s"), t))
    bounds.append(("after (metrics, report)", float("inf")))
    peaks: dict[str, int] = {}
    for ts, mb in samples:
        name = next(n for n, b in bounds if ts <= b)
        peaks[name] = max(peaks.get(name, 0), int(mb))
    return [(n, peaks[n]) for n, _ in bounds if n in peaks]


def measure(argv: list[str], root: Path, timeout: int = 3600, rss_every: float = 0.0) -> dict:
    try:
        p = subprocess.run([sys.executable, __file__, "--launch", str(root), "--", *argv], capture_output=True,
                           text=True, timeout=timeout + 120,
                           env=dict(os.environ, VOC_BENCH_TIMEOUT=str(timeout), VOC_BENCH_RSS_EVERY=str(rss_every)))
    except subprocess.TimeoutExpired:
        return {"rc": "timeout", "tail": f"stopped after {timeout} s (--timeout)"}
    if p.returncode != 0 or not p.stdout.strip():
        return {"rc": p.returncode, "tail": p.stderr[-600:]}
    r = json.loads(p.stdout.strip().splitlines()[-1])
    if r.get("rc") == "timeout":
        r["tail"] = f"{r['tail']} (--timeout); peak RSS until then {r.get('peak_rss_mb', 0):,} MB"
    return r


def make_contacts(log: Path, out: Path, n: int, *, journey: str, ts: str) -> Path:
    """``n`` synthetic contacts keyed to journeys of ``log`` (sampled cases, times inside each case)."""
    import duckdb

    if out.exists():
        return out
    con = duckdb.connect()
    con.execute("SET threads = 2")
    src = f"read_csv('{log}', all_varchar = true)" if str(log).endswith(".csv.gz") else f"'{log}'"
    con.execute(f"""
        COPY (
          WITH spans AS (SELECT CAST({journey} AS VARCHAR) AS customer_id, MIN(CAST({ts} AS TIMESTAMPTZ)) AS t0,
                                MAX(CAST({ts} AS TIMESTAMPTZ)) AS t1 FROM {src} GROUP BY 1),
               picks AS (SELECT s.*, i FROM spans s, range(CAST(CEIL({n} / (SELECT COUNT(*) FROM spans)) AS BIGINT) + 1) r(i))
          SELECT 'ct' || CAST(ROW_NUMBER() OVER () AS VARCHAR) AS contact_id, customer_id,
                 t0 + to_microseconds(CAST(random() * (epoch_us(t1) - epoch_us(t0)) AS BIGINT)) AS created_at,
                 t0 + to_microseconds(CAST(random() * (epoch_us(t1) - epoch_us(t0)) AS BIGINT)) + INTERVAL 2 HOUR AS closed_at,
                 ['chat', 'email', 'phone'][1 + CAST(floor(random() * 3) AS INTEGER)] AS channel,
                 ['billing', 'delivery', 'account', 'unknown'][1 + CAST(floor(random() * 4) AS INTEGER)] AS intent,
                 ['negative', 'neutral', 'positive'][1 + CAST(floor(random() * 3) AS INTEGER)] AS sentiment,
                 round(random() * 2 - 1, 3) AS sentiment_score
          FROM picks USING SAMPLE {n} ROWS)
        TO '{out}' (FORMAT parquet)""")
    return out


def voc_argv(log: Path, out: Path, contacts: Path | None, scaled: bool, config: str | None = None) -> list[str]:
    argv = [sys.executable, "-m", "voc", "journeys", str(log), "--out", str(out)]
    if config:
        argv += ["--config", str(Path(config).resolve())]
    if scaled:
        argv += ["--case-col", "journey_id", "--timestamp-col", "ts", "--event-col", "event"]
    if contacts is not None:
        argv += ["--contacts", str(contacts)]
    return argv


RETENTIONEERING = """
import os, sys
os.environ['RETENTIONEERING_NO_TRACK'] = '1'   # no usage tracking (it would call out to the network)
import pandas as pd
from retentioneering.eventstream import Eventstream
df = pd.read_parquet(sys.argv[1], columns=['journey_id', 'event', 'ts'])
df['ts'] = df['ts'].dt.tz_localize(None)
es = Eventstream(df, schema={'path_cols': ['journey_id'], 'event_col': 'event', 'timestamp_col': 'ts'})
tg = es.transition_graph_data(edge_weight='count')
sm = es.step_matrix_data(max_steps=10)
print(len(tg), sm.shape)
"""

PM4PY = """
import sys, pandas as pd, pm4py
df = pd.read_parquet(sys.argv[1])
df = pm4py.format_dataframe(df, case_id='journey_id', activity_key='event', timestamp_key='ts')
dfg, sa, ea = pm4py.discover_dfg(df)
v = pm4py.get_variants(df)
d = pm4py.get_all_case_durations(df)
print(len(dfg), len(v), len(d))
"""


def load() -> float:
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return os.getloadavg()[0]


def run(args) -> None:
    import platform
    import shutil

    import duckdb

    sys.stdout.reconfigure(line_buffering=True)   # each figure shows as soon as it is measured
    work = Path(args.workdir)
    small, large = make_data(work, args.events)
    root = Path(args.voc_root).resolve()
    other = args.compare_python
    have = {lib: bool(other) and subprocess.run([other, "-c", f"import {lib}"], capture_output=True).returncode == 0
            for lib in ("pm4py", "retentioneering")}
    print(f"machine: {os.cpu_count()} cores, python {platform.python_version()}, duckdb {duckdb.__version__}; "
          f"voc from {root}; load average at start {load():.1f} (shared machine: wall times inflate with load)")
    for lib, ok in have.items():
        if not ok:
            print(f"{lib}: not importable by {other or '(no --compare-python given)'}: its rows are skipped.")
    cases = []
    if args.only in (None, "small"):
        c_small = make_contacts(BPIC, work / f"contacts_bpic_{args.contacts_small}.parquet", args.contacts_small,
                                journey="case_id", ts='"time:timestamp"')
        cases += [("BPIC 2012 csv.gz", BPIC, None, False),
                  (f"BPIC 2012 + {args.contacts_small:,} contacts", BPIC, c_small, False)]
    if args.only in (None, "large") and not args.skip_large:
        n = duckdb.sql(f"SELECT COUNT(*) FROM '{large}'").fetchall()[0][0]
        if not args.only_large_contacts:
            cases += [(f"scaled {n:,} events", large, None, True)]
        if not args.no_large_contacts:
            c_large = make_contacts(large, work / f"contacts_x{args.events}_{args.contacts_large}.parquet", args.contacts_large,
                                    journey="journey_id", ts="ts")
            cases += [(f"scaled {n:,} events + {args.contacts_large:,} contacts", large, c_large, True)]
    print(f"\n  {'case':<48} {'wall_s':>8} {'cpu_s':>7} {'peak_rss_mb':>11} {'load before/after':>18}")
    for label, log, contacts, scaled in cases:
        out = work / "out_journeys"
        shutil.rmtree(out, ignore_errors=True)
        before = load()
        r = measure(voc_argv(log, out, contacts, scaled, args.voc_config), root, timeout=args.timeout,
                    rss_every=args.rss_every)
        if r.get("rc") != 0:
            print(f"  {label:<48} FAILED rc={r.get('rc')}: {r.get('tail', '')[-400:]}")
            continue
        info = {}
        try:
            info = json.loads((out / "journey_run.json").read_text())
        except (OSError, ValueError):
            pass
        print(f"  {label:<48} {r['wall_s']:8.1f} {r['cpu_s']:7.1f} {r['peak_rss_mb']:11,} {before:8.1f} / {load():.1f}")
        if info.get("timings"):
            print("      steps (s):", info["timings"])
        if info.get("model_sample"):
            print("      models on a sample:", info["model_sample"])
        if r.get("rss"):
            trace = work / f"rss_{''.join(ch if ch.isalnum() else '_' for ch in label)}.json"
            trace.write_text(json.dumps(r["rss"]))
            steps = rss_by_step(r["rss"], out)
            print(f"      RSS samples (epoch s, MB): {trace}")
            print(f"      peak RSS sampled every {args.rss_every:g} s, by step (MB):",
                  ", ".join(f"{n} {mb:,}" for n, mb in steps))
        if contacts is None:     # the other libraries have no contacts: compared on the event log alone
            pm_log = large if scaled else small
            for lib, script in (("pm4py", PM4PY), ("retentioneering", RETENTIONEERING)):
                if not have[lib]:
                    continue
                before = load()
                pr = measure([other, "-c", script, str(pm_log)], root)
                what = "dfg + variants + durations" if lib == "pm4py" else "transition graph + step matrix"
                if pr.get("rc") != 0:
                    print(f"  {'  ' + lib + ': ' + what:<48} FAILED rc={pr.get('rc')}: {pr.get('tail', '')[-300:]}")
                    continue
                print(f"  {'  ' + lib + ': ' + what:<48} {pr['wall_s']:8.1f} {pr['cpu_s']:7.1f} "
                      f"{pr['peak_rss_mb']:11,} {before:8.1f} / {load():.1f}")


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--launch":
        root, rest = sys.argv[2], sys.argv[sys.argv.index("--") + 1:]
        launch(rest, root)
        return
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=10_000_000)
    ap.add_argument("--contacts-small", type=int, default=20_000)
    ap.add_argument("--contacts-large", type=int, default=1_000_000)
    ap.add_argument("--skip-large", action="store_true")
    ap.add_argument("--no-large-contacts", action="store_true")
    ap.add_argument("--only-large-contacts", action="store_true", help="the large log with contacts only")
    ap.add_argument("--voc-config",
                    help="a voc config YAML passed to `voc journeys --config` (e.g. journey.pattern_outcomes: [])")
    ap.add_argument("--timeout", type=int, default=3600, help="seconds before one measured command is stopped")
    ap.add_argument("--compare-python", help="interpreter of a separate venv with pm4py / retentioneering")
    ap.add_argument("--only", choices=["small", "large"])
    ap.add_argument("--voc-root", default=str(ROOT), help="checkout of voc to run (PYTHONPATH)")
    ap.add_argument("--workdir", default="/tmp/voc_bench_journeys")
    ap.add_argument("--rss-every", type=float, default=0.5,
                    help="sample the command's RSS every this many seconds and print the peak of each step (0: off)")
    run(ap.parse_args())


if __name__ == "__main__":
    main()
