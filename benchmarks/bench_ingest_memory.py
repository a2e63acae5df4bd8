"""Peak memory and wall time of reading a large export: the whole `voc analyze` with every step off.

    nice -n 10 .venv/bin/python benchmarks/bench_ingest_memory.py [--n 200000] [--keep DIR]

Writes a JSON Lines export of N tickets (default 200,000: about 90 MB) with several messages each
(customer question, agent answers, customer follow-ups; texts from Banking77 in ../shared/data when
present, else built-in sentences, with ids, e-mails, timestamps), then runs, in a child process,

    voc analyze EXPORT --out TMP --config steps_off.yaml --no-redact --no-topics --no-report --json

where steps_off.yaml sets ``pipeline: []``: no redaction, embedding, intent, sentiment, topics or report,
so what is measured is reading, building the tables and writing them. Prints the export size, wall
time, peak RSS of the child (ru_maxrss), peak RSS / file size, and the counts from run.json.
Target (issue 10): <= 700 MB peak for the 200,000-ticket file.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("VOC_SHARED_DATA", ROOT.parent / "shared" / "data"))

FALLBACK_CUSTOMER = [
    "I was charged twice for my order, please refund me.", "My parcel never arrived and tracking says delivered.",
    "I cannot log in to my account since yesterday, the reset link does not work.",
    "Please cancel my subscription, I no longer need it.", "The card payment failed three times at checkout.",
    "Why is there a fee on my statement that I did not agree to?",
]
AGENT = [
    "Sorry for the trouble; let me look into your account.",
    "I have raised a refund, it takes 3-5 business days.",
    "Could you confirm the last four digits of the card?",
    "I have reset your access; please try again.",
    "I have escalated it to our billing team.",
]
FOLLOW_UP = ["Thanks, that worked.", "It still does not work, what else can I do?",
             "Ok, I will wait for the refund then.", "This is the third time I contact you about this."]


def customer_texts() -> tuple[list[str], str]:
    b77 = SHARED / "banking77" / "train.csv"
    if b77.exists():
        with open(b77, newline="", encoding="utf-8") as f:
            texts = list(dict.fromkeys(r["text"] for r in csv.DictReader(f)))
        return texts, f"Banking77 train.csv ({len(texts)} distinct texts)"
    return FALLBACK_CUSTOMER, "built-in sentences"


def make_export(n: int, path: Path, seed: int = 0) -> str:
    """N multi-message tickets as JSON Lines (generic shape: contact fields + a messages list)."""
    rng = random.Random(seed)
    texts, source = customer_texts()
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            day = 1 + i % 28
            msgs = [{"role": "customer", "text": rng.choice(texts), "created_at": f"2026-03-{day:02d}T09:{i % 60:02d}:00Z"}]
            for j in range(1 if rng.random() < 0.8 else 2):
                msgs.append({"role": "agent", "text": rng.choice(AGENT),
                             "created_at": f"2026-03-{day:02d}T1{j}:{i % 60:02d}:00Z"})
                if rng.random() < 0.25:
                    msgs.append({"role": "customer", "text": rng.choice(FOLLOW_UP),
                                 "created_at": f"2026-03-{day:02d}T1{j}:{(i + 7) % 60:02d}:00Z"})
            ticket = {"id": f"T{i + 1:07d}", "subject": rng.choice(texts)[:32], "customer_id": f"C{i % 50000:06d}",
                      "email": f"user{i % 50000}@example.com", "status": rng.choice(("open", "solved", "closed")),
                      "channel": rng.choice(("email", "web", "chat")), "created_at": f"2026-03-{day:02d}T09:{i % 60:02d}:00Z",
                      "messages": msgs}
            f.write(json.dumps(ticket, separators=(",", ":")) + "\n")
    return source


# --no-redact turns redaction off
STEPS_OFF = "pipeline: []\ntopics:\n  enabled: false\nreport:\n  html: false\ntrends:\n  enabled: false\n"


def run_child(export: Path, work: Path) -> dict:
    conf = work / "steps_off.yaml"
    conf.write_text(STEPS_OFF)
    out = work / "out"
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    cmd = [sys.executable, "-c", "import sys; from voc.cli import main; sys.argv[0] = 'voc'; main()", "analyze", str(export),
           "--out", str(out), "--config", str(conf),
           "--no-redact", "--no-topics", "--no-report", "--json"]
    t = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-3000:] + proc.stderr[-3000:])
        raise SystemExit(f"voc analyze exited {proc.returncode}")
    run = json.loads((out / "run.json").read_text())
    return {"wall_s": wall, "peak_rss_mb": peak_mb, "counts": run.get("counts", {}), "timings_s": run.get("timings_s", {})}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=200_000, help="tickets in the export")
    ap.add_argument("--keep", type=Path, default=None, help="reuse/keep the export in this folder")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        folder = args.keep or work
        folder.mkdir(parents=True, exist_ok=True)
        export = folder / f"tickets_{args.n}.jsonl"
        source = "existing file"
        if not export.exists():
            t = time.perf_counter()
            source = make_export(args.n, export)
            print(f"export: {export.name} written in {time.perf_counter() - t:.1f} s")
        size_mb = export.stat().st_size / 2**20
        res = run_child(export, work)
        c = res["counts"]
        print(f"texts: {source}")
        print(f"export: {args.n} tickets, {c.get('messages_in')} messages, {size_mb:.1f} MB")
        print(f"voc analyze, every step off: wall {res['wall_s']:.1f} s, peak RSS {res['peak_rss_mb']:.0f} MB "
              f"({res['peak_rss_mb'] / size_mb:.1f}x the file); target <= 700 MB")
        print(f"run.json: contacts_out {c.get('contacts_out')}, messages_out {c.get('messages_out')}, "
              f"records_balanced {c.get('records_balanced')}, messages_balanced {c.get('messages_balanced')}")
        print("timings_s: " + json.dumps(res["timings_s"]))


if __name__ == "__main__":
    main()
