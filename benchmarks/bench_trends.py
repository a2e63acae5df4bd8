"""False-alarm control and power of the trend alerts, on replayed public queries. Prints figures; asserts nothing.

    .venv/bin/python benchmarks/bench_trends.py [--data banking77|clinc150|both] [--weeks 15] [--reps 20]
                                                [--sizes 1.5,2,3,4,6,10] [--base-rates 3,8]

Replay: the queries of Banking77 (train.csv) or CLINC150 (train + val, in-scope) get timestamps over
``--weeks`` weeks (weekday traffic 2.5x the weekend's). Each intent gets a steady weekly rate from
2 to 30 contacts (a few small intents, a few busy ones, as in real queues); the weekly count of each
intent is Poisson around it and its texts are drawn from that intent's queries. The intent column is
the gold label: the benchmark measures the alerting, not the classifier.

- Power: in the last week, one intent with a base rate of ``--base-rates`` contacts a week gets
  (size - 1) x rate extra contacts (a spike of known size); detected = an intent volume alert on that
  intent in that week. ``--reps`` replays per (size, base rate), each with its own seed and intent.
- False alarms: ``--reps`` replays with no spike; every week after the 3 warm-up weeks (12 weeks with
  the default 15) is tested against up to 8 weeks before (as `voc analyze` tests its latest week);
  every alert is false. Reported: intent alerts per 12 weeks (mean, worst replay) and per tested week.
Settings are voc's defaults (trends section of `voc config show`): FDR 0.05, min volume 5, min ratio 1.5.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd

from voc.config import TrendsConfig
from voc.trends.alerts import detect_alerts
from voc.trends.run import settings_of
from voc.trends.series import trends

SHARED = Path(os.environ.get("VOC_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
T0 = pd.Timestamp("2026-01-05", tz="UTC")   # a Monday
RATE_GRID = [2, 3, 3, 4, 5, 6, 8, 10, 12, 15, 20, 30]
WEEKDAY_WEIGHT = np.array([1.0, 1.0, 1.0, 1.0, 1.0, 0.4, 0.4])


def load(name: str) -> dict[str, list[str]]:
    by: dict[str, list[str]] = {}
    if name == "banking77":
        with open(SHARED / "banking77" / "train.csv", newline="", encoding="utf-8") as f:
            for r in csv.DictReader(f):
                by.setdefault(r["category"], []).append(r["text"])
    else:
        d = json.loads((SHARED / "clinc150" / "train_val.json").read_text(encoding="utf-8"))
        for split in ("train", "val"):
            for text, label in d[split]:
                by.setdefault(label, []).append(text)
    return by


def rates_for(intents: list[str], rng: np.random.Generator) -> dict[str, int]:
    order = rng.permutation(len(intents))
    return {intents[i]: RATE_GRID[k % len(RATE_GRID)] for k, i in enumerate(order)}


def replay(by: dict[str, list[str]], weeks: int, seed: int,
           spike: tuple[str, int] | None = None) -> tuple[pd.DataFrame, dict[str, int]]:
    """contacts (created_at, intent, text) over ``weeks`` weeks; ``spike`` = (intent, extra contacts in the last week)."""
    rng = np.random.default_rng(seed)
    intents = sorted(by)
    rates = rates_for(intents, rng)
    day_p = WEEKDAY_WEIGHT / WEEKDAY_WEIGHT.sum()
    secs, labels, texts = [], [], []
    for w in range(weeks):
        for it in intents:
            n = int(rng.poisson(rates[it]))
            if spike and it == spike[0] and w == weeks - 1:
                n += spike[1]
            if n == 0:
                continue
            days = rng.choice(7, size=n, p=day_p)
            secs.append((7 * w + days) * 86400.0 + rng.uniform(0, 86400, size=n))
            labels += [it] * n
            pool = by[it]
            texts += [pool[j] for j in rng.integers(0, len(pool), size=n)]
    ts = T0 + pd.to_timedelta(np.concatenate(secs), unit="s")
    return pd.DataFrame({"created_at": ts, "intent": labels, "text": texts}), rates


def intent_alerts(contacts: pd.DataFrame, cfg: TrendsConfig) -> tuple[pd.DataFrame, dict]:
    tr, _ = trends(contacts[["created_at", "intent"]], cfg.period, cfg.baseline_periods)
    al, info = detect_alerts(tr, settings_of(cfg))
    return al[(al["dimension"] == "intent") & (al["metric"] == "volume")], info


def power(by, weeks, reps, sizes, base_rates, cfg) -> list[dict]:
    out = []
    for r in base_rates:
        for size in sizes:
            hits, seconds = 0, 0.0
            for rep in range(reps):
                seed = 1000 * rep + int(10 * size) + r
                rng = np.random.default_rng(seed)
                rates = rates_for(sorted(by), rng)
                cands = [i for i, v in rates.items() if v == r]
                target = cands[int(np.random.default_rng(seed + 7).integers(len(cands)))]
                extra = int(round((size - 1) * r))
                c, _ = replay(by, weeks, seed, spike=(target, extra))
                t = time.perf_counter()
                al, _ = intent_alerts(c, cfg)
                seconds += time.perf_counter() - t
                hits += int((al["value"] == target).any())
            out.append({"base_rate": r, "size": size, "extra": int(round((size - 1) * r)), "detected": hits, "reps": reps,
                        "rate": hits / reps, "s_per_run": seconds / reps})
    return out


def false_alarms(by, weeks, reps, cfg) -> dict:
    test_cfg = cfg.model_copy(update={"test_periods": weeks - cfg.min_baseline_periods})
    per_rep, tested, worst_q = [], 0, 1.0
    for rep in range(reps):
        c, _ = replay(by, weeks, 50_000 + rep)
        al, info = intent_alerts(c, test_cfg)
        per_rep.append(len(al))
        tested += len(info["tested_periods"])
        if len(al):
            worst_q = min(worst_q, float(al["q_value"].min()))
    n_weeks = tested / reps
    return {"reps": reps, "tested_weeks_per_rep": n_weeks, "false_alerts_total": int(sum(per_rep)),
            "false_alerts_per_rep_mean": float(np.mean(per_rep)), "false_alerts_per_rep_max": int(max(per_rep)),
            "reps_with_more_than_one": int(sum(v > 1 for v in per_rep)),
            "false_alerts_per_week": float(sum(per_rep)) / max(tested, 1)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="both", choices=["banking77", "clinc150", "both"])
    ap.add_argument("--weeks", type=int, default=15)
    ap.add_argument("--reps", type=int, default=20)
    ap.add_argument("--sizes", default="1.5,2,3,4,6,10")
    ap.add_argument("--base-rates", default="3,8")
    args = ap.parse_args()
    cfg = TrendsConfig()
    sizes = [float(s) for s in args.sizes.split(",")]
    base_rates = [int(s) for s in args.base_rates.split(",")]
    names = ["banking77", "clinc150"] if args.data == "both" else [args.data]
    print(f"settings: period={cfg.period} baseline_periods={cfg.baseline_periods} min_baseline_periods="
          f"{cfg.min_baseline_periods} fdr={cfg.fdr} min_volume={cfg.min_volume} min_ratio={cfg.min_ratio}; "
          f"{args.weeks} weeks, {args.reps} replays per cell")
    for name in names:
        path = SHARED / ("banking77/train.csv" if name == "banking77" else "clinc150/train_val.json")
        if not path.exists():
            print(f"{name}: {path} is absent, skipped")
            continue
        by = load(name)
        c, rates = replay(by, args.weeks, 0)
        print(f"\n== {name}: {len(by)} intents, {sum(len(v) for v in by.values()):,} queries; replay of "
              f"{len(c):,} contacts over {args.weeks} weeks (~{len(c) / args.weeks:,.0f} a week; intent rates "
              f"{min(rates.values())}-{max(rates.values())} a week)")
        t = time.perf_counter()
        fa = false_alarms(by, args.weeks, args.reps, cfg)
        print(f"false alarms (no spike): {fa['false_alerts_total']} intent alerts over {args.reps} replays x "
              f"{fa['tested_weeks_per_rep']:.0f} tested weeks = {fa['false_alerts_per_rep_mean']:.2f} per "
              f"{fa['tested_weeks_per_rep']:.0f} weeks (worst replay {fa['false_alerts_per_rep_max']}; replays with >1: "
              f"{fa['reps_with_more_than_one']}); {fa['false_alerts_per_week']:.4f} per week "
              f"[{time.perf_counter() - t:.0f} s]")
        print("detection of a one-week spike (last week), by base rate and size:")
        print(f"  {'base/wk':>7} {'size':>5} {'extra':>5} {'detected':>9} {'rate':>6}")
        for row in power(by, args.weeks, args.reps, sizes, base_rates, cfg):
            print(f"  {row['base_rate']:>7} {row['size']:>5g} {row['extra']:>5} {row['detected']:>4}/{row['reps']:<4} "
                  f"{row['rate']:>6.0%}   ({row['s_per_run']:.2f} s per detection run)")


if __name__ == "__main__":
    main()
