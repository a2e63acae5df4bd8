"""Topic model fit time and peak memory on Banking77 queries with precomputed embeddings.

    .venv/bin/python benchmarks/bench_topics.py [--n 10000] [--device cpu] [--repeats 1]

1. Embeds N Banking77 training queries (../shared/data/banking77/train.csv) once with voc's
   Embedder (the embedding cache makes a re-run skip this) and stores them in a temp .npy.
2. In a fresh child process (so the figures hold the topic model alone, not the encoder):
   imports, then times ``TopicModel.fit`` cold (includes UMAP/numba JIT compilation, paid
   once per process) and warm (a second fit, the steady-state cost), ``transform`` of all
   documents (nearest-centroid assignment), ``save``/``load``, and reports peak RSS before
   and after fitting, number of topics, outlier shares and NMI against the 77 intents.
   The cold fit loads UMAP's compiled code from numba's disk cache when an earlier run wrote it;
   ``--cold-numba`` gives the child an empty cache (the first run after installing).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("VOC_SHARED_DATA", ROOT.parent / "shared" / "data"))

CHILD = r"""
import json, resource, sys, tempfile, time
import numpy as np, pandas as pd

def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

texts_path, emb_path, repeats, overrides = sys.argv[1], sys.argv[2], int(sys.argv[3]), json.loads(sys.argv[4])
df = pd.read_csv(texts_path)
emb = np.load(emb_path)
t = time.perf_counter()
from voc.config import TopicsConfig
from voc.nlp.topics import TopicModel
import bertopic, umap, hdbscan  # noqa: F401  (import cost measured apart from fitting)
out = {"n": len(df), "import_s": time.perf_counter() - t, "peak_rss_before_fit_mb": peak_mb()}
times = []
for i in range(1 + repeats):
    t = time.perf_counter()
    m = TopicModel(TopicsConfig(**overrides)).fit(df["text"].tolist(), emb)
    times.append(time.perf_counter() - t)
out["fit_cold_s"] = times[0]
out["fit_warm_s"] = min(times[1:]) if len(times) > 1 else None
out["peak_rss_after_fit_mb"] = peak_mb()
t = time.perf_counter()
ids, _ = m.transform(df["text"].tolist(), emb)
out["transform_s"] = time.perf_counter() - t
with tempfile.TemporaryDirectory() as d:
    t = time.perf_counter(); m.save(d + "/m"); out["save_s"] = time.perf_counter() - t
    t = time.perf_counter(); TopicModel.load(d + "/m"); out["load_s"] = time.perf_counter() - t
from sklearn.metrics import normalized_mutual_info_score
out.update(n_topics=m.n_topics_, outlier_share_before=m.outlier_share_before_, outlier_share_after=m.outlier_share_after_,
           transform_agrees_with_fit=float(np.mean(ids == m.topics_)),
           nmi_vs_intents=float(normalized_mutual_info_score(df["category"], m.topics_)),
           largest_topics=m.topic_info_.sort_values("size", ascending=False).head(8)[["topic_id", "size", "label"]]
           .values.tolist())
print(json.dumps(out))
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=10000, help="number of Banking77 queries (max 10003)")
    ap.add_argument("--device", default="auto", help="device for the one-off embedding step")
    ap.add_argument("--repeats", type=int, default=1, help="warm fits after the cold one")
    ap.add_argument("--cold-numba", action="store_true",
                    help="an empty numba cache for the child (NUMBA_CACHE_DIR): the first run after installing")
    ap.add_argument("--min-topic-size", type=int, default=None, help="topics.min_topic_size (default: voc's default)")
    ap.add_argument("--nr-topics", type=int, default=None, help="topics.nr_topics: merge down to this many topics")
    args = ap.parse_args()
    overrides = {k: v for k, v in (("min_topic_size", args.min_topic_size), ("nr_topics", args.nr_topics)) if v is not None}

    src = SHARED / "banking77" / "train.csv"
    if not src.exists():
        sys.exit(f"{src} is absent: set VOC_SHARED_DATA to the public data folder")
    import numpy as np
    import pandas as pd

    from voc.config import EmbedConfig
    from voc.nlp.embed import Embedder

    df = pd.read_csv(src).sample(frac=1.0, random_state=0).head(args.n).reset_index(drop=True)
    t = time.perf_counter()
    emb = Embedder(EmbedConfig(device=args.device)).encode(df["text"].tolist())
    embed_s = time.perf_counter() - t
    with tempfile.TemporaryDirectory() as d:
        texts_path, emb_path = Path(d) / "texts.csv", Path(d) / "emb.npy"
        df.to_csv(texts_path, index=False)
        np.save(emb_path, emb)
        env = dict(os.environ, NUMBA_CACHE_DIR=str(Path(d) / "numba")) if args.cold_numba else None
        res = subprocess.run([sys.executable, "-c", CHILD, str(texts_path), str(emb_path), str(args.repeats),
                              json.dumps(overrides)], env=env, capture_output=True, text=True, cwd=ROOT)
    if res.returncode != 0:
        sys.exit(res.stderr[-4000:])
    out = json.loads(res.stdout.strip().splitlines()[-1])
    print(f"documents                 {out['n']:>10,}   (Banking77 train, shuffled, seed 0)  settings {overrides or 'default'}")
    print(f"embedding (one-off)       {embed_s:>10.1f} s (cache may have served it)")
    print(f"imports                   {out['import_s']:>10.1f} s")
    print(f"fit, cold (incl. JIT)     {out['fit_cold_s']:>10.1f} s")
    if out["fit_warm_s"] is not None:
        print(f"fit, warm                 {out['fit_warm_s']:>10.1f} s   ({out['n'] / out['fit_warm_s']:,.0f} docs/s)")
    print(f"transform all             {out['transform_s']:>10.3f} s")
    print(f"save / load               {out['save_s']:>10.2f} s / {out['load_s']:.2f} s")
    print(f"peak RSS before fit       {out['peak_rss_before_fit_mb']:>10.0f} MB")
    print(f"peak RSS after fit        {out['peak_rss_after_fit_mb']:>10.0f} MB   "
          f"(fit adds {out['peak_rss_after_fit_mb'] - out['peak_rss_before_fit_mb']:.0f} MB)")
    print(f"topics                    {out['n_topics']:>10}")
    print(f"outliers before / after   {out['outlier_share_before']:>10.1%} / {out['outlier_share_after']:.1%}")
    print(f"transform == fit          {out['transform_agrees_with_fit']:>10.1%}")
    print(f"NMI vs 77 intents         {out['nmi_vs_intents']:>10.3f}")
    print("largest topics:")
    for tid, size, label in out["largest_topics"]:
        print(f"  {tid:>4}  {size:>5}  {label}")


if __name__ == "__main__":
    main()
