"""Contact vectors of multi-turn conversations: one embedding of the joined customer text ('text') vs the
length-weighted mean of each customer message's embedding ('messages', which lets sentiment reuse them).

    .venv/bin/python benchmarks/eval_contact_vector.py [--precision int8] [--folds 5]

Protocol: Banking77 (../shared/data/banking77/train.csv), stratified folds. A logistic regression is trained on
the single queries of the training part (as `voc intents train` would be, on labelled one-message contacts).
Each query of the held-out part becomes a conversation: the labelled query first, then 1-4 generic customer
follow-ups ("It still has not been sorted.", ...) drawn at random, as in real chats where the first message
states the issue. Accuracy of the classifier on the conversation vectors made both ways, beside the single
queries themselves, and the encoder passes each way needs (texts encoded) when sentiment also scores messages.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from inputs import banking77, cv_folds  # noqa: E402

FOLLOW = ["It still has not been sorted.", "I already tried that twice.", "Can you check again please?",
          "This is the third time I am asking.", "Ok thanks.", "Any update on this?", "Please hurry, I need it today.",
          "I have attached a screenshot.", "Hello?", "Thanks for your help so far."]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--precision", default="int8")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=42)
    a = ap.parse_args()
    from sklearn.linear_model import LogisticRegression

    from voc.config import EmbedConfig
    from voc.nlp.embed import Embedder

    texts, labels = banking77()
    y = np.asarray(labels, dtype=object)
    emb = Embedder(EmbedConfig(precision=a.precision, device="cpu"))
    X = emb.encode(texts)
    F = emb.encode(FOLLOW)
    rng = random.Random(a.seed)
    acc = {"single query": [], "text (joined)": [], "messages (pooled)": []}
    t0 = time.perf_counter()
    for k, (tr, te) in enumerate(cv_folds(y, a.folds, a.seed)):
        clf = LogisticRegression(C=20, max_iter=2000).fit(X[tr], y[tr])
        convs = [[texts[i]] + [rng.choice(FOLLOW) for _ in range(rng.randint(1, 4))] for i in te]
        joined = emb.encode([" ".join(c) for c in convs])
        pooled = []
        for i, c in zip(te, convs):
            vs = np.vstack([X[i]] + [F[FOLLOW.index(t)] for t in c[1:]])
            w = np.sqrt([len(t) for t in c])
            v = (vs * w[:, None]).sum(0) / w.sum()
            pooled.append(v / np.linalg.norm(v))
        pooled = np.vstack(pooled)
        acc["single query"].append((clf.predict(X[te]) == y[te]).mean())
        acc["text (joined)"].append((clf.predict(joined) == y[te]).mean())
        acc["messages (pooled)"].append((clf.predict(pooled) == y[te]).mean())
        print(f"fold {k + 1}: " + ", ".join(f"{n} {v[-1]:.4f}" for n, v in acc.items()), flush=True)
    print(f"\nBanking77 {a.folds}-fold, encoder precision {a.precision} ({time.perf_counter() - t0:.0f} s)")
    for n, v in acc.items():
        print(f"  {n:<18} accuracy {np.mean(v):.4f} ± {np.std(v):.4f}")
    print("  texts encoded per conversation when sentiment also scores each message: text mode = messages + 1 "
          "joined text; messages mode = messages only")


if __name__ == "__main__":
    main()
