"""Drift of the intent model: unknown share and confidence distribution, within a run and against a previous run."""
from __future__ import annotations

import numpy as np
import pandas as pd

from voc.trends.drift import detect_drift, drift_against, profile

T0 = pd.Timestamp("2024-01-01", tz="UTC")


def contacts(seed: int, weeks: int = 10, per_week: int = 150, p_unknown: dict | None = None,
             conf_shift: dict | None = None) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for w in range(weeks):
        pu = (p_unknown or {}).get(w, 0.05)
        shift = (conf_shift or {}).get(w, 0.0)
        for _ in range(per_week):
            conf = float(np.clip(rng.beta(8, 2) - shift, 0, 1))
            rows.append((T0 + pd.Timedelta(days=7 * w + rng.uniform(0, 7)),
                         "unknown" if rng.random() < pu else "refund", conf))
    return pd.DataFrame(rows, columns=["created_at", "intent", "intent_confidence"])


def test_unknown_share_rise_is_a_retraining_signal():
    found, prof = detect_drift(contacts(0, p_unknown={9: 0.25}), "week", 8)
    sig = [f for f in found if f["signal"] == "unknown_share"]
    assert len(sig) == 1 and sig[0]["observed"] > sig[0]["expected"] and "Retraining signal" in sig[0]["message"]
    assert "voc intents train" in sig[0]["message"]
    assert prof["contacts"] == 1500 and len(prof["confidence_hist"]) == 20


def test_confidence_shift_is_a_retraining_signal():
    found, _ = detect_drift(contacts(1, conf_shift={9: 0.2}), "week", 8)
    sig = [f for f in found if f["signal"] == "confidence"]
    assert len(sig) == 1 and sig[0]["observed"] < sig[0]["expected"] and "fell" in sig[0]["message"]


def test_stable_runs_rarely_warn():
    warned = sum(bool(detect_drift(contacts(100 + s), "week", 8)[0]) for s in range(30))
    assert warned <= 2, warned     # two tests at alpha 0.01 with minimum effects: ~0 expected


def test_against_a_previous_run_profile():
    prev = profile(contacts(2, weeks=4))
    same = profile(contacts(3, weeks=4))
    assert drift_against(same, prev) == []
    moved = profile(contacts(4, weeks=4, p_unknown={w: 0.2 for w in range(4)}, conf_shift={w: 0.25 for w in range(4)}))
    found = drift_against(moved, prev)
    assert {f["signal"] for f in found} == {"unknown_share", "confidence"}
    assert all(f["against"] == "the previous run" for f in found)


def test_no_intent_column_no_drift():
    found, prof = detect_drift(pd.DataFrame({"created_at": [T0], "channel": ["chat"]}), "week", 8)
    assert found == [] and prof == {}
