"""Compute the headline figures of voc.metrics.definitions from an output folder's tables.

Pure: tables in, a JSON-ready dict out. Each figure is a record with its value, numerator,
denominator, definition, window and source, so a reader can check it and every place that shows
it shows the same number."""
from __future__ import annotations

from typing import Any, Optional

import pandas as pd

from voc.config import JourneyConfig
from voc.metrics.definitions import METRICS, params_of
from voc.metrics.flags import contact_flags

SOURCE_TEXT = {"journeys": "journey tables (event logs joined)",
               "contacts": "the contacts alone (no event logs joined; same definition)"}


def _record(key: str, params: dict[str, Any], value: Optional[float], numerator: Optional[float],
            denominator: Optional[float], source: str = "", note: str = "") -> dict[str, Any]:
    m = METRICS[key]
    txt = m.render(params)
    return {
        "label": m.label, "unit": m.unit,
        "value": None if value is None else (int(value) if m.unit == "count" else float(value)),
        "numerator": None if numerator is None else (int(numerator) if float(numerator).is_integer() else float(numerator)),
        "denominator": None if denominator is None else int(denominator),
        "definition": txt["definition"], "numerator_definition": txt["numerator"],
        "denominator_definition": txt["denominator"], "denominator_short": txt["short"],
        "window_days": (params["window"] if key in ("repeat_contact_rate", "same_issue_repeat_rate", "first_contact_resolution")
                        else None),
        "source": source, "source_text": SOURCE_TEXT.get(source, source), "needs": m.needs, "note": note,
    }


def _share(key: str, params: dict[str, Any], flags: pd.Series, source: str = "") -> dict[str, Any]:
    known = flags.dropna()
    if len(known) == 0:
        return _record(key, params, None, None, 0, source)
    num = int(known.astype(bool).sum())
    return _record(key, params, num / len(known), num, len(known), source)


def compute_metrics(tables: dict[str, pd.DataFrame], config: Optional[JourneyConfig] = None,
                    embeddings: Optional[pd.DataFrame] = None, *,
                    flags: Optional[tuple[Optional[pd.DataFrame], str]] = None) -> dict[str, dict[str, Any]]:
    """Every metric of METRICS from ``tables`` (contacts, repeat_contacts, friction, journeys).
    ``flags``: per-contact repeat flags already computed (voc.metrics.flags.contact_flags)."""
    config = config or JourneyConfig()
    params = params_of(config)
    c = tables.get("contacts")
    out: dict[str, dict[str, Any]] = {}
    n_contacts = int(len(c)) if c is not None else None
    out["contacts"] = _record("contacts", params, n_contacts, n_contacts, None)

    fl, source = flags if flags is not None else contact_flags(c, tables.get("repeat_contacts"), config, embeddings)
    src = source
    if fl is not None and fl["customer_id"].notna().any():
        n = int(fl["customer_id"].dropna().nunique())
        out["customers"] = _record("customers", params, n, n, None, src)
    elif c is not None and "customer_id" in c.columns and c["customer_id"].notna().any():
        n = int(c["customer_id"].dropna().astype(str).nunique())
        out["customers"] = _record("customers", params, n, n, None, "contacts")
    else:
        out["customers"] = _record("customers", params, None, None, None)
    empty = pd.Series([], dtype="boolean")
    out["repeat_contact_rate"] = _share("repeat_contact_rate", params, fl["is_repeat"] if fl is not None else empty, src)
    out["same_issue_repeat_rate"] = _share("same_issue_repeat_rate", params, fl["same_issue"] if fl is not None else empty, src)
    out["first_contact_resolution"] = _share("first_contact_resolution", params,
                                             fl["resolved_first_contact"] if fl is not None else empty, src)

    if c is not None and "sentiment" in c.columns and c["sentiment"].notna().any():
        s = c["sentiment"].dropna().astype(str)
        out["negative_share"] = _share("negative_share", params, (s == "negative").astype("boolean"))
    else:
        out["negative_share"] = _record("negative_share", params, None, None, None)

    fr, jn = tables.get("friction"), tables.get("journeys")
    if fr is not None and c is not None and "contact_id" in fr.columns and len(c):
        hit = set(fr["contact_id"].dropna().astype(str))
        out["friction_rate"] = _share("friction_rate", params, c["contact_id"].astype(str).isin(hit).astype("boolean"))
    else:
        out["friction_rate"] = _record("friction_rate", params, None, None, None)
    if jn is not None and "friction_score" in jn.columns and len(jn):
        sc = pd.to_numeric(jn["friction_score"], errors="coerce").dropna().astype(float)
        out["friction_score"] = _record("friction_score", params, float(sc.mean()) if len(sc) else None,
                                        round(float(sc.sum()), 6), len(sc))
    else:
        out["friction_score"] = _record("friction_score", params, None, None, None)
    return out
