"""Topic discovery quality against gold intent labels, per corpus size.

    nice -n 10 python benchmarks/eval_topics.py [--n 500 2000 10000] [--data banking77 clinc150]
                                                [--precision int8] [--seeds 0] [--set nr_topics=null]

For each data set and each n: a seeded random sample of n labelled queries (Banking77 train.csv:
77 intents, 10,003 queries; CLINC150 train+val in-scope: 150 intents, 18,000 queries) is embedded
with voc's Embedder (``--precision int8`` by default: the int8 ONNX encoder, cosine 0.994 to fp32,
2-4x faster on a CPU; the embedding cache makes a re-run skip this), then ``TopicModel`` is fitted
with voc's default topic settings (plus ``--set key=value`` overrides) and compared with the gold
intents (keywords re-ranked with the same encoder when topics.representation is keybert, as in
`voc analyze`). Printed per row:

    topics      number of topics found (-1 'unassigned' not counted)
    largest     share of the n documents in the largest topic
    outliers    share left -1 after outlier reduction (before reduction in brackets)
    NMI / ARI   agreement of the final assignment (outliers as one more cluster) with the gold intents
    fit_s       seconds for TopicModel.fit (UMAP + HDBSCAN + keywords) on this crowded machine
    label       the label of the largest topic

The samples do not depend on the code under test, so two commits can be compared row by row.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("VOC_SHARED_DATA", ROOT.parent / "shared" / "data"))


def load(name: str) -> pd.DataFrame:
    if name == "banking77":
        path = SHARED / "banking77" / "train.csv"
        if not path.exists():
            sys.exit(f"{path} is absent: set VOC_SHARED_DATA to the public data folder")
        return pd.read_csv(path).rename(columns={"category": "label"})[["text", "label"]]
    if name == "clinc150":
        path = SHARED / "clinc150" / "train_val.json"
        if not path.exists():
            sys.exit(f"{path} is absent: set VOC_SHARED_DATA to the public data folder")
        d = json.loads(path.read_text())
        rows = d["train"] + d["val"]
        return pd.DataFrame(rows, columns=["text", "label"])
    sys.exit(f"unknown data set {name!r}: banking77 | clinc150")


def parse_set(items: list[str]) -> dict:
    out = {}
    for item in items:
        k, _, v = item.partition("=")
        out[k] = (None if v in ("null", "none", "None")
                  else json.loads(v) if v[:1] in "[{0123456789-" or v in ("true", "false") else v)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, nargs="+", default=[500, 2000, 10000])
    ap.add_argument("--data", nargs="+", default=["banking77", "clinc150"])
    ap.add_argument("--precision", default="int8", help="embed.precision for the one-off embedding (fp32 | int8)")
    ap.add_argument("--seeds", type=int, nargs="+", default=[0], help="sample seeds (one row each)")
    ap.add_argument("--set", nargs="*", default=[], help="TopicsConfig overrides, e.g. nr_topics=null min_topic_size=5")
    ap.add_argument("--json", type=Path, default=None, help="also write the rows as JSON here")
    ap.add_argument("--show-labels", type=int, default=0, help="also print the labels of the K largest topics per row")
    args = ap.parse_args()

    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    from voc.config import EmbedConfig, TopicsConfig
    from voc.nlp.embed import Embedder
    from voc.nlp.topics import TopicModel

    overrides = parse_set(args.set)
    embedder = Embedder(EmbedConfig(precision=args.precision))
    rows = []
    print(f"settings: TopicsConfig defaults{' + ' + json.dumps(overrides) if overrides else ''}; "
          f"embed.precision={args.precision}")
    print(f"{'data':<10} {'n':>6} {'seed':>4} {'gold':>5} {'topics':>6} {'largest':>8} {'outliers':>16} "
          f"{'NMI':>6} {'ARI':>6} {'fit_s':>6}  label of largest")
    for name in args.data:
        full = load(name)
        for n in args.n:
            for seed in args.seeds:
                df = full.sample(n=min(n, len(full)), random_state=seed).reset_index(drop=True)
                texts = df["text"].astype(str).tolist()
                emb = embedder.encode(texts)
                t = time.perf_counter()
                m = TopicModel(TopicsConfig(**overrides)).fit(texts, emb, embed_fn=embedder.encode)
                fit_s = time.perf_counter() - t
                topics = np.asarray(m.topics_)
                sizes = pd.Series(topics[topics >= 0]).value_counts()
                largest = float(sizes.iloc[0] / len(topics)) if len(sizes) else 0.0
                big = int(sizes.index[0]) if len(sizes) else -1
                row = dict(data=name, n=len(df), seed=seed, gold=int(df["label"].nunique()), topics=m.n_topics_,
                           largest_share=largest, outliers=float(np.mean(topics < 0)),
                           outliers_before=float(m.outlier_share_before_ or 0.0),
                           nmi=float(normalized_mutual_info_score(df["label"], topics)),
                           ari=float(adjusted_rand_score(df["label"], topics)), fit_s=fit_s,
                           label=m.labels_.get(big, "-"), params=m.params_)
                rows.append(row)
                print(f"{name:<10} {row['n']:>6} {seed:>4} {row['gold']:>5} {row['topics']:>6} {largest:>8.1%} "
                      f"{row['outliers']:>7.1%} ({row['outliers_before']:>5.1%}) {row['nmi']:>6.3f} {row['ari']:>6.3f} "
                      f"{fit_s:>6.1f}  {row['label'][:50]}", flush=True)
                if args.show_labels:
                    for t in sizes.index[:args.show_labels]:
                        print(f"{'':>12}{int(sizes[t]):>5}  {m.labels_[int(t)]}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2, default=str))


if __name__ == "__main__":
    main()
