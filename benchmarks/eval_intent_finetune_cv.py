"""Banking77 cross-validation of the fine-tuned intent classifier (`voc intents train --finetune`).

    .venv/bin/python benchmarks/eval_intent_finetune_cv.py [--folds 5] [--epochs 1] [--out result.json]

Same folds as `voc eval intents ... --cv 5` (stratified, seed 42). Fine-tuning MiniLM on 8,000
texts per fold takes tens of minutes per epoch on 2 CPU cores (minutes on a GPU), so `--folds`
stops early for a partial, honestly labelled run. Prints accuracy and macro-F1 per fold.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("VOC_SHARED_DATA", ROOT.parent / "shared" / "data")) / "banking77" / "train.csv"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--start", type=int, default=0, help="skip the folds before this one (resume a run)")
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--out", type=Path, default=None)
    a = ap.parse_args()
    if not DATA.exists():
        sys.exit(f"{DATA} is absent: set VOC_SHARED_DATA to the public data folder")
    from voc.config import EmbedConfig
    from voc.nlp.evaluation import cross_validate
    from voc.nlp.intent.classifier import IntentClassifier

    rows = list(csv.DictReader(open(DATA, newline="", encoding="utf-8")))
    texts = [r["text"] for r in rows]
    labels = [r["category"] for r in rows]

    def fit_predict(tr, te):
        clf = IntentClassifier(embed=EmbedConfig(cache_dir="none"), finetune=True, finetune_epochs=a.epochs,
                               threshold=0.0)
        clf.fit([texts[i] for i in tr], [labels[i] for i in tr])
        pred, _ = clf.predict([texts[i] for i in te])
        return pred

    def on_fold(i, rep):
        print(f"fold {i}: accuracy {rep['accuracy']:.4f} macro-F1 {rep['macro_f1']:.4f} ({rep['seconds']:.0f} s)", flush=True)

    t = time.perf_counter()
    res = cross_validate(fit_predict, labels, k=5, seed=42, folds=a.folds, start=a.start, on_fold=on_fold)
    summary = {k: v for k, v in res.items() if isinstance(v, (int, float, str))}
    summary.update(epochs=a.epochs, start=a.start, per_fold=res["folds"], seconds=round(time.perf_counter() - t, 1))
    print(json.dumps(summary, indent=2))
    if a.out:
        a.out.write_text(json.dumps(summary, indent=2, default=str))


if __name__ == "__main__":
    main()
