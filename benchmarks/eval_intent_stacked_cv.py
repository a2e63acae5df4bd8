"""Banking77 cross-validation of the stacked intent ensemble (feature_set="stacked") against the
default embedding + character n-gram heads, on the same folds and the same frozen embeddings.

    .venv/bin/python benchmarks/eval_intent_stacked_cv.py [--folds 5] [--heads embedding_lr,ngram_svm] [--out r.json]

Same folds as `voc eval intents ... --cv 5` (stratified, seed 42); the encoder runs once over all
texts (voc's embedding cache makes a re-run cheap) and each fold fits only the heads, exactly as
IntentClassifier does with holdout=0 (what `voc eval intents --cv` runs). Prints per fold: accuracy
of both, the ensemble's head weights and inner-CV accuracies, training seconds of both, and the
heads' prediction speed (texts/s, encoder excluded; the encoder's own speed is printed once).
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
    ap.add_argument("--start", type=int, default=0)
    ap.add_argument("--heads", default=None,
                    help="comma-separated heads of the ensemble (default: ensemble.DEFAULT_HEADS; "
                         "all four: embedding_lr,ngram_lr,embedding_svm,ngram_svm)")
    ap.add_argument("--no-baseline", action="store_true", help="skip the embedding+tfidf default")
    ap.add_argument("--out", type=Path, default=None)
    a = ap.parse_args()
    texts, labels = banking77()
    import numpy as np

    from voc.config import EmbedConfig
    from voc.nlp.embed import get_embedder
    from voc.nlp.intent.classifier import IntentClassifier
    from voc.nlp.intent.ensemble import DEFAULT_HEADS

    y_str = np.asarray(labels, dtype=object)
    heads = tuple(a.heads.split(",")) if a.heads else DEFAULT_HEADS
    embedder = get_embedder(EmbedConfig())
    t = time.perf_counter()
    emb = embedder.encode(texts)
    out: dict = {"n": len(texts), "heads": list(heads), "encode_seconds_all_texts": round(time.perf_counter() - t, 1),
                 "folds": []}
    sample = texts[:500]   # encoder speed without the cache, model already loaded
    cold = get_embedder(EmbedConfig(cache_dir="none"))
    cold.encode(["warm-up"])
    t = time.perf_counter()
    cold.encode(sample)
    out["encoder_texts_per_s"] = round(len(sample) / (time.perf_counter() - t), 1)
    print(f"encoder: {out['encoder_texts_per_s']} texts/s (fp32, no cache)", flush=True)

    for i, (tr, te) in enumerate(cv_folds(labels)):
        if i < a.start or i >= a.start + a.folds:
            continue
        rec: dict = {"fold": i}
        for fs in (("stacked",) if a.no_baseline else ("stacked", "embedding+tfidf")):
            clf = IntentClassifier(embed=EmbedConfig(), feature_set=fs, stacked_heads=heads, holdout=0.0, threshold=0.0)
            t = time.perf_counter()
            clf.fit([texts[j] for j in tr], y_str[tr].tolist())   # embeddings come from the cache
            fit_s = time.perf_counter() - t
            te_texts = [texts[j] for j in te]
            t = time.perf_counter()
            pred, _ = clf.predict(te_texts, embeddings=emb[te])
            pred_s = time.perf_counter() - t
            rec[fs] = {"accuracy": float(np.mean(pred == y_str[te])), "fit_seconds": round(fit_s, 1),
                       "heads_texts_per_s": round(len(te) / pred_s)}
            if fs == "stacked":
                rec[fs]["weights"] = dict(zip(heads, clf.stacked_.weights_.round(4).tolist()))
        out["folds"].append(rec)
        print(json.dumps(rec), flush=True)
    for fs in ("stacked", "embedding+tfidf"):
        acc = [f[fs]["accuracy"] for f in out["folds"] if fs in f]
        if acc:
            out[fs] = {"accuracy_mean": float(np.mean(acc)), "accuracy_sd": float(np.std(acc, ddof=1)) if len(acc) > 1 else None,
                       "per_fold": acc}
    print(json.dumps({k: v for k, v in out.items() if k != "folds"}, indent=2))
    if a.out:
        a.out.write_text(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
