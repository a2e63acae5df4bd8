"""Sentiment throughput: texts per second per backend, and the "sentiment" component on a synthetic
corpus of chats (customer + agent turns); then the quality of each backend on the labelled data
(macro-recall and the recall of each class, as `voc eval sentiment` measures it: the trained backend
by 5-fold cross-validation when the data are its training texts). Prints figures; asserts nothing.

    .venv/bin/python benchmarks/bench_sentiment.py [--n 2000] [--backends vader,trained]
        [--data ../shared/data/tweeteval_sentiment] [--no-quality]

Texts are real tweets from the TweetEval folder when it is present (else generated sentences);
the embedding cache is disabled so the trained backend's figure includes encoding.
"""
from __future__ import annotations

import argparse
import os
import random
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def _texts(n: int, data: Path) -> list[str]:
    f = data / "val_text.txt"
    if f.is_file():
        base = [t.strip() for t in f.read_text(encoding="utf-8").splitlines() if t.strip()]
    else:
        rng = random.Random(0)
        words = "order refund late great thanks terrible app crash love slow agent help charge card".split()
        base = [" ".join(rng.choice(words) for _ in range(12)) for _ in range(500)]
    out = []
    i = 0
    while len(out) < n:  # distinct strings, so no backend gets repeated texts for free
        out.append(base[i % len(base)] + ("" if i < len(base) else f" #{i}"))
        i += 1
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--backends", default="vader,trained")
    ap.add_argument("--data", default=str(Path(__file__).resolve().parents[1].parent / "shared" / "data" / "tweeteval_sentiment"))
    ap.add_argument("--contacts", type=int, default=500,
                    help="contacts in the component benchmark (4 customer + 3 agent turns each)")
    ap.add_argument("--no-quality", action="store_true", help="skip the per-class recall on the labelled data")
    args = ap.parse_args()

    import psutil

    from voc.component import Batch
    from voc.config import EmbedConfig, SentimentConfig
    from voc.nlp.sentiment import SentimentComponent, make_backend
    from voc.schema import contacts_frame, messages_frame

    texts = _texts(args.n, Path(args.data))
    proc = psutil.Process()
    embed = EmbedConfig(cache_dir="none")
    print(f"{len(texts)} texts, mean {sum(map(len, texts)) / len(texts):.0f} chars; cpu threads {os.cpu_count()}")
    for name in args.backends.split(","):
        b = make_backend(SentimentConfig(backend=name), embed=embed)
        t0 = time.perf_counter()
        b.analyze(texts[:8])  # load the model
        t_load = time.perf_counter() - t0
        t0 = time.perf_counter()
        b.analyze(texts)
        dt = time.perf_counter() - t0
        print(f"{name:>9}: load {t_load:6.2f} s   {len(texts) / dt:8.1f} texts/s "
              f"  ({dt:.2f} s)   rss {proc.memory_info().rss / 2**20:.0f} MiB")

    comp_texts = _texts(args.contacts * 7, Path(args.data))  # every message distinct
    contacts, rows = [], []
    for c in range(args.contacts):
        cid = f"c{c}"
        contacts.append({"contact_id": cid, "channel": "chat"})
        for s in range(7):
            role = "customer" if s % 2 == 0 else "agent"
            rows.append({"contact_id": cid, "seq": s, "role": role, "text": comp_texts[c * 7 + s]})
    batch = Batch(contacts_frame(contacts), messages_frame(rows))
    for name in args.backends.split(","):
        comp = SentimentComponent(SentimentConfig(backend=name), embed=embed)
        comp(Batch(batch.contacts.head(2), batch.messages[batch.messages.contact_id.isin(["c0", "c1"])]))  # warm
        t0 = time.perf_counter()
        comp(Batch(batch.contacts.copy(), batch.messages.copy()))
        dt = time.perf_counter() - t0
        print(f"component[{name}]: {args.contacts} contacts / {len(rows)} messages in {dt:.2f} s "
              f"({args.contacts / dt:.0f} contacts/s)")

    if args.no_quality:
        return
    if not (Path(args.data) / "val_text.txt").is_file():
        print(f"quality: skipped, no labelled data at {args.data}")
        return
    from voc.nlp.sentiment.data import load_sentiment_data
    from voc.nlp.sentiment.evaluate import evaluate_backend

    ds = load_sentiment_data(args.data)
    print(f"quality on {ds.source} ({len(ds)} texts):")
    for name in args.backends.split(","):
        r = evaluate_backend(ds, name)
        rec = "  ".join(f"{c} {v:.4f}" for c, v in r["per_class_recall"].items())
        print(f"{name:>9}: macro-recall {r['macro_recall']:.4f}   recall {rec}   ({r['protocol'].split(':')[0]})")


if __name__ == "__main__":
    main()
