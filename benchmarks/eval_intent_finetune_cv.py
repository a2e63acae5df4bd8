"""Banking77 cross-validation of the fine-tuned intent classifier (`voc intents train --finetune`).

    .venv/bin/python benchmarks/eval_intent_finetune_cv.py [--folds 5] [--epochs 1] [--out result.json]

Same folds as `voc eval intents ... --cv 5` (stratified, seed 42). Fine-tuning MiniLM on 8,000
texts per fold takes tens of minutes per epoch on 2 CPU cores (minutes on a GPU), so `--folds`
stops early for a partial, honestly labelled run. Prints accuracy and macro-F1 per fold, and the
accuracy of the same fitted heads at other n-gram weights (0: the fine-tuned embedding head alone).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from inputs import CV_FOLDS, CV_SEED, banking77  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--start", type=int, default=0, help="skip the folds before this one (resume a run)")
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--features", default="embedding+tfidf", help="embedding | embedding+tfidf (the default)")
    ap.add_argument("--out", type=Path, default=None)
    a = ap.parse_args()
    texts, labels = banking77()
    import numpy as np

    from voc.config import EmbedConfig
    from voc.nlp.evaluation import cross_validate
    from voc.nlp.intent.classifier import IntentClassifier

    by_weight: dict[str, list[float]] = {}

    def fit_predict(tr, te):
        clf = IntentClassifier(embed=EmbedConfig(cache_dir="none"), feature_set=a.features, finetune=True,
                               finetune_epochs=a.epochs, threshold=0.0)
        clf.fit([texts[i] for i in tr], [labels[i] for i in tr])
        te_texts = [texts[i] for i in te]
        emb = clf.embedder().encode(te_texts)
        pred, _ = clf.predict(te_texts, embeddings=emb)
        if clf.tfidf_ is not None:   # the same fitted heads at other n-gram weights (0: the embedding head alone)
            chosen, truth = clf.tfidf_weight_, np.asarray([labels[i] for i in te], dtype=object)
            for w in (0.0, 0.25, 0.5, 0.75, 1.0):
                clf.tfidf_weight_ = w
                by_weight.setdefault(str(w), []).append(float(np.mean(clf.predict(te_texts, embeddings=emb)[0] == truth)))
            clf.tfidf_weight_ = chosen
            print("  accuracy by n-gram weight: " + ", ".join(f"{w}: {v[-1]:.4f}" for w, v in by_weight.items()), flush=True)
        return pred

    def on_fold(i, rep):
        print(f"fold {i}: accuracy {rep['accuracy']:.4f} macro-F1 {rep['macro_f1']:.4f} ({rep['seconds']:.0f} s)", flush=True)

    t = time.perf_counter()
    res = cross_validate(fit_predict, labels, k=CV_FOLDS, seed=CV_SEED, folds=a.folds, start=a.start, on_fold=on_fold)
    summary = {k: v for k, v in res.items() if isinstance(v, (int, float, str))}
    summary.update(epochs=a.epochs, features=a.features, start=a.start, per_fold=res["folds"],
                   accuracy_by_ngram_weight={w: {"mean": float(np.mean(v)), "per_fold": v} for w, v in by_weight.items()},
                   seconds=round(time.perf_counter() - t, 1))
    print(json.dumps(summary, indent=2))
    if a.out:
        a.out.write_text(json.dumps(summary, indent=2, default=str))


if __name__ == "__main__":
    main()
