"""int8 vs fp32 encoder: texts/s of the raw encoder, and the whole `voc analyze --no-topics` command.

    .venv/bin/python benchmarks/bench_precision.py [--n 3000] [--conversations 600]

Two inputs, both built from public Banking77 queries (../shared/data; falls back to built-in sentences):
  short  N one-line tickets (Zendesk-style CSV), the issue's "3,000 short queries";
  multi  M multi-turn conversations (JSON Lines, 3-9 turns, agent replies between customer turns, a
         fifth of them call-length with a long verification preamble, past the encoder's 256 tokens).
Each measurement runs in a fresh child process:
  1. the raw encoder on the contacts' customer-side texts, encode only (model loaded): fp32 torch vs int8
     ONNX, texts/s, and the cosine of the int8 vectors to the fp32 ones;
  2. the whole command a user runs, `voc analyze IN --no-topics --no-report` with
     `embed.precision: fp32` vs `int8` (embedding cache off), wall time and the child's peak RSS, plus
     the pipeline's own stage timings from run.json.
Aim (issue 16): `voc analyze --no-topics` >= 1.7x faster with int8 than with fp32 on the 3,000 short queries.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from inputs import SHARED, make_tickets  # noqa: E402

ENCODE_CHILD = r"""
import json, sys, time
import numpy as np
from pathlib import Path
from voc.config import EmbedConfig, IngestConfig
from voc.ingest import iter_records, to_frames
from voc.ingest.base import Record
from voc.nlp.embed import Embedder
from voc.schema import customer_text
inp, precision = sys.argv[1], sys.argv[2]
recs = [r for r in iter_records(Path(inp), IngestConfig()) if isinstance(r, Record)]
contacts, messages = to_frames(recs)
texts = customer_text(messages, contacts).tolist()
emb = Embedder(EmbedConfig(cache_dir="none", device="cpu", precision=precision, long_texts="truncate"))
model = emb.model_
model.encode(texts[:64], batch_size=64)  # warm-up
t = time.perf_counter()
v = np.asarray(model.encode(texts, batch_size=64), dtype=np.float32)
dt = time.perf_counter() - t
v /= np.linalg.norm(v, axis=1, keepdims=True)
np.save(sys.argv[3], v)
print(json.dumps({"n": len(texts), "seconds": dt}))
"""

TIMED = r"""
import json, resource, subprocess, sys, time
t = time.perf_counter()
r = subprocess.run(sys.argv[1:], capture_output=True, text=True)
print(json.dumps({"rc": r.returncode, "wall": time.perf_counter() - t, "stderr": r.stderr[-2000:],
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""

AGENT = ["Thanks for reaching out, I can help with that.", "Could you confirm the last four digits of the card?",
         "I have checked your account and I can see the transaction.", "Is there anything else I can help with?",
         "I have raised this with our payments team; you will hear back within two working days."]
FOLLOW = ["It still has not been sorted.", "I already tried that twice.", "Can you check again please?",
          "This is the third time I am asking.", "Ok thanks, that works now."]
PREAMBLE = ("Thank you for calling, my name is on the screen, can I take your full name and the postcode on the "
            "account please. Yes of course. And can you confirm the date of birth and the first line of the address. "
            "Sure. Thank you, and the reason for your call today? ")


def make_conversations(m: int, folder: Path, seed: int = 1) -> None:
    rng = random.Random(seed)
    b77 = SHARED / "banking77" / "train.csv"
    if b77.exists():
        import csv

        with open(b77, newline="", encoding="utf-8") as f:
            queries = [r["text"] for r in csv.DictReader(f)]
    else:
        queries = ["I was charged twice.", "My card was declined.", "Where is my refund?", "I cannot log in."]
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "conversations.jsonl", "w", encoding="utf-8") as f:
        for i in range(m):
            turns = rng.randint(3, 9)
            msgs = []
            for k in range(turns):
                if k % 2 == 0:
                    text = rng.choice(queries) if k == 0 else rng.choice(FOLLOW + queries)
                    if k == 0 and i % 5 == 0:  # call-length: a long verification preamble first
                        text = PREAMBLE * 3 + text
                    msgs.append({"role": "customer", "text": text})
                else:
                    msgs.append({"role": "agent", "text": rng.choice(AGENT)})
            f.write(json.dumps({"id": f"CONV-{i}", "subject": "", "created_at": f"2026-03-{1 + i % 28:02d}T09:00:00Z",
                                "email": f"user{i % 500}@example.com", "messages": msgs}) + "\n")


def child(code: str, *args: str) -> dict:
    r = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT)
    if r.returncode != 0:
        sys.stderr.write(r.stderr[-3000:])
        raise SystemExit(f"child failed ({r.returncode})")
    return json.loads(r.stdout.strip().splitlines()[-1])


def whole_command(inp: Path, out: Path, precision: str) -> dict:
    cfg = out.parent / f"{out.name}.yaml"
    cfg.write_text(f"embed:\n  precision: {precision}\n  cache_dir: none\n  device: cpu\n", encoding="utf-8")
    voc = [sys.executable, "-m", "voc", "analyze", str(inp), "--out", str(out), "--no-topics", "--no-report",
           "--config", str(cfg)]
    res = child(TIMED, *voc)
    if res["rc"] != 0:
        sys.stderr.write(res["stderr"])
        raise SystemExit(f"voc analyze failed ({res['rc']})")
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    res["contacts"] = run.get("counts", {}).get("contacts_out") or run.get("contacts_out")
    res["timings"] = run.get("timings_s", {})
    info = run.get("components", {}).get("embed", {})
    res["encoded"], res["memory_hits"] = info.get("texts_encoded", info.get("cache_misses")), info.get("memory_hits")
    res["load"] = os.getloadavg()[0]
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=3000)
    ap.add_argument("--conversations", type=int, default=600)
    a = ap.parse_args()
    import numpy as np

    print(f"cores={os.cpu_count()}")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        inputs = {"short": tmp / "short", "multi": tmp / "multi"}
        source = make_tickets(a.n, inputs["short"])
        make_conversations(a.conversations, inputs["multi"])
        print(f"short: {a.n} one-line tickets from {source}; multi: {a.conversations} multi-turn conversations")
        for name, inp in inputs.items():
            enc = {p: child(ENCODE_CHILD, str(inp), p, str(tmp / f"{name}_{p}.npy")) for p in ("fp32", "int8")}
            cos = (np.load(tmp / f"{name}_fp32.npy") * np.load(tmp / f"{name}_int8.npy")).sum(1)
            r32, r8 = (enc[p]["n"] / enc[p]["seconds"] for p in ("fp32", "int8"))
            print(f"\n[{name}] raw encoder, encode only: fp32 {r32:.1f} texts/s, int8 {r8:.1f} texts/s -> {r8 / r32:.2f}x "
                  f"(load avg {os.getloadavg()[0]:.2f}); "
                  f"cosine int8 vs fp32: mean {cos.mean():.4f}, min {cos.min():.4f}")
            cmd = {p: whole_command(inp, tmp / f"out_{name}_{p}", p) for p in ("fp32", "int8")}
            for p, res in cmd.items():
                print(f"[{name}] voc analyze --no-topics, {p}: {res['wall']:.1f} s wall, "
                      f"{res['contacts']} contacts ({res['contacts'] / res['wall']:.1f}/s), "
                      f"peak RSS {res['peak_rss_mb']:.0f} MB, "
                      f"texts encoded {res['encoded']} (found in memory {res['memory_hits']}), load avg {res['load']:.2f}; "
                      "stages " + ", ".join(f"{k} {v:.1f}s" for k, v in res["timings"].items()))
            print(f"[{name}] whole command speed-up int8 / "
                  f"fp32: {cmd['fp32']['wall'] / cmd['int8']['wall']:.2f}x (aim >= 1.7x on short)")


if __name__ == "__main__":
    main()
