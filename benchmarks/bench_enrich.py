"""CDP enrichment throughput: a first run and an incremental run with 1% of contacts changed.

    .venv/bin/python benchmarks/bench_enrich.py [--contacts 200000] [--customers 50000] [--days 365]

Prints rows/s for each run (contacts in the input / wall seconds) and the partitions rewritten."""
from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd


def synthetic(n: int, customers: int, days: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    t0 = pd.Timestamp("2024-01-01", tz="UTC")
    intents = np.array(["billing", "delivery", "refund", "account", "cancel", "unknown"])
    sent = np.array(["negative", "neutral", "positive"])
    created = t0 + pd.to_timedelta(rng.uniform(0, days * 86400, n), unit="s")
    score = rng.uniform(-1, 1, n).round(3)
    topic = rng.integers(-1, 20, n)
    return pd.DataFrame({
        "contact_id": [f"C{i:08d}" for i in range(n)],
        "channel": rng.choice(["chat", "email", "call", "ticket"], n),
        "customer_id": [f"U{i:07d}" for i in rng.integers(0, customers, n)],
        "email": None, "phone": None,
        "created_at": created.astype("datetime64[us, UTC]"),
        "intent": rng.choice(intents, n), "intent_confidence": rng.uniform(0.3, 1, n).round(3),
        "sentiment": sent[np.digitize(score, [-0.05, 0.05])], "sentiment_score": score,
        "topic_id": topic.astype("int32"), "topic_label": [f"topic {t}" for t in topic],
    })


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--contacts", type=int, default=200_000)
    ap.add_argument("--customers", type=int, default=50_000)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--changed", type=float, default=0.01)
    a = ap.parse_args()

    from voc.config import EnrichConfig
    from voc.enrich import enrich

    work = Path(tempfile.mkdtemp(prefix="bench_enrich_"))
    try:
        out, cdp = work / "out", work / "cdp"
        out.mkdir()
        df = synthetic(a.contacts, a.customers, a.days)
        rng = np.random.default_rng(1)
        df["is_repeat"] = rng.random(len(df)) < 0.2
        df.to_parquet(out / "contacts.parquet", index=False)
        df[["contact_id", "customer_id", "is_repeat"]].to_parquet(out / "repeat_contacts.parquet", index=False)
        conf = EnrichConfig()

        t = time.perf_counter()
        r1 = enrich(out, cdp, conf, now=datetime(2025, 1, 1, tzinfo=timezone.utc))
        s1 = time.perf_counter() - t
        print(f"first run:   {a.contacts:,} contacts in {s1:.2f} s = {a.contacts / s1:,.0f} rows/s "
              f"({len(r1.partitions_written)} partitions, {r1.traits_total:,} customers)")

        t = time.perf_counter()
        r0 = enrich(out, cdp, conf, now=datetime(2025, 1, 2, tzinfo=timezone.utc))
        s0 = time.perf_counter() - t
        print(f"no-op rerun: {a.contacts:,} contacts in {s0:.2f} s = {a.contacts / s0:,.0f} rows/s (written={r0.written})")

        k = int(len(df) * a.changed)
        idx = rng.choice(len(df), k, replace=False)
        df.loc[idx, "intent"] = "changed_intent"
        df.to_parquet(out / "contacts.parquet", index=False)
        t = time.perf_counter()
        r2 = enrich(out, cdp, conf, now=datetime(2025, 1, 3, tzinfo=timezone.utc))
        s2 = time.perf_counter() - t
        print(f"incremental: {k:,} changed of {a.contacts:,} in {s2:.2f} s = {a.contacts / s2:,.0f} input rows/s, "
              f"{k / s2:,.0f} changed rows/s ({len(r2.partitions_written)} contact partitions rewritten, "
              f"{r2.traits_changed:,} traits updated)")
        assert r2.contacts_changed == k and r2.contacts_total == a.contacts
        size = sum(p.stat().st_size for p in cdp.rglob("*") if p.is_file())
        print(f"cdp folder: {size / 1e6:.1f} MB")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
