"""What changed: trend series per intent, topic, channel and configured dimension (series), alerts with
multiple-testing control (alerts), and drift of the intent model's unknown share and confidence (drift).

    trends(contacts, period, baseline_periods, dimensions) -> (trends table, warnings)
    detect_alerts(trends_table, AlertSettings(...)) -> (alerts table, test summary)
    detect_drift(contacts, period, baseline_periods, previous=profile) -> (findings, profile)
    run_trends(out_dir, TrendsConfig) -> dict          # writes trends.<fmt> and alerts.jsonl
"""
from __future__ import annotations

from voc.trends.alerts import AlertSettings, detect_alerts
from voc.trends.drift import detect_drift
from voc.trends.series import trends

__all__ = ["trends", "detect_alerts", "AlertSettings", "detect_drift"]
