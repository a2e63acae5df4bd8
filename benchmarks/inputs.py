"""Benchmark inputs: ticket exports of N contacts with unique ids, built from public customer queries; Banking77
and its cross-validation folds, read and built once for every CV script."""
from __future__ import annotations

import csv
import json
import os
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("VOC_SHARED_DATA", ROOT.parent / "shared" / "data"))

BANKING77 = SHARED / "banking77" / "train.csv"
CV_FOLDS, CV_SEED = 5, 42   # the folds of `voc eval intents --cv 5` (voc.nlp.evaluation.cv.stratified_folds)

FALLBACK = ["I was charged twice for my order, please refund me.", "My parcel never arrived.",
            "I cannot log in to my account since yesterday.", "Please cancel my subscription."]


def make_tickets(n: int, folder: Path, files: int = 1, seed: int = 0) -> str:
    """Write N tickets (Zendesk-style CSV) over ``files`` files; returns where the texts came from.

    Texts are drawn without replacement (a shuffled pass over the source, then another): up to the
    source's size every ticket text is distinct, so the pipeline's de-duplication of identical texts
    gives it no edge over the raw encoder in bench_analyze."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    b77 = SHARED / "banking77" / "train.csv"
    if b77.exists():
        with open(b77, newline="", encoding="utf-8") as f:
            texts = [r["text"] for r in csv.DictReader(f)]
        texts = list(dict.fromkeys(texts))
        source = f"Banking77 train.csv ({len(texts)} distinct texts)"
        clinc = SHARED / "clinc150" / "train_val.json"
        if n > len(texts) and clinc.exists():   # more distinct texts: CLINC150 queries after Banking77's
            extra = [str(r[0]) for rows in json.loads(clinc.read_text(encoding="utf-8")).values() for r in rows]
            known = set(texts)
            extra = [t for t in dict.fromkeys(extra) if t not in known]
            source += f" + CLINC150 ({len(extra)} distinct texts)"
            texts += extra
    else:
        texts, source = FALLBACK, "built-in sentences"
    order: list[int] = []
    while len(order) < n:
        perm = list(range(len(texts)))
        rng.shuffle(perm)
        order.extend(perm)
    if n > len(texts):
        source += f"; {n - len(texts)} tickets repeat a text"
    per_file = -(-n // files)
    for k in range(files):
        with open(folder / f"tickets_{k:04d}.csv", "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["id", "subject", "description", "requester_email", "status", "created_at"])
            for i in range(k * per_file, min(n, (k + 1) * per_file)):
                w.writerow([i + 1, "", texts[order[i]], f"user{i % 997}@example.com", "open",
                            f"2026-0{1 + i % 9}-1{i % 9}T10:00:00Z"])
    return source


def banking77(path: Path = BANKING77) -> tuple[list[str], list[str]]:
    """(texts, labels) of Banking77's train.csv in file order; exits naming the path when it is absent."""
    if not path.exists():
        raise SystemExit(f"{path} is absent: set VOC_SHARED_DATA to the public data folder")
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return [r["text"] for r in rows], [r["category"] for r in rows]


def cv_folds(labels, k: int = CV_FOLDS, seed: int = CV_SEED) -> list:
    """The (train, test) index pairs of the benchmarks' CV: stratified, shuffled, seed 42 by default; the folds
    of `voc eval intents --cv` and of voc.nlp.evaluation.cross_validate on the same labels."""
    from voc.nlp.evaluation.cv import stratified_folds

    return stratified_folds(labels, k, seed)
