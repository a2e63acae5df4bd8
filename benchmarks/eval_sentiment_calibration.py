"""Negative recall of the trained sentiment recipe, before and after class-prior calibration, by
stratified 5-fold cross-validation on TweetEval validation (out-of-fold predictions; C and the class
bias are chosen inside each training fold only). Prints per-class recall and precision on all tweets
and on two customer-service-like subsets; asserts nothing.

    .venv/bin/python benchmarks/eval_sentiment_calibration.py [--data ../shared/data/tweeteval_sentiment]
        [--floors none,0,0.75,0.8] [--complaint-lexicon] [--precision fp32] [--distant ../shared/data/banking77]

``--distant PATH`` adds the distant-label examples of a support-intent data set to every training fold
(the shipped recipe since 0.3, weight ``--distant-weight``, default the recipe's; docs/evaluation.md).

The subsets are fixed word lists, written before any figure on them was seen and never tuned:
  service   tweets with a customer-service word (SERVICE below: service, support, refund, order,
            delivery, flight, delayed, cancelled, waiting, on hold, account, bill, app, phone, ...)
  brand     those, plus tweets naming a consumer brand or product (BRAND below: Amazon, Apple, iPhone,
            Samsung, Microsoft, Xbox, Google, Netflix, Verizon, Uber, Starbucks, ...)
TweetEval tweets are mostly about public topics, not service contacts: these subsets are small (about
90 and 190 tweets, 17 and 31 negative) and only hint at customer-service text; they are not a
substitute for a labelled support data set.

``--complaint-lexicon`` appends 7 complaint/frustration features (counts of frustration words,
service-failure phrases, negations, waiting times, '?', '!', all-caps words) to the features: the
alternative that was measured and not adopted (docs/evaluation.md).
"""
from __future__ import annotations

import argparse
import os
import re
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")

SERVICE = re.compile(
    r"\b(customer service|customer support|support|service|refunds?|orders?|ordered|delivery|delivered|shipping|shipped|"
    r"package|flights?|airlines?|delayed|delays?|cancell?ed|waiting|on hold|account|billing|bill|charged|subscription|"
    r"update|app|battery|wifi|internet|phone|store|customers?|cable|network|outage|crash(?:es|ed)?|broken|replacement|"
    r"warranty)\b", re.I)
BRAND = re.compile(
    r"\b(amazon|apple|iphone|ipad|samsung|galaxy|microsoft|windows|xbox|playstation|ps4|google|android|netflix|verizon|"
    r"at&t|at&amp;t|comcast|uber|walmart|target|starbucks|mcdonald'?s|nike|tesla|sony|nintendo)\b", re.I)

_FRUSTRATION = (r"worst|terrible|horrible|awful|ridiculous|unacceptable|disappoint\w*|frustrat\w*|annoy\w*|useless|"
                r"pathetic|rude|sucks?|hate|angry|furious|fed up|sick of|tired of|waste of|never again|joke|shame|"
                r"disgust\w*|incompetent|scam|complain\w*|hopeless|poor|bad")
_FAILURE = (r"delay(?:ed|s)?|cancell?ed|cancel|lost|missing|broken|broke|crash(?:ed|es|ing)?|fail(?:ed|s|ing|ure)?|error|"
            r"refund|overcharged|charged twice|still waiting|waiting|on hold|no one|nobody|never (?:got|received|arrived|came)|"
            r"hasn'?t arrived|didn'?t (?:get|receive|work|arrive)|doesn'?t work|not working|won'?t (?:work|let)|"
            r"can'?t (?:get|log|find|believe)|stuck|late|again")
_LEX = [re.compile(rf"\b(?:{p})\b", re.I) for p in
        (_FRUSTRATION, _FAILURE, r"not|no|never|n't|cannot|nothing|nowhere|none",
         r"\d+\s*(?:hours?|hrs?|days?|mins?|minutes?|weeks?)")]


