"""Intent classification: zero-shot from a taxonomy, supervised on frozen (or fine-tuned) embeddings,
and the "intent" pipeline component (registered when voc.nlp.intent.component is imported).

Names are imported lazily so that reading a taxonomy does not pay for scikit-learn and torch;
the light component module is imported at once so that "intent" is in voc.registry.components.
"""
from __future__ import annotations

import importlib
from typing import Any

from voc.nlp.intent import component as _component  # noqa: F401  (registers "intent")

_EXPORTS = {
    "IntentClassifier": "voc.nlp.intent.classifier",
    "ZeroShotIntentClassifier": "voc.nlp.intent.zero_shot",
    "IntentComponent": "voc.nlp.intent.component",
    "build_classifier": "voc.nlp.intent.component",
    "Taxonomy": "voc.nlp.intent.taxonomy",
    "Intent": "voc.nlp.intent.taxonomy",
    "load_taxonomy": "voc.nlp.intent.taxonomy",
    "parse_taxonomy": "voc.nlp.intent.taxonomy",
    "DEFAULT_TAXONOMY": "voc.nlp.intent.taxonomy",
}
__all__ = list(_EXPORTS)


def __getattr__(name: str) -> Any:
    mod = _EXPORTS.get(name)
    if mod is None:
        raise AttributeError(f"module 'voc.nlp.intent' has no attribute {name!r}")
    return getattr(importlib.import_module(mod), name)
