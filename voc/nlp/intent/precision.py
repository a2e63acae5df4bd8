"""Whether a trained intent model may be used on vectors of another encoder precision than it was trained on.

An artifact records the precision its training vectors were made in (meta.json ``embed_precision``). A run
encodes in the precision ``embed.precision`` resolves to on its device (auto: int8 on the CPU, fp16 on a CUDA
GPU), so a model trained on one machine can meet vectors of another kind: int8 vectors of MiniLM sit at cosine
~0.994 to the fp32 ones. Only pairs whose effect was measured are let through silently; any other mismatch is
warning E209 (terminal, run.json, report). Measured figures: docs/models.md, benchmarks/eval_intent_precision_cv.py.
"""
from __future__ import annotations

from typing import Any, Optional

from voc.errors import Errors

# Pairs of precisions measured to be interchangeable for a trained intent model (either way round), each with
# what was measured. fp16 (CUDA) has not been measured against either: a model crossing it is warned about.
INTERCHANGEABLE: dict[frozenset[str], str] = {
    frozenset({"fp32", "int8"}): (
        "Banking77 5-fold CV, default stacked heads: trained fp32, used on int8 vectors 92.94% vs 93.02% on fp32 "
        "(0.61% of predictions change); trained int8, used on fp32 vectors 92.99% vs 93.01% on int8 (0.53% change)"),
}


def precision_warning(model: str, trained: Optional[str], used: str, setting: str) -> Optional[dict[str, Any]]:
    """Warning E209 (a run.json warning entry, source "intent") when a model trained on ``trained`` vectors is
    used on ``used`` vectors and that pair is not measured as interchangeable; None otherwise. ``trained`` None
    (an artifact written before voc recorded it) cannot be judged: None, and the run records the precision as
    unknown (run.json components.intent)."""
    if trained is None or trained == used or frozenset({trained, used}) in INTERCHANGEABLE:
        return None
    why = ("fp16 vectors have not been measured against fp32 or int8 ones, so how far the model's accuracy moves is "
           "unknown" if "fp16" in (trained, used) else "this pair of precisions has not been measured")
    how = ("Run it where embed.precision: fp16 is possible (a CUDA GPU) so it gets the vectors it was trained on"
           if trained == "fp16" else f"Set embed.precision: {trained} in the pipeline config so the model gets the "
                                     "vectors it was trained on")
    return Errors.E209.warning("intent", path=model, trained=trained, used=used, setting=setting, why=why, how=how)
