"""Measured figures behind the ``auto`` backend choice (TweetEval sentiment, public validation split,
2,000 tweets; metric: macro-averaged recall, the official TweetEval sentiment metric).

Reproduce with ``voc eval sentiment /path/to/tweeteval_sentiment --backend all`` (the trained
backend is evaluated by stratified 5-fold cross-validation, out-of-fold predictions, because the
shipped model was trained on these tweets). Reference: RoBERTa-base scores 71.3 macro-recall on the
TweetEval test split (Barbieri et al. 2020).
"""
from __future__ import annotations

from typing import Any

MEASURED: dict[str, dict[str, Any]] = {
    "vader": {"data": "tweeteval_sentiment val (2,000)", "protocol": "direct (no training)",
              "macro_recall": 0.5977, "accuracy": 0.5725, "macro_f1": 0.5602,
              "per_class_recall": {"negative": 0.6763, "neutral": 0.3878, "positive": 0.7289}},
    # The default precision (auto: int8 on the CPU) and its twin model. fp32 (embed.precision: fp32, the fp32
    # model): macro-recall 0.6560, accuracy 0.6215, macro-F1 0.6103, negative 0.7756 / neutral 0.4891 /
    # positive 0.7033 (docs/evaluation.md).
    "trained": {"data": "tweeteval_sentiment val (2,000)",
                "protocol": ("stratified 5-fold CV, out-of-fold (C and the class-prior bias chosen inside each fold); "
                             "int8 encoder, the CPU default"),
                "macro_recall": 0.6593, "accuracy": 0.6280, "macro_f1": 0.6186,
                "per_class_recall": {"negative": 0.7692, "neutral": 0.5213, "positive": 0.6874}},
}


def auto_order() -> list[str]:
    """Backends for ``auto``, best measured macro-recall first (unmeasured last)."""
    return sorted(MEASURED, key=lambda b: -(MEASURED[b]["macro_recall"] or -1.0))
