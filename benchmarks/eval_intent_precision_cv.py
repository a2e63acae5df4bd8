"""Banking77 cross-validation of an intent model used with another encoder precision than it was trained with.

    nice -n 10 .venv/bin/python benchmarks/eval_intent_precision_cv.py [--folds 5]\
        [--precisions fp32,int8] [--train fp32,int8] [--out r.json]

What it answers: a model trained by `voc intents train` on vectors of one `embed.precision` and run by a pipeline
with another (an fp32 model under the int8 CPU default, or the other way round) sees vectors at cosine ~0.994 to
its training ones; does its accuracy move? Protocol: the folds of `voc eval intents --cv 5` (stratified, seed 42,
benchmarks/inputs.cv_folds); per fold, for each training precision, IntentClassifier with the defaults (stacked
heads) is fitted as `voc eval intents --cv` fits it (holdout 0, threshold 0) on that precision's vectors, then
predicts the same test fold from the vectors of each precision. Prints per fold the accuracy of every
(trained, used) pair and the share of test queries whose predicted intent changed between the two uses; then the
means. fp16 needs a CUDA GPU and is not measured here (pass --precisions fp32,int8,fp16 on a GPU machine).
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
from inputs import banking77, cv_folds  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--folds", type=int, default=5, help="stop after this many of the 5 folds")
    ap.add_argument("--precisions", default="fp32,int8", help="precisions whose vectors are compared")
    ap.add_argument("--train", default=None, help="precisions models are trained on (default: --precisions)")
    ap.add_argument("--out", type=Path, default=None)
    a = ap.parse_args()
    texts, labels = banking77()
    import numpy as np

    from voc.config import EmbedConfig
    from voc.nlp.embed import get_embedder
    from voc.nlp.intent.classifier import IntentClassifier

    precisions = a.precisions.split(",")
    trained_on = a.train.split(",") if a.train else precisions
    y = np.asarray(labels, dtype=object)
    emb = {}
    for p in precisions:
        t = time.perf_counter()
        embedder = get_embedder(EmbedConfig(precision=p))
        emb[p] = embedder.encode(texts)
        print(f"{p}: {len(texts)} texts encoded in {time.perf_counter() - t:.0f} s (precision used: {embedder.precision})",
              flush=True)
    base = precisions[0]
    for p in precisions[1:]:
        cos = np.sum(emb[base] * emb[p], axis=1)
        print(f"cosine {p} vs {base}: mean {cos.mean():.4f}, min {cos.min():.4f}", flush=True)
    out: dict = {"n": len(texts), "load_1min": os.getloadavg()[0], "folds": []}
    for i, (tr, te) in enumerate(cv_folds(labels)):
        if i >= a.folds:
            break
        rec: dict = {"fold": i}
        for p_train in trained_on:
            t = time.perf_counter()
            clf = IntentClassifier(embed=EmbedConfig(precision=p_train), holdout=0.0, threshold=0.0)
            clf.fit([texts[j] for j in tr], y[tr].tolist())     # the vectors come from the cache
            rec[f"fit_seconds_{p_train}"] = round(time.perf_counter() - t, 1)
            te_texts = [texts[j] for j in te]
            preds = {p_use: clf.predict(te_texts, embeddings=emb[p_use][te])[0] for p_use in precisions}
            for p_use, pred in preds.items():
                rec[f"{p_train}->{p_use}"] = float(np.mean(pred == y[te]))
                if p_use != p_train:
                    rec[f"{p_train}->{p_use} changed"] = float(np.mean(pred != preds[p_train]))
        out["folds"].append(rec)
        print(json.dumps(rec), flush=True)
    keys = [k for k in out["folds"][0] if "->" in k]
    out["mean"] = {k: round(float(np.mean([f[k] for f in out["folds"]])), 5) for k in keys}
    out["load_1min_end"] = os.getloadavg()[0]
    print(json.dumps({k: v for k, v in out.items() if k != "folds"}, indent=2))
    if a.out:
        a.out.write_text(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
