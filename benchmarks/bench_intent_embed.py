"""Embedding throughput and the embedding cache store.

    .venv/bin/python benchmarks/bench_intent_embed.py [--n 2000] [--data ../shared/data]

1. encode N Banking77 texts with an empty cache (model cost), then again (cache hits only);
2. the cache store on its own: write and read N random 384-d vectors with voc's SQLite store vs
   a plain alternative (.npy shard + key index held in memory), to justify the choice.
Prints one JSON object. Skips with a message when the public data folder is absent.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from voc.config import EmbedConfig  # noqa: E402
from voc.nlp.embed import Embedder, EmbeddingCache, text_key  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    a = ap.parse_args()
    out: dict = {"n": a.n}
    b77 = a.data / "banking77" / "train.csv"
    if not b77.exists():
        print(f"skip: {b77} is absent")
        return
    import pandas as pd

    texts = pd.read_csv(b77)["text"].drop_duplicates().tolist()[: a.n]
    with tempfile.TemporaryDirectory() as tmp:
        e = Embedder(EmbedConfig(cache_dir=tmp))
        t = time.perf_counter(); e.model_; out["model_load_s"] = round(time.perf_counter() - t, 2)
        t = time.perf_counter(); e.encode(texts); dt = time.perf_counter() - t
        out["encode_uncached_texts_per_s"] = round(len(texts) / dt, 1)
        e2 = Embedder(EmbedConfig(cache_dir=tmp))
        t = time.perf_counter(); e2.encode(texts); dt = time.perf_counter() - t
        out["encode_cached_texts_per_s"] = round(len(texts) / dt, 1)
        out["device"] = e.device

        rng = np.random.default_rng(0)
        vecs = rng.standard_normal((a.n, 384)).astype(np.float32)
        keys = [text_key("m", str(i)) for i in range(a.n)]
        c = EmbeddingCache(Path(tmp) / "bench", model_id="m", dim=384)
        t = time.perf_counter(); c.put_many(zip(keys, vecs)); out["sqlite_write_per_s"] = round(a.n / (time.perf_counter() - t))
        c.close()
        c = EmbeddingCache(Path(tmp) / "bench", model_id="m", dim=384)
        t = time.perf_counter(); got = c.get_many(keys); out["sqlite_read_per_s"] = round(a.n / (time.perf_counter() - t))
        assert len(got) == a.n
        shard = Path(tmp) / "shard.npy"
        t = time.perf_counter()
        np.save(shard, vecs); (Path(tmp) / "keys.bin").write_bytes(b"".join(keys))
        out["npy_write_per_s"] = round(a.n / (time.perf_counter() - t))
        t = time.perf_counter()
        arr = np.load(shard, mmap_mode="r"); kb = (Path(tmp) / "keys.bin").read_bytes()
        index = {kb[i * 32:(i + 1) * 32]: i for i in range(a.n)}
        _ = np.stack([arr[index[k]] for k in keys])
        out["npy_read_per_s"] = round(a.n / (time.perf_counter() - t))
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
