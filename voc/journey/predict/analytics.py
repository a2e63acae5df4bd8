"""The prediction layer of `voc journeys`: outcome predictions, segments and unusual journeys
from the journey tables (a pure tables -> tables function; nothing is written here).

Tables: predictions, prediction_drivers, segments, segment_profiles, anomalies, journey_traits
(one row per journey: segment_id, anomaly_score and propensity_<outcome> for open journeys, the
CDP-facing view). ``info``: prediction / segments / unusual sections of journey_run.json and
the coded ``warnings``."""
from __future__ import annotations

import time
from typing import Any, Optional

import numpy as np
import pandas as pd

from voc.config import JourneyConfig
from voc.journey.predict.anomaly import unusual_journeys
from voc.journey.predict.outcomes import empty_drivers, empty_predictions, predict_outcomes
from voc.journey.predict.segments import empty_profiles, empty_segments, segment_journeys

TABLES = ("predictions", "prediction_drivers", "segments", "segment_profiles", "anomalies", "journey_traits")


def trait_name(outcome: str) -> str:
    safe = "".join(ch if ch.isalnum() else "_" for ch in outcome.lower()).strip("_")
    return f"propensity_{safe}"


def journey_traits(journeys: pd.DataFrame, predictions: pd.DataFrame, segments: pd.DataFrame,
                   anomalies: pd.DataFrame) -> pd.DataFrame:
    """journey_id, customer_id, segment_id, anomaly_score, propensity_<outcome>: the score of each open
    journey at the longest prefix cut it has passed (NULL when the journey is not open for it)."""
    jn = journeys[["journey_id"] + [c for c in ("customer_id", "end") if c in journeys]].copy()
    jn["journey_id"] = jn["journey_id"].astype(str)
    if "customer_id" not in jn:
        jn["customer_id"] = None
    jn["customer_id"] = jn["customer_id"].astype(object).where(jn["customer_id"].notna(), None)
    out = jn.merge(segments, on="journey_id", how="left") if len(segments) else jn.assign(segment_id=np.nan)
    out["segment_id"] = pd.to_numeric(out["segment_id"], errors="coerce").astype("Int64")
    an = anomalies[["journey_id", "anomaly_score"]] if len(anomalies) else pd.DataFrame(columns=["journey_id", "anomaly_score"])
    out = out.merge(an, on="journey_id", how="left")
    op = predictions[predictions["split"] == "open"]
    if len(op):
        op = op.assign(_cut=op["prefix"].str.split(":").str[1].astype(float),
                       _kind=(op["prefix"].str.startswith("events")).astype(int))
        op = op.sort_values(["outcome", "journey_id", "_kind", "_cut"], kind="stable").groupby(["outcome", "journey_id"]).tail(1)
        for outcome, part in op.groupby("outcome", sort=True):
            out[trait_name(str(outcome))] = out["journey_id"].map(part.set_index("journey_id")["score"]).astype(float)
    return out.sort_values("journey_id", kind="stable").reset_index(drop=True)


def journey_analytics(tables: dict[str, pd.DataFrame], config: JourneyConfig, *,
                      case_based: bool = False) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    """The prediction layer on one OpenMP / BLAS thread (threadpoolctl). Its inputs are small (at most
    journey.models_max_journeys journeys) and k-means / boosted trees split them into many short parallel
    regions: on BPIC 2012 (13,087 journeys) one thread took 3.5 s CPU against 21 s with the default pool,
    and on a busy machine a pool waits for its slowest thread at every region (39 s wall against 123 s)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        return _journey_analytics(tables, config, case_based=case_based)


def _journey_analytics(tables: dict[str, pd.DataFrame], config: JourneyConfig, *,
                       case_based: bool = False) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    timeline = tables.get("timeline", pd.DataFrame())   # not read back when every model is off
    journeys = tables.get("journeys")
    timings: dict[str, float] = {}
    warnings: list[dict[str, Any]] = []
    info: dict[str, Any] = {}
    out: dict[str, pd.DataFrame] = {}

    t = time.perf_counter()
    if config.predict.enabled:
        pr = predict_outcomes(timeline, config, repeat_contacts=tables.get("repeat_contacts"),
                              friction=tables.get("friction"), case_based=case_based)
        out["predictions"], out["prediction_drivers"] = pr.predictions, pr.drivers
        info["prediction"] = pr.info.pop("outcomes")
        info["prediction_settings"] = pr.info
        warnings += pr.warnings
    else:
        out["predictions"], out["prediction_drivers"] = empty_predictions(), empty_drivers()
    timings["predict_s"] = round(time.perf_counter() - t, 3)

    t = time.perf_counter()
    if config.segments.enabled:
        sg = segment_journeys(timeline, config, journeys)
        out["segments"], out["segment_profiles"] = sg.segments, sg.profiles
        info["segments"] = sg.info
        warnings += sg.warnings
    else:
        out["segments"], out["segment_profiles"] = empty_segments(), empty_profiles()
    timings["segments_s"] = round(time.perf_counter() - t, 3)

    t = time.perf_counter()
    if config.unusual.enabled:
        an = unusual_journeys(timeline, config)
        out["anomalies"] = an.anomalies
        info["unusual"] = an.info
        warnings += an.warnings
    else:
        from voc.journey.predict.anomaly import empty_anomalies
        out["anomalies"] = empty_anomalies()
    timings["unusual_s"] = round(time.perf_counter() - t, 3)

    if journeys is not None:
        out["journey_traits"] = journey_traits(journeys, out["predictions"], out["segments"], out["anomalies"])
    info["warnings"] = warnings
    info["timings"] = timings
    return out, info


def warning_lines(info: Optional[dict[str, Any]]) -> list[str]:
    """'[E331] cause Fix: fix' lines for the terminal."""
    return [f"[{w['code']}] {w['reason']} Fix: {w['fix']}" for w in (info or {}).get("warnings", [])]
