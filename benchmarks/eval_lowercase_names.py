"""False positives of the lower-case person-name rule (voc.redact.given_names) on real customer text.

    .venv/bin/python benchmarks/eval_lowercase_names.py            # Banking77 (10,003) + CLINC150 train+val (18,000)
    .venv/bin/python benchmarks/eval_lowercase_names.py --more     # also CLINC150 out-of-scope and TweetEval tweets

Banking77 and CLINC150 queries hold (almost) no person names, so every text where the rule adds a PERSON span
that the rest of the redactor (NER, cue rules) did not already find is listed: each is a false positive unless
it is a real name. The redactor runs twice on every text, with the rule and without it; the difference is what
the rule adds. Data: ../shared/data (see its README); absent files are skipped with a message.
"""
from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import time
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared" / "data"


def banking77(shared: Path) -> list[str]:
    with open(shared / "banking77" / "train.csv", newline="", encoding="utf-8") as f:
        return [row["text"] for row in csv.DictReader(f)]


def clinc150(shared: Path) -> list[str]:
    data = json.loads((shared / "clinc150" / "train_val.json").read_text(encoding="utf-8"))
    return [t for split in ("train", "val") for t, _ in data[split]]


def clinc150_oos(shared: Path) -> list[str]:
    data = json.loads((shared / "clinc150" / "train_val.json").read_text(encoding="utf-8"))
    return [t for split in ("oos_train", "oos_val") for t, _ in data[split]]


def tweeteval(shared: Path) -> list[str]:
    return (shared / "tweeteval_sentiment" / "val_text.txt").read_text(encoding="utf-8").splitlines()


def person_chars(res) -> set[int]:
    return {i for s in res.spans if s.label == "PERSON" for i in range(s.start, s.end)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=SHARED)
    ap.add_argument("--limit", type=int, default=0, help="Only the first N texts of each data set.")
    ap.add_argument("--more", action="store_true", help="Also CLINC150's out-of-scope queries and TweetEval's tweets.")
    args = ap.parse_args()
    from voc.config import RedactConfig
    from voc.redact import redactor as red

    r = red.Redactor(RedactConfig())
    sets = {}
    loaders = [("banking77", banking77), ("clinc150 train+val", clinc150)]
    if args.more:
        loaders += [("clinc150 out-of-scope", clinc150_oos), ("tweeteval val (tweets, many public figures)", tweeteval)]
    for name, load in loaders:
        try:
            sets[name] = load(args.shared)
        except FileNotFoundError as e:
            print(f"{name}: skipped ({e})")
    total = flagged = 0
    for name, texts in sets.items():
        texts = texts[:args.limit] if args.limit else texts
        r.redact_many(texts[:50])      # warm-up: the model loads on first use
        t0 = time.perf_counter()
        with_rule = r.redact_many(texts)
        t1 = time.perf_counter()
        with mock.patch.object(red, "given_name_spans", lambda text, not_person=(): []):
            without = r.redact_many(texts)
        t2 = time.perf_counter()
        added = []
        for t, a, b in zip(texts, with_rule, without):
            new = person_chars(a) - person_chars(b)
            if new:
                added.append((t, " ".join(m.group() for m in re.finditer(r"\S+", t)
                                          if any(i in new for i in range(m.start(), m.end())))))
        total += len(texts)
        flagged += len(added)
        print(f"\n== {name}: {len(texts):,} texts; the rule adds a PERSON span in {len(added)} "
              f"({100 * len(added) / max(1, len(texts)):.3f}%); {len(texts) / (t1 - t0):,.0f} texts/s with it, "
              f"{len(texts) / (t2 - t1):,.0f} without")
        for text, words in added:
            print(f"   [{words}]  {text[:150]!r}")
    print(f"\nALL: {flagged} of {total:,} texts")


if __name__ == "__main__":
    main()
