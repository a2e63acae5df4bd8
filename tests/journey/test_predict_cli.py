"""`voc journeys` on the shipped fixtures writes the prediction layer's tables and journey_run.json sections."""
from __future__ import annotations

import json

import pandas as pd
from typer.testing import CliRunner

from voc.cli import _wire, app

_wire()
runner = CliRunner()

CONFIG = """journey:
  outcomes: {conversion: [order_placed], churn: [subscription_cancelled]}
  escalation_events: {self_service: [help_center_view], chat: [chat_started]}
  predict: {prefix_events: [5, 20], min_journeys: 10, min_positives: 2, open_days: 1, importance_repeats: 2}
"""


def test_voc_journeys_writes_predictions_segments_and_unusual_journeys(tmp_path, root):
    contacts = pd.DataFrame({
        "contact_id": ["t1", "t2", "t3"], "channel": ["chat", "call", "email"], "customer_id": ["C001", "C001", "C002"],
        "created_at": ["2026-01-20T10:00:00Z", "2026-01-22T10:00:00Z", "2026-01-25T09:00:00Z"],
        "intent": ["account_access", "account_access", "refund"], "sentiment_score": [-0.6, -0.4, 0.1]})
    (tmp_path / "c").mkdir()
    contacts.to_csv(tmp_path / "c" / "contacts.csv", index=False)
    cfg = tmp_path / "cfg.yaml"
    cfg.write_text(CONFIG)
    out = tmp_path / "out"
    res = runner.invoke(app, ["journeys", str(root / "fixtures" / "events" / "web_events.csv"), "--contacts", str(tmp_path / "c"),
                              "--out", str(out), "--config", str(cfg)])
    assert res.exit_code == 0, res.output
    run = json.loads((out / "journey_run.json").read_text())
    n_journeys = run["counts"]["journeys"]
    # every target: a model with its figures, or a coded reason why not
    assert set(run["prediction"]) == {"conversion", "churn", "repeat_contact", "escalation"}
    codes = {w["code"] for w in run["warnings"]}
    for outcome, fig in run["prediction"].items():
        assert {"n_train", "n_test", "by_prefix", "prefix"} <= set(fig), outcome
        if fig["status"] == "ok":
            assert {"roc_auc", "pr_auc", "brier", "baseline_roc_auc"} <= set(fig)
            assert fig["brier"] is not None and 0 <= fig["brier"] <= 1
            if fig["roc_auc"] is not None:
                assert 0 <= fig["roc_auc"] <= 1
        else:
            assert fig["warning"] in codes
    assert "E332" in codes or "E331" in codes          # 40 journeys: some figure rests on too few cases
    assert "[E33" in res.output                          # ... and the terminal says so
    pred = pd.read_parquet(out / "predictions.parquet")
    assert {"journey_id", "outcome", "prefix", "score", "split"} <= set(pred.columns)
    assert set(pred["split"]) <= {"train", "test", "open"} and pred["score"].between(0, 1).all()
    seg = pd.read_parquet(out / "segments.parquet")
    prof = pd.read_parquet(out / "segment_profiles.parquet")
    assert len(seg) == n_journeys and prof["journeys"].sum() == n_journeys
    assert run["segments"]["k"] == len(prof) and len(run["segments"]["stability_ari"]) >= 2
    an = pd.read_parquet(out / "anomalies.parquet")
    assert len(an) == n_journeys and an["rank"].iloc[0] == 1 and an["evidence"].str.len().gt(0).all()
    traits = pd.read_parquet(out / "journey_traits.parquet")
    assert len(traits) == n_journeys and "segment_id" in traits
    open_pred = pred[pred["split"] == "open"]
    for outcome in open_pred["outcome"].unique():
        assert f"propensity_{outcome}" in traits.columns
    # the report carries the three sections, the unusual journeys as cards with their evidence
    rep = runner.invoke(app, ["report", str(out)])
    assert rep.exit_code == 0, rep.output
    html = (out / "report.html").read_text(encoding="utf-8")
    for sid in ("prediction", "segments", "unusual"):
        assert f'<section id="{sid}"' in html
    assert f"Journey {an['journey_id'].iloc[0]}" in html and "rarest step change" in html
    assert "baseline ROC-AUC" in html and prof["description"].iloc[0].split(":")[0] in html
