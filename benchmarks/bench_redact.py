"""Redaction throughput: texts/second, patterns only vs patterns + spaCy PERSON names.

    .venv/bin/python benchmarks/bench_redact.py [--n 2000] [--data ../shared/data]

Texts: Banking77 customer queries (real support text), plus every utterance of the ABCD
sample dialogues, cycled to --n texts; every 10th text gets a synthetic email, phone and card
appended so the detectors have something to replace. Skips with a message when the public
data folder is absent.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from voc.config import RedactConfig  # noqa: E402
from voc.redact.redactor import Redactor  # noqa: E402


def load_texts(data: Path, n: int) -> list[str]:
    texts: list[str] = []
    b77 = data / "banking77" / "train.csv"
    if b77.exists():
        with open(b77, newline="", encoding="utf-8") as f:
            texts.extend(row["text"] for row in csv.DictReader(f))
    abcd = data / "abcd_sample" / "abcd_sample.json"
    if abcd.exists():
        for convo in json.loads(abcd.read_text(encoding="utf-8")):
            texts.extend(turn[1] for turn in convo.get("original", []) if turn[1])
    if not texts:
        return []
    out = [texts[i % len(texts)] for i in range(n)]
    for i in range(0, n, 10):
        out[i] += f" You can reach me at user{i}@example.com or (415) 555-{i % 10000:04d}, card 4111 1111 1111 1111."
    return out


def bench(redactor: Redactor, texts: list[str], repeat: int = 2) -> tuple[float, float, dict[str, int]]:
    """(texts per wall second, texts per CPU second of this process, entity counts); best of ``repeat``.
    CPU seconds tell the cost on a shared machine, where wall time also measures the neighbours."""
    redactor.redact_many(texts[:50])          # warm-up (model load)
    best, best_cpu = float("inf"), float("inf")
    counts: dict[str, int] = {}
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        res = redactor.redact_many(texts)
        best = min(best, time.perf_counter() - t0)
        best_cpu = min(best_cpu, time.process_time() - c0)
        counts = {}
        for r in res:
            for k, v in r.counts.items():
                counts[k] = counts.get(k, 0) + v
    return len(texts) / best, len(texts) / best_cpu, counts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--data", type=Path, default=Path(os.environ.get("VOC_SHARED_DATA", ROOT.parent / "shared" / "data")))
    args = ap.parse_args()
    texts = load_texts(args.data, args.n)
    if not texts:
        print(f"skipped: no Banking77 or ABCD texts under {args.data} (set VOC_SHARED_DATA or pass --data)")
        return
    chars = sum(map(len, texts)) / len(texts)
    print(f"{len(texts)} texts, mean {chars:.0f} chars, {os.cpu_count()} CPUs")
    patterns = Redactor(RedactConfig(entities=["EMAIL", "PHONE", "CARD", "IBAN"]))
    rate, cpu, counts = bench(patterns, texts)
    print(f"patterns only (EMAIL PHONE CARD IBAN):  {rate:8.0f} texts/s wall, {cpu:8.0f} texts/CPU-s  {counts}")
    full = Redactor(RedactConfig())
    rate, cpu, counts = bench(full, texts)
    print(f"patterns + spaCy PERSON names:         {rate:8.0f} texts/s wall, {cpu:8.0f} texts/CPU-s  {counts}")
    print(f"load average while measuring: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
