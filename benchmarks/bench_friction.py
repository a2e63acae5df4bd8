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

from voc.config import JourneyConfig
from voc.journey.events import read_events
from voc.journey.run import compute

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
DEFAULT_LOGS = [DATA / "helpdesk_eventlog" / "helpdesk_events.csv", DATA / "bpic2012_eventlog" / "bpic2012_events.csv.gz"]


def measure(path: Path, config: JourneyConfig) -> dict:
    t = time.perf_counter()
    log = read_events([path], config)
    res = compute(log, None, config)
    d = res.summary["friction_distribution"]
    out = {
        "log": path.name, "journeys": d["journeys"], "events": int(len(log.events)),
        "share_with_friction": d["share_with_friction"],
        "score_quantiles_all": {k: d["score_quantiles"][k] for k in ("p50", "p75", "p90", "p99")},
        "score_quantiles_flagged": {k: d["score_quantiles_flagged"][k] for k in ("p10", "p25", "p50", "p75", "p90")},
        "share_by_kind": {k: v["share"] for k, v in d["by_kind"].items() if v["journeys"]},
        "parked_hours": d.get("parked_hours"),
        "warnings": [w["code"] for w in res.warnings],
        "seconds": round(time.perf_counter() - t, 1),
    }
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
