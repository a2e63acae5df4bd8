"""Findings and taxonomy fit on public data whose domain the shipped taxonomy does not cover.

Builds two small ticket exports (CSV) from /work/shared/data (never copied into the repo) and runs
`voc analyze` on each, then prints the unknown-intent share, whether the taxonomy-fit warning fires,
and the top 5 findings:

- clinc150: 1,500 CLINC150 queries of travel, kitchen and car intents (no support intent at all);
- banking77: 1,500 Banking77 queries (a support domain, but banking, not the shipped e-commerce taxonomy).

Timestamps spread over 8 weeks; 600 customers so some contact again; channels at random. One intent
per set (clinc150: lost_luggage; banking77: card_arrival) is skewed into the last three weeks, to see
whether a growing theme surfaces. Usage:

    PYTHONPATH=$PWD nice -n 10 python benchmarks/findings_domains.py [OUT_ROOT] [--n 1500]
"""
from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pandas as pd

DATA = Path("/work/shared/data")
CLINC_INTENTS = ["book_flight", "book_hotel", "car_rental", "lost_luggage", "flight_status", "carry_on", "travel_alert",
                 "international_visa", "exchange_rate", "plug_type", "recipe", "cook_time", "ingredient_substitution",
                 "meal_suggestion", "food_last", "calories", "oil_change_how", "tire_pressure", "jump_start", "gas_type",
                 "mpg", "schedule_maintenance", "tire_change", "last_maintenance"]
T0 = datetime(2026, 1, 5, tzinfo=timezone.utc)


def export(rows: list[tuple[str, str]], grows: str, path: Path, seed: int = 19) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    out = []
    for i, (text, lab) in enumerate(rows):
        day = rng.uniform(35, 56) if lab == grows else rng.uniform(0, 56)
        out.append({"Ticket ID": 100000 + i, "Customer ID": f"K{int(rng.integers(0, 600)):04d}",
                    "Created at": (T0 + timedelta(seconds=int(day * 86400))).isoformat(),
                    "Channel": rng.choice(["email", "chat", "web"]),
                    "Description": text, "_label": lab})
    df = pd.DataFrame(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    df.drop(columns="_label").to_csv(path, index=False, quoting=csv.QUOTE_MINIMAL)
    return df


def clinc(n: int) -> tuple[list[tuple[str, str]], str]:
    d = json.loads((DATA / "clinc150" / "train_val.json").read_text())
    rows = [(t, lab) for t, lab in d["train"] + d["val"] if lab in CLINC_INTENTS]
    rng = np.random.default_rng(150)
    idx = rng.choice(len(rows), size=min(n, len(rows)), replace=False)
    return [rows[i] for i in idx], "lost_luggage"


def banking(n: int) -> tuple[list[tuple[str, str]], str]:
    df = pd.read_csv(DATA / "banking77" / "train.csv").sample(n=n, random_state=77)
    return list(zip(df["text"], df["category"])), "card_arrival"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out_root", nargs="?", default="/tmp/voc_findings_domains")
    ap.add_argument("--n", type=int, default=1500)
    ap.add_argument("--only", default="")
    a = ap.parse_args()
    root = Path(a.out_root)
    for name, make in (("clinc150", clinc), ("banking77", banking)):
        if a.only and name != a.only:
            continue
        if not (DATA / ("clinc150" if name == "clinc150" else "banking77")).exists():
            print(f"{name}: data absent, skipped")
            continue
        rows, grows = make(a.n)
        src = root / f"{name}_export" / "tickets.csv"
        truth = export(rows, grows, src)
        out = root / f"{name}_out"
        cmd = [sys.executable, "-m", "voc", "analyze", str(src.parent), "--out", str(out), "--json"]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            print(f"{name}: voc analyze failed ({r.returncode}): {r.stderr[-2000:]}")
            continue
        summary = json.loads(r.stdout)
        fit = summary["taxonomy_fit"]
        run = json.loads((out / "run.json").read_text())
        warned = [w for w in run.get("warnings", []) if w.get("code") == "E412"]
        print(f"== {name}: {len(truth)} contacts, {truth['_label'].nunique()} true intents (growing: {grows})")
        print(f"unknown share {fit['unknown_share']:.1%}, median intent confidence {fit['median_confidence']:.3f}, "
              f"taxonomy fits: {fit['fits']}, E412 warning in run.json: {bool(warned)}")
        from sklearn.metrics import normalized_mutual_info_score as nmi

        c = pd.read_parquet(out / "contacts.parquet", columns=["contact_id", "intent", "topic_id"])
        lab = truth.set_index(truth["Ticket ID"].astype(str))["_label"]
        true = c["contact_id"].astype(str).map(lab)
        ok = true.notna()
        print(f"agreement with the true intents (NMI): intent step {nmi(true[ok], c.loc[ok, 'intent'].astype(str)):.2f}, "
              f"topics {nmi(true[ok], c.loc[ok, 'topic_id'].astype(str)):.2f} ({int(ok.sum())} contacts matched)")
        for f in summary["findings"][:5]:
            ev = f["evidence"]
            print(f"  #{f['rank']} [{f['signal']}] {f['title']} | n={ev.get('n')} rate={ev.get('rate')} "
                  f"overall={ev.get('overall')} lift={ev.get('lift')} excess={ev.get('excess')} q={ev.get('q_value')}")
        print(f"  report: {out / 'report.html'}")


if __name__ == "__main__":
    main()
