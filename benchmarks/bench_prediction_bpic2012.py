"""voc's outcome prediction on BPI Challenge 2012, set beside Teinemaa et al. (ACM TKDD 2019).

    PYTHONPATH=. .venv/bin/python benchmarks/bench_prediction_bpic2012.py [--prefixes 2,5,10,15,20,25,30] [--data PATH]

Data: ../shared/data/bpic2012_eventlog/bpic2012_events.csv.gz (13,087 cases, 262,200 events).

Labels as in the benchmark's preprocessing (irhete/predictive-monitoring-benchmark,
preprocessing/preprocess_logs_bpic2012.py): an event's activity is concept:name + '-' +
lifecycle:transition; each case's *last* offer event (O_*) decides its label, and only cases
whose last offer event is O_ACCEPTED-COMPLETE, O_DECLINED-COMPLETE or O_CANCELLED-COMPLETE are
kept (the cases that never got an offer are left out). Three binary tasks: accepted, declined,
cancelled (bpic2012_accepted / _declined / _cancelled in the benchmark's code).

voc runs as a user would run it: the events are read by voc.journey (case-based journeys), and
voc.journey.predict.predict_outcomes fits one HistGradientBoostingClassifier per prefix length on
the earliest 80% of cases by start time and scores the latest 20%. Every event of a case carries
the case's label event name as a marker step (<label>_marker) placed after its last event, so voc's
"target happens after the cut" equals the benchmark's case label for every case that reaches
the cut. Cases shorter than the prefix are left out at that length, as in the benchmark.

Differences that remain (stated in docs/prediction.md): voc's features are control flow, timing,
the numeric case attribute AMOUNT_REQ and counts of the resources (org:resource, prefixed 'r' so
voc keeps it as a categorical property, not a number) in the prefix; the benchmark's methods also
use inter-case features (open cases) and tune hyper-parameters per dataset and method. Its "overall
AUC" averages over prefix lengths 1..40 weighted by the number of prefixes; we print each length and
the weighted mean over the lengths we run.

Prints one row per (label, prefix length): n_train, n_test, test positives, ROC-AUC, the
last-step logistic-regression baseline's ROC-AUC, PR-AUC, the prior (no-skill PR-AUC), Brier, fit
seconds per label (the permutation-importance drivers are skipped here: top_drivers 0).
"""
from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("VOC_SHARED_DATA", ROOT.parent / "shared" / "data")) / "bpic2012_eventlog" / "bpic2012_events.csv.gz"
LABELS = {"accepted": "O_ACCEPTED-COMPLETE", "declined": "O_DECLINED-COMPLETE", "cancelled": "O_CANCELLED-COMPLETE"}
MARKER = "{}_marker"


