"""Does the intent taxonomy fit this data? A pure function of the contacts table.

It does not when the intent step answers 'unknown' for more than ``unknown_max`` of the contacts,
or when the median intent confidence is below ``min_confidence``. Then intents are not headlined
(no intent findings, the intent chart below the topics) and the reader is pointed at the way to get
a taxonomy of their own."""
from __future__ import annotations

from typing import Any, Optional

import pandas as pd

from voc.errors import Errors

UNKNOWN = {"unknown", "", "nan", "none", "<na>", "null"}
HOW_TO_FIX = ("Derive intents from your own contacts with `voc intents suggest OUT_DIR --out taxonomy.yaml` and set "
              "intent.taxonomy to it, or train on labelled contacts with `voc intents train` and set intent.model.")


def taxonomy_fit(contacts: Optional[pd.DataFrame], *, unknown_max: float = 0.40,
                 min_confidence: float = 0.0) -> dict[str, Any]:
    """{fits, unknown_share, median_confidence, contacts, reasons, ...}; ``fits`` is None when the
    contacts carry no intent column (nothing to judge)."""
    res: dict[str, Any] = {"fits": None, "contacts": 0, "unknown_share": None, "median_confidence": None,
                           "unknown_max": unknown_max, "min_confidence": min_confidence, "reasons": []}
    if contacts is None or "intent" not in contacts.columns or contacts.empty:
        return res
    intent = contacts["intent"]
    unknown = intent.isna() | intent.astype(str).str.strip().str.lower().isin(UNKNOWN)
    res["contacts"] = int(len(contacts))
    res["unknown_share"] = float(unknown.mean())
    if "intent_confidence" in contacts.columns:
        conf = pd.to_numeric(contacts["intent_confidence"], errors="coerce").dropna()
        if len(conf):
            res["median_confidence"] = float(conf.median())
    reasons = []
    if res["unknown_share"] > unknown_max:
        reasons.append(f"{res['unknown_share']:.0%} of {res['contacts']:,} contacts got intent 'unknown' "
                       f"(report.taxonomy_unknown_max {unknown_max:.0%})")
    if res["median_confidence"] is not None and res["median_confidence"] < min_confidence:
        reasons.append(f"the median intent confidence is {res['median_confidence']:.2f} "
                       f"(report.taxonomy_min_confidence {min_confidence:.2f})")
    res["reasons"] = reasons
    res["fits"] = not reasons
    return res


def fit_warning(fit: dict[str, Any]) -> Optional[dict[str, Any]]:
    """The run.json warning (code E412) when the taxonomy does not fit, else None."""
    if fit.get("fits") is not False:
        return None
    cause, fix = Errors.E412.render(reasons="; ".join(fit["reasons"]))
    return {"code": "E412", "level": "warning", "message": cause, "fix": fix, "source": "taxonomy",
            "unknown_share": fit["unknown_share"], "median_confidence": fit["median_confidence"]}