def complaint_features(texts: list[str]) -> np.ndarray:
    out = np.zeros((len(texts), 7))
    for i, t in enumerate(texts):
        for j, r in enumerate(_LEX):
            out[i, j] = len(r.findall(t))
        out[i, 4], out[i, 5] = "?" in t, "!" in t
        out[i, 6] = sum(1 for w in t.split() if len(w) > 2 and w.isupper())
    return np.log1p(out)


def _line(name: str, y: np.ndarray, pred: np.ndarray) -> str:
    from voc.nlp.sentiment.base import LABELS

    rec = [float((pred[y == c] == c).mean()) for c in LABELS]
    prec = [float((y[pred == c] == c).mean()) if (pred == c).any() else float("nan") for c in LABELS]
    return (f"  {name:>22}: recall neg {rec[0]:.3f} neu {rec[1]:.3f} pos {rec[2]:.3f} macro {np.mean(rec):.4f}"
            f"   precision neg {prec[0]:.3f}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=str(Path(__file__).resolve().parents[1].parent / "shared" / "data" / "tweeteval_sentiment"))
    ap.add_argument("--floors", default="none,0,0.75,0.8", help="negative-recall floors to compare ('none': no calibration)")
    ap.add_argument("--complaint-lexicon", action="store_true")
    ap.add_argument("--precision", default="fp32")
    ap.add_argument("--k", type=int, default=5)
    ap.add_argument("--distant", default=None, help="a Banking77 / CLINC150 path: distant labels added to every training fold")
    ap.add_argument("--distant-weight", type=float, default=None)
    args = ap.parse_args()

    from voc.config import EmbedConfig
    from voc.nlp.sentiment.data import load_sentiment_data
    from voc.nlp.sentiment.features import SentimentFeaturizer
    from voc.nlp.sentiment.train import DISTANT_WEIGHT, Extra, cross_validated_predictions

    ds = load_sentiment_data(args.data)
    X = SentimentFeaturizer(EmbedConfig(precision=args.precision)).transform(ds.texts)
    if args.complaint_lexicon:
        X = np.hstack([X, complaint_features(ds.texts)])
    y = np.array(ds.labels, dtype=object)
    extra = None
    if args.distant:
        from voc.nlp.sentiment.distant import distant_data

        d = distant_data(args.distant)
        Xd = SentimentFeaturizer(EmbedConfig(precision=args.precision)).transform(d.texts)
        if args.complaint_lexicon:
            Xd = np.hstack([Xd, complaint_features(d.texts)])
        extra = Extra(Xd, d.labels, DISTANT_WEIGHT if args.distant_weight is None else args.distant_weight)
        print(f"distant labels: {len(d)} examples from {d.source}, weight {extra.weight:g}")
    subsets = {"all": np.ones(len(y), bool), "service": np.array([bool(SERVICE.search(t)) for t in ds.texts])}
    subsets["brand"] = subsets["service"] | np.array([bool(BRAND.search(t)) for t in ds.texts])
    preds = {}
    for f in args.floors.split(","):
        floor = None if f.strip() == "none" else float(f)
        t0 = time.perf_counter()
        cv = cross_validated_predictions(X, list(y), k=args.k, seed=42, negative_recall_floor=floor, extra=extra)
        name = "uncalibrated" if floor is None else f"floor {floor:g}"
        preds[name] = np.asarray(cv["oof_pred"], dtype=object)
        print(f"{name}: {args.k}-fold CV in {time.perf_counter() - t0:.1f} s; bias per fold {cv['bias_per_fold']}")
    print(f"data: {ds.source}; features: {X.shape[1]} ({args.precision} embedding + VADER"
          f"{' + complaint lexicon' if args.complaint_lexicon else ''})")
    for sname, mask in subsets.items():
        counts = {c: int((y[mask] == c).sum()) for c in ("negative", "neutral", "positive")}
        print(f"== {sname}: {int(mask.sum())} tweets {counts}")
        for name, p in preds.items():
            print(_line(name, y[mask], p[mask]))


if __name__ == "__main__":
    main()