def labelled_log(path: Path) -> pd.DataFrame:
    ev = pd.read_csv(path, dtype=str)
    ev["activity"] = ev["concept:name"] + "-" + ev["lifecycle:transition"]
    ev["ts"] = pd.to_datetime(ev["time:timestamp"], utc=True, format="ISO8601")
    ev = ev.sort_values(["case_id", "ts"], kind="stable")
    offers = ev[ev["concept:name"].str.startswith("O_")]
    last_o = offers.groupby("case_id")["activity"].last()
    keep = last_o[last_o.isin(LABELS.values())]
    ev = ev[ev["case_id"].isin(keep.index)].copy()
    label = keep.map({v: k for k, v in LABELS.items()})
    # one marker step per case, after its last event, naming its label (the target of each task)
    end = ev.groupby("case_id")["ts"].max() + pd.Timedelta(seconds=1)
    marks = pd.DataFrame({"case_id": end.index, "ts": end.to_numpy(), "activity": [MARKER.format(label[c]) for c in end.index],
                          "case:AMOUNT_REQ": ev.groupby("case_id")["case:AMOUNT_REQ"].first().reindex(end.index).to_numpy()})
    out = pd.concat([ev[["case_id", "ts", "activity", "case:AMOUNT_REQ", "org:resource"]], marks], ignore_index=True)
    out["timestamp"] = out["ts"].dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    # the event attributes voc keeps as properties: the requested amount (numeric) and the resource (categorical)
    out["resource"] = "r" + out["org:resource"].fillna("missing").astype(str)
    return out.drop(columns=["ts", "org:resource"]).rename(columns={"case:AMOUNT_REQ": "amount_req"})


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--prefixes", default="2,5,10,15,20,25,30")
    args = ap.parse_args()
    if not args.data.exists():
        raise SystemExit(f"{args.data} is absent (set VOC_SHARED_DATA)")
    from voc.config import JourneyConfig
    from voc.journey.events import read_events
    from voc.journey.predict.outcomes import predict_outcomes
    from voc.journey.run import compute

    t0 = time.perf_counter()
    log_df = labelled_log(args.data)
    prefixes = [int(p) for p in args.prefixes.split(",")]
    outcomes = {k: [MARKER.format(k)] for k in LABELS}
    cfg = JourneyConfig(columns={"case_id": "case_id", "timestamp": "timestamp", "event": "activity"}, outcomes=outcomes,
                        predict={"enabled": False}, segments={"enabled": False}, unusual={"enabled": False})
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "bpic2012_labelled.csv"
        log_df.to_csv(p, index=False)
        log = read_events([p], cfg)
    res = compute(log, None, cfg)
    tl = res.tables["timeline"]
    # the marker steps are targets only: they must never be a feature, so the longest usable prefix
    # ends before them (a case of length L has L-1 real events)
    n_cases = tl["journey_id"].nunique()
    print(f"cases kept: {n_cases:,} (last offer event accepted/declined/cancelled); events: {len(tl) - n_cases:,}; "
          f"prepared in {time.perf_counter() - t0:.1f} s")
    print(f"{'label':10} {'prefix':>6} {'n_train':>7} {'n_test':>6} {'pos_test':>8} {'roc_auc':>7} {'base_auc':>8} "
          f"{'pr_auc':>6} {'prior':>6} {'brier':>6} {'fit_s':>6}")
    summary: dict[str, list[tuple[float, int]]] = {label: [] for label in LABELS}
    warnings = []
    t_all = time.perf_counter()
    for k in prefixes:   # one cut at a time, so each row prints as soon as it is known
        pcfg = cfg.model_copy(update={"predict": cfg.predict.model_copy(update={
            "enabled": True, "prefix_events": [k], "top_drivers": 0, "min_positives": 20})})
        t = time.perf_counter()
        res = predict_outcomes(tl, pcfg, case_based=True)
        fit_s = time.perf_counter() - t
        warnings += res.warnings
        for label in LABELS:
            f = res.info["outcomes"].get(label, {}).get("by_prefix", {}).get(f"events:{k}")
            if not f:
                continue
            print(f"{label:10} {k:>6} {f['n_train']:>7} {f['n_test']:>6} {f['positives_test']:>8} "
                  f"{_f(f.get('roc_auc')):>7} {_f(f.get('baseline_roc_auc')):>8} {_f(f.get('pr_auc')):>6} "
                  f"{_f(f.get('prior_pr_auc')):>6} {_f(f.get('brier')):>6} {fit_s / len(LABELS):>6.1f}", flush=True)
            if f.get("roc_auc") is not None:
                summary[label].append((f["roc_auc"], f["n_test"]))
    fit_s = time.perf_counter() - t_all
    print(f"all fits: {fit_s:.1f} s")
    for label, vals in summary.items():
        den = sum(n for _, n in vals)
        mean = sum(a * n for a, n in vals) / den if den else None
        print(f"{label}: test ROC-AUC averaged over prefix lengths {args.prefixes}, weighted by test prefixes: {_f(mean)}")
    for w in warnings:
        print(f"warning [{w['code']}] {w['reason']}")


def _f(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.3f}"


if __name__ == "__main__":
    main()
