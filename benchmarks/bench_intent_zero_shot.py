"""Zero-shot taxonomy classifier on real data, and the choice of its 'unknown' threshold.

    .venv/bin/python benchmarks/bench_intent_zero_shot.py [--data ../shared/data] [--taxonomy FILE]

In scope: Banking77 queries whose category maps unambiguously onto an intent of voc's shipped taxonomy
(MAPPING below; ambiguous categories are left out, the rest are not used). Out of scope: CLINC150's
oos_train + oos_val queries (200 requests no support taxonomy covers). The threshold maximises the mean
of in-scope accuracy (an 'unknown' counts wrong) and OOS recall, the criterion the supervised
classifier uses too; prints the figures at that threshold and at a few others, as JSON.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

MAPPING = {
    "transaction_charged_twice": "billing_issue", "extra_charge_on_statement": "billing_issue",
    "card_payment_fee_charged": "billing_issue",
    "request_refund": "refund_request", "Refund_not_showing_up": "refund_request",
    "card_arrival": "delivery_problem", "card_delivery_estimate": "order_status",
    "passcode_forgotten": "account_access", "pin_blocked": "account_access",
    "edit_personal_details": "address_or_details_change",
    "terminate_account": "cancellation",
    "declined_card_payment": "payment_declined", "declined_transfer": "payment_declined",
    "compromised_card": "security_fraud", "card_payment_not_recognised": "security_fraud",
    "cash_withdrawal_not_recognised": "security_fraud", "lost_or_stolen_card": "security_fraud",
}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--taxonomy", type=Path, default=None)
    a = ap.parse_args()
    b77, clinc = a.data / "banking77" / "train.csv", a.data / "clinc150" / "train_val.json"
    if not (b77.exists() and clinc.exists()):
        print("skip: banking77/train.csv or clinc150/train_val.json is absent")
        return
    import pandas as pd

    from voc.nlp.intent import ZeroShotIntentClassifier, load_taxonomy

    t0 = time.perf_counter()
    df = pd.read_csv(b77)
    df = df[df["category"].isin(MAPPING)]
    ins_text, ins_y = df["text"].tolist(), df["category"].map(MAPPING).to_numpy(dtype=object)
    d = json.loads(clinc.read_text())
    oos_text = [t for t, _ in d["oos_train"] + d["oos_val"]]
    clf = ZeroShotIntentClassifier(load_taxonomy(a.taxonomy)).fit()
    emb = clf.embedder_.encode(ins_text + oos_text)
    sc = clf.scores(emb)
    best, conf = clf.classes_[sc.argmax(1)], np.clip(sc.max(1), 0, 1)
    n_in = len(ins_text)

    def at(t: float) -> dict:
        kept = conf >= t
        return {"threshold": round(float(t), 3),
                "in_scope_accuracy": float(np.mean(kept[:n_in] & (best[:n_in] == ins_y))),
                "in_scope_coverage": float(np.mean(kept[:n_in])),
                "oos_recall": float(np.mean(~kept[n_in:]))}

    grid = np.round(np.arange(0.20, 0.80, 0.01), 2)
    scores = [(0.5 * (r["in_scope_accuracy"] + r["oos_recall"]), r) for r in map(at, grid)]
    chosen = max(scores, key=lambda s: s[0])[1]
    print(json.dumps({"n_in_scope": n_in, "n_oos": len(oos_text), "n_intents_used": len(set(MAPPING.values())),
                      "closed_set_accuracy": float(np.mean(best[:n_in] == ins_y)), "chosen": chosen,
                      "taxonomy_threshold": clf.threshold_, "at_taxonomy_threshold": at(clf.threshold_),
                      "curve": [at(t) for t in (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)],
                      "seconds": round(time.perf_counter() - t0, 1)}, indent=2))


if __name__ == "__main__":
    main()
