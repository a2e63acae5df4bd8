"""Friction on real case logs: share of journeys with friction, friction-score quantiles and the
share of journeys per friction kind (long_wait, handoff_pingpong, ...), on the Helpdesk and BPIC 2012
event logs of ../shared/data (or any log given).

    PYTHONPATH=$PWD nice -n 10 python benchmarks/bench_friction.py [--actor org:resource] [LOG ...]
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from voc.config import JourneyConfig
from voc.journey.events import read_events
from voc.journey.run import compute

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
DEFAULT_LOGS = [DATA / "helpdesk_eventlog" / "helpdesk_events.csv", DATA / "bpic2012_eventlog" / "bpic2012_events.csv.gz"]


def measure(path: Path, config: JourneyConfig) -> dict:
    t = time.perf_counter()
    log = read_events([path], config)
    res = compute(log, None, config)
    j, fr = res["journeys"], res["friction"]
    n = len(j)
    score = j["friction_score"].astype(float).fillna(0.0).to_numpy()
    kinds = fr.groupby("kind")["journey_id"].nunique().to_dict() if len(fr) else {}
    out = {
        "log": path.name, "journeys": n, "events": int(len(log.events)),
        "share_with_friction": round(float((score > 0).mean()), 4) if n else None,
        "score_quantiles": {f"p{int(q * 100)}": round(float(np.quantile(score, q)), 1) for q in (0.1, 0.25, 0.5, 0.75, 0.9, 0.99)},
        "share_by_kind": {k: round(v / n, 4) for k, v in sorted(kinds.items())},
        "seconds": round(time.perf_counter() - t, 1),
    }
    if "parked_s" in j.columns:
        p = j["parked_s"].astype(float).fillna(0.0)
        out["parked_h_quantiles"] = {f"p{int(q * 100)}": round(float(np.quantile(p, q)) / 3600, 1) for q in (0.5, 0.9)}
    w = res.counts.get("warnings")
    if w:
        out["warnings"] = [x["code"] for x in w]
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("logs", nargs="*", type=Path)
    ap.add_argument("--actor", default=None, help="column for journey.columns.actor (hand-off ping-pong)")
    args = ap.parse_args()
    cols = {"actor": args.actor} if args.actor else {}
    config = JourneyConfig(columns=cols) if cols else JourneyConfig()
    for p in args.logs or DEFAULT_LOGS:
        if not p.exists():
            print(f"skip {p}: not found")
            continue
        print(json.dumps(measure(p, config)), flush=True)


if __name__ == "__main__":
    main()
