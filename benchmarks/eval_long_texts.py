"""Long call transcripts: `embed.long_texts: truncate` (first 256-token window) vs `chunk` (overlapping windows
averaged, weighted by tokens): accuracy and texts/s.

    nice -n 10 .venv/bin/python benchmarks/eval_long_texts.py [--per-class 8] [--precision auto] [--tokens 330]

Why built this way: the real data here has no labelled long transcripts (the ABCD sample in ../shared/data holds
3 dialogues, each under 256 tokens even with the agent side, so it cannot be cross-validated and is never
truncated). So each labelled Banking77 query (the issue) is set inside a call-length transcript made of real
ABCD turns (greetings, identity checks, order look-ups, other requests: ../shared/data/abcd_sample), about
``--tokens`` tokens long, with the query either early (inside the first window, as in chats) or late (past the
256-token window, as in calls that open with verification). Protocol: stratified 5 folds, seed 42; a logistic
regression trained on the single queries of the training part (as `voc intents train` on labelled short
contacts), tested on the transcripts of the held-out part embedded each way, beside the single queries
themselves; and one trained on the training part's transcripts embedded the same way (as when a user labels
whole calls). texts/s: the transcripts encoded each way, cache off, model loaded.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from inputs import SHARED, banking77, cv_folds  # noqa: E402


def abcd_turns() -> list[str]:
    dialogues = json.loads((SHARED / "abcd_sample" / "abcd_sample.json").read_text(encoding="utf-8"))
    return [t for d in dialogues for speaker, t in d["original"] if speaker != "action" and len(t.split()) >= 3]


def transcript(query: str, turns: list[str], rng: random.Random, tok, n_tokens: int, late: bool, late_after: int) -> str:
    """Real ABCD turns around the query up to about n_tokens: the query early (after one or two turns) or late
    (after at least ``late_after`` tokens of turns)."""
    before, after = [], []
    target_before = late_after if late else rng.randint(5, 30)
    while len(tok(" ".join(before), add_special_tokens=False)["input_ids"]) < target_before:
        before.append(rng.choice(turns))
    text = " ".join(before + [query])
    while len(tok(" ".join([text] + after), add_special_tokens=False)["input_ids"]) < n_tokens:
        after.append(rng.choice(turns))
    return " ".join([text] + after)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--per-class", type=int, default=8)
    ap.add_argument("--precision", default="auto")
    ap.add_argument("--tokens", type=int, default=330)
    ap.add_argument("--late-after", type=int, default=260, help="tokens of turns before a late query (the window is 256)")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=42)
    a = ap.parse_args()
    import pandas as pd
    from sklearn.linear_model import LogisticRegression

    from voc.config import EmbedConfig
    from voc.nlp.embed.embedder import MEMO, Embedder

    if not (SHARED / "abcd_sample" / "abcd_sample.json").exists():
        raise SystemExit(f"needs {SHARED}/abcd_sample/abcd_sample.json")
    texts, labels = banking77()
    df = pd.DataFrame({"text": texts, "category": labels}).groupby("category").sample(n=a.per_class, random_state=a.seed)
    texts, y = df["text"].astype(str).tolist(), df["category"].to_numpy()
    turns = abcd_turns()
    rng = random.Random(a.seed)
    embedders = {m: Embedder(EmbedConfig(precision=a.precision, device="cpu", cache_dir="none", long_texts=m))
                 for m in ("truncate", "chunk")}
    tok = embedders["chunk"].model_.tokenizer
    late = np.array([i % 2 == 1 for i in range(len(texts))])
    long_texts = [transcript(q, turns, rng, tok, a.tokens, bool(lt), a.late_after) for q, lt in zip(texts, late)]
    n_tok = np.array([len(tok(t, add_special_tokens=False)["input_ids"]) for t in long_texts])
    print(f"{len(texts)} Banking77 queries ({df['category'].nunique()} classes) in transcripts of {n_tok.mean():.0f} tokens "
          f"(min {n_tok.min()}, max {n_tok.max()}) from {len(turns)} ABCD turns; query late (past token {a.late_after}) in half; "
          f"precision {a.precision}; cores {os.cpu_count()}; load {os.getloadavg()[0]:.1f}", flush=True)
    Q = embedders["truncate"].encode(texts)
    X, speed = {}, {}
    for mode, emb in embedders.items():
        emb.model_.encode(long_texts[:8], batch_size=64)  # warm-up
        MEMO.clear()
        t = time.perf_counter()
        X[mode] = emb.encode(long_texts)
        speed[mode] = len(long_texts) / (time.perf_counter() - t)
        print(f"  {mode}: {speed[mode]:.1f} transcripts/s (load {os.getloadavg()[0]:.1f}); "
              f"texts chunked {emb.info()['texts_chunked']}", flush=True)
    acc: dict[str, list[float]] = {}
    for tr, te in cv_folds(y, a.folds, a.seed):
        clf = LogisticRegression(C=20, max_iter=2000).fit(Q[tr], y[tr])
        rows = {"single query": (clf, Q[te], np.ones(len(te), bool))}
        for mode in X:  # trained on single queries, or on the training part's transcripts embedded the same way
            own = LogisticRegression(C=20, max_iter=2000).fit(X[mode][tr], y[tr])
            for where, mask in (("early", ~late[te]), ("late", late[te])):
                rows[f"{mode}, query {where}, trained on queries"] = (clf, X[mode][te], mask)
                rows[f"{mode}, query {where}, trained on transcripts"] = (own, X[mode][te], mask)
        for name, (model, M, mask) in rows.items():
            acc.setdefault(name, []).append(float((model.predict(M[mask]) == y[te][mask]).mean()))
    print(f"\nBanking77 queries in ~{a.tokens}-token transcripts, {a.folds}-fold CV:")
    for name, v in acc.items():
        print(f"  {name:<46} accuracy {np.mean(v):.4f} ± {np.std(v):.4f}")
    print(f"  cost: chunk {speed['chunk']:.1f} vs truncate {speed['truncate']:.1f} transcripts/s "
          f"({speed['truncate'] / speed['chunk']:.2f}x the encoder time)")


if __name__ == "__main__":
    main()
