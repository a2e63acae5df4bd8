"""Suggested-then-used intent taxonomies (`voc intents suggest`) against a trained classifier.

    nice -n 10 python benchmarks/eval_intents_suggest.py [--data banking77 clinc150] [--n 2000] [--precision int8]

Protocol, per data set (Banking77 train.csv; CLINC150 train+val in-scope), shuffled with seed 0:

* discovery set: the first ``--n`` queries. ``suggest_taxonomy`` sees their texts only (no label),
  exactly what `voc intents suggest` does, and writes a taxonomy (default settings, 8 examples).
* evaluation set: the next ``--n`` queries, disjoint from the discovery set.

Rows printed (all scored on the evaluation set against the gold intents):

1. ``suggested, as written``: the suggested taxonomy used for zero-shot intents without any edit.
   Its intent names are not the gold names, so only agreement measures apply: NMI and ARI (with
   'unknown' as one more cluster), the share predicted 'unknown', and the number of intents.
2. ``suggested, then named``: a simulated person names each suggested intent with the gold intent
   most of its discovery-set members carry (several suggested intents given the same name are a
   merge). This is an oracle for the naming step (it reads discovery-set labels: a person naming
   topics from their examples does about this, at best); it makes accuracy measurable.
   Gold intents no suggested topic stands for can never be predicted: ``covered`` says how many
   gold intents have a name.
3. ``shipped taxonomy``: voc's default customer-support taxonomy (NMI/ARI only).
4. ``trained (n labelled)``: IntentClassifier (embedding features, default settings, no unknown
   threshold) trained on the discovery set WITH its labels: what labelling those contacts buys.

Embeddings: voc's Embedder at ``--precision`` (int8 by default: 2-4x faster on a CPU, cosine
0.994 to fp32), served by the shared embedding cache on a re-run.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from eval_topics import load  # noqa: E402  (same data loaders)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", nargs="+", default=["banking77", "clinc150"])
    ap.add_argument("--n", type=int, default=2000, help="discovery set size (and evaluation set size)")
    ap.add_argument("--precision", default="int8")
    ap.add_argument("--examples", type=int, default=8)
    ap.add_argument("--max-intents", default="50", help="topics.nr_topics for the suggestion "
                                                        "(`--max-intents`; 'null': no merging)")
    args = ap.parse_args()

    from sklearn.metrics import accuracy_score, adjusted_rand_score, normalized_mutual_info_score

    from voc.config import EmbedConfig, TopicsConfig
    from voc.nlp.embed import Embedder
    from voc.nlp.intent.classifier import IntentClassifier
    from voc.nlp.intent.suggest import suggest_taxonomy
    from voc.nlp.intent.taxonomy import load_taxonomy, parse_taxonomy
    from voc.nlp.intent.zero_shot import ZeroShotIntentClassifier

    embed = EmbedConfig(precision=args.precision)
    embedder = Embedder(embed)
    print(f"embed.precision={args.precision}; discovery n={args.n}, evaluation n={args.n} (disjoint), seed 0; "
          f"max intents {args.max_intents}")
    print(f"{'data':<10} {'method':<28} {'intents':>7} {'covered':>8} {'unknown':>8} "
          f"{'NMI':>6} {'ARI':>6} {'accuracy':>9} {'s':>6}")
    for name in args.data:
        df = load(name).sample(frac=1.0, random_state=0).reset_index(drop=True)
        disc, ev = df.iloc[:args.n], df.iloc[args.n:2 * args.n]
        e_disc = embedder.encode(disc["text"].tolist())
        e_ev = embedder.encode(ev["text"].tolist())
        gold = ev["label"].to_numpy()

        def row(method, pred, n_int, covered="", acc=None, secs=0.0, name=name, gold=gold):  # this data set's name and labels
            unk = float(np.mean(pred == "unknown"))
            print(f"{name:<10} {method:<28} {n_int:>7} {covered:>8} {unk:>8.1%} "
                  f"{normalized_mutual_info_score(gold, pred):>6.3f} {adjusted_rand_score(gold, pred):>6.3f} "
                  f"{'' if acc is None else f'{acc:.1%}':>9} {secs:>6.1f}", flush=True)

        t = time.perf_counter()
        nr = None if args.max_intents in ("null", "none") else int(args.max_intents)
        s = suggest_taxonomy(disc["text"].tolist(), e_disc, topics=TopicsConfig(nr_topics=nr), embed=embed,
                             n_examples=args.examples, name=name)
        tax = parse_taxonomy(s.data)
        zs = ZeroShotIntentClassifier(tax, embed=embed).fit()
        pred, _ = zs.predict(ev["text"].tolist(), embeddings=e_ev)
        row("suggested, as written", pred, len(tax.intents), secs=time.perf_counter() - t)

        # the oracle naming step: each suggested intent -> majority gold intent of its discovery members
        dpred, _ = zs.predict(disc["text"].tolist(), embeddings=e_disc, threshold=-1.0)
        naming = pd.Series(disc["label"].to_numpy()).groupby(dpred).agg(lambda v: v.value_counts().idxmax()).to_dict()
        named = np.array([naming.get(p, "unknown") if p != "unknown" else "unknown" for p in pred], dtype=object)
        covered = len(set(naming.values()))
        row("suggested, then named", named, covered, covered=f"{covered}/{df['label'].nunique()}",
            acc=accuracy_score(gold, named))

        shipped = ZeroShotIntentClassifier(load_taxonomy(), embed=embed).fit()
        spred, _ = shipped.predict(ev["text"].tolist(), embeddings=e_ev)
        row("shipped taxonomy", spred, len(shipped.classes_))

        t = time.perf_counter()
        clf = IntentClassifier(embed=embed, feature_set="embedding", threshold=0.0).fit(disc["text"].tolist(),
                                                                                        disc["label"].tolist())
        tpred, _ = clf.predict(ev["text"].tolist(), embeddings=e_ev)
        tpred = np.asarray(tpred, dtype=object)
        row(f"trained ({args.n} labelled)", tpred, len(clf.classes_), acc=accuracy_score(gold, tpred),
            secs=time.perf_counter() - t)


if __name__ == "__main__":
    main()
