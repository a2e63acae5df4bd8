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
    # The default precision (auto: int8 on the CPU) and its twin model, both trained on TweetEval + the Banking77
    # distant complaint labels (weight 0.1). fp32 (embed.precision: fp32, the fp32 model): macro-recall 0.6522,
    # accuracy 0.6175, macro-F1 0.6066, negative 0.7724 / neutral 0.4833 / positive 0.7009 (docs/evaluation.md).
    "trained": {"data": "tweeteval_sentiment val (2,000)",
                "protocol": ("stratified 5-fold CV, out-of-fold (C and the class-prior bias chosen inside each fold; the "
                             "Banking77 distant-label examples in every training fold); int8 encoder, the CPU default"),
                "macro_recall": 0.6456, "accuracy": 0.6075, "macro_f1": 0.5965,
                "per_class_recall": {"negative": 0.7788, "neutral": 0.4707, "positive": 0.6874}},
}


def auto_order() -> list[str]:
    """Backends for ``auto``, best measured macro-recall first (unmeasured last)."""
    return sorted(MEASURED, key=lambda b: -(MEASURED[b]["macro_recall"] or -1.0))
