"""Replays the output-folder scenarios of issue 10 against a voc checkout and prints what happened.

    PYTHONPATH=$PWD python benchmarks/scenario_out_folder.py [--voc-root DIR] [--tries 3]

1. stale tables: `make demo` (transcripts + events) into a folder, then the 18-ticket Zendesk CSV
   export (no --events) into the SAME folder; its headline figures against a fresh folder.
2. failed run: a run that reads nothing (E002) into a good folder; which files changed.
3. concurrent runs: two `voc analyze` into one folder at once (N tries); does the folder hold one run?
4. formula injection: --format csv on tickets whose text starts with = + - @; unescaped cells.
Runs the CLI as a subprocess with PYTHONPATH=--voc-root, so the same script measures before/after.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FX = ROOT / "fixtures"
LIGHT = ["--no-topics", "--no-report"]


def voc(root: Path, *args: str, cwd: Path | None = None, wait: bool = True):
    env = {**os.environ, "PYTHONPATH": str(root)}
    cmd = [sys.executable, "-c", "from voc.cli import main; main()", *args]
    if not wait:
        return subprocess.Popen(cmd, env=env, cwd=cwd or root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return subprocess.run(cmd, env=env, cwd=cwd or root, capture_output=True, text=True)


def digest(folder: Path) -> dict[str, str]:
    out = {}
    for p in sorted(folder.rglob("*")):
        if p.is_file() and ".voc.lock" not in p.name and not any(part.startswith(".voc-failed") for part in p.parts):
            out[str(p.relative_to(folder))] = hashlib.sha256(p.read_bytes()).hexdigest()[:12]
    return out


def summary(root: Path, folder: Path) -> dict:
    r = voc(root, "report", str(folder), "--json", "--no-html")
    if r.returncode:
        return {"error": r.stderr[-300:] or r.stdout[-300:]}
    h = json.loads(r.stdout)["headline"]
    return {k: h.get(k) for k in ("contacts", "repeat_contact_rate", "first_contact_resolution", "channels")}


def rows(folder: Path, name: str) -> int | None:
    import pandas as pd

    for ext in ("parquet", "csv"):
        p = folder / f"{name}.{ext}"
        if p.exists():
            return len(pd.read_parquet(p) if ext == "parquet" else pd.read_csv(p))
    return None


def scenario_stale(root: Path, tmp: Path) -> None:
    demo = tmp / "voc-out"
    r = voc(root, "analyze", "fixtures/transcripts/", "--events", "fixtures/events/web_events.csv", "--config",
            "pipelines/journeys.yaml", "--out", str(demo), "--no-topics")
    print(f"[stale] make demo: exit {r.returncode}")
    export = tmp / "export"
    export.mkdir()
    shutil.copy(FX / "transcripts/zendesk/tickets_export.csv", export / "tickets_export.csv")
    r = voc(root, "analyze", str(export), "--out", str(demo), "--no-topics")
    fresh = tmp / "fresh"
    r2 = voc(root, "analyze", str(export), "--out", str(fresh), "--no-topics")
    print(f"[stale] 18 tickets into the demo folder: exit {r.returncode}; into a fresh folder: exit {r2.returncode}")
    print(f"[stale]   demo folder : {summary(root, demo)}")
    print(f"[stale]   fresh folder: {summary(root, fresh)}")
    left = sorted(p.name for p in demo.iterdir() if p.name.startswith(("journeys", "timeline", "repeat", "friction")))
    print(f"[stale]   journey tables left in the demo folder: {left}")


def scenario_failed(root: Path, tmp: Path) -> None:
    good = tmp / "good"
    export = tmp / "export"
    r = voc(root, "analyze", str(export), "--out", str(good), *LIGHT)
    before = digest(good)
    empty = tmp / "nothing"
    empty.mkdir()
    (empty / "empty.csv").write_bytes(b"")
    r = voc(root, "analyze", str(empty), "--out", str(good), *LIGHT)
    after = digest(good)
    changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    run = json.loads((good / "run.json").read_text())
    print(f"[failed] run reading nothing: exit {r.returncode}; files changed: {changed or 'none'}; "
          f"run.json contacts_out {run['counts']['contacts_out']} beside contacts rows {rows(good, 'contacts')}")


def scenario_concurrent(root: Path, tmp: Path, tries: int) -> None:
    a, b = tmp / "export", tmp / "in_b"
    b.mkdir(exist_ok=True)
    shutil.copy(FX / "transcripts/intercom/conversations.json", b / "conversations.json")
    mixed = 0
    for i in range(tries):
        out = tmp / f"conc{i}"
        pa_ = voc(root, "analyze", str(a), "--out", str(out), *LIGHT, wait=False)
        pb = voc(root, "analyze", str(b), "--out", str(out), *LIGHT, wait=False)
        ra, rb = pa_.wait(), pb.wait()
        errs = [p.stderr.read() + p.stdout.read() for p in (pa_, pb)]
        run = json.loads((out / "run.json").read_text()) if (out / "run.json").exists() else {}
        n_run = run.get("counts", {}).get("contacts_out")
        n_c, n_e = rows(out, "contacts"), rows(out, "embeddings")
        ok = n_run == n_c == n_e
        mixed += not ok
        code = [("E4" + e.split("[E4", 1)[1][:2]) if "[E4" in e else "" for e in errs]
        print(f"[concurrent] try {i + 1}: exits {ra}/{rb} {code}; run.json {n_run}, contacts {n_c}, embeddings {n_e}"
              f" -> {'one run' if ok else 'MIXED'}")
    print(f"[concurrent] mixed folders: {mixed} of {tries}")


def scenario_csv(root: Path, tmp: Path) -> None:
    inp = tmp / "inj"
    inp.mkdir()
    payloads = ["=HYPERLINK(\"http://x.example\",\"click\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)"]
    lines = ["id,subject,description,created_at"]
    for i, p in enumerate(payloads):
        q = p.replace('"', '""')
        lines.append(f'{i + 1},"{q}","{q} please help with my order",2026-01-0{i + 1}T10:00:00Z')
    (inp / "t.csv").write_text("\n".join(lines) + "\n")
    out = tmp / "csvout"
    r = voc(root, "analyze", str(inp), "--out", str(out), "--format", "csv", *LIGHT)
    import csv

    for name in ("contacts", "messages"):
        p = out / f"{name}.csv"
        if not p.exists():
            print(f"[csv] {name}.csv missing (exit {r.returncode}: {r.stderr[-200:]})")
            continue
        with open(p, newline="", encoding="utf-8") as f:
            cells = [c for row in list(csv.reader(f))[1:] for c in row]
        bad = [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r") and not _number(c)]
        print(f"[csv] {name}.csv: {len(bad)} text cells start with = + - @ tab CR (unescaped)")


def _number(s: str) -> bool:
    try:
        float(s)
        return True
    except ValueError:
        return False


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--voc-root", type=Path, default=ROOT)
    ap.add_argument("--tries", type=int, default=3)
    ap.add_argument("--only", nargs="*", default=["stale", "failed", "concurrent", "csv"])
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="voc-scen-"))
    t = time.perf_counter()
    print(f"voc from {a.voc_root}; scratch {tmp}")
    export = tmp / "export"
    if "stale" in a.only:
        scenario_stale(a.voc_root, tmp)
    else:
        export.mkdir()
        shutil.copy(FX / "transcripts/zendesk/tickets_export.csv", export / "tickets_export.csv")
    if "failed" in a.only:
        scenario_failed(a.voc_root, tmp)
    if "concurrent" in a.only:
        scenario_concurrent(a.voc_root, tmp, a.tries)
    if "csv" in a.only:
        scenario_csv(a.voc_root, tmp)
    print(f"done in {time.perf_counter() - t:.0f} s")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
