"""The Spark engine gives the local engine's predictions, segments and unusual journeys: the models are
fitted on the driver from the same journey tables (voc.journey.predict runs inside run_journeys)."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

pytest.importorskip("pyspark", reason="pyspark is not installed (pip install 'voc[spark]')")
if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
    pytest.skip("no Java runtime (java -version fails): Spark cannot start", allow_module_level=True)

from voc.config import JourneyConfig  # noqa: E402

pytestmark = [pytest.mark.spark, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]


def test_spark_predictions_equal_local(spark, tmp_path):
    from voc.engines.spark.journeys import run_journeys_spark
    from voc.journey.run import run_journeys

    cfg = JourneyConfig(outcomes={"conversion": ["order_placed"], "churn": ["subscription_cancelled"]},
                        predict={"prefix_events": [5, 20], "min_journeys": 10, "min_positives": 2, "open_days": 1,
                                 "importance_repeats": 2})
    events = [ROOT / "fixtures" / "events" / "web_events.csv"]
    local = run_journeys(events, None, cfg, tmp_path / "local")
    remote = run_journeys_spark(spark, events, None, cfg, tmp_path / "spark")
    assert len(local.tables["predictions"]) > 0
    for name in ("predictions", "prediction_drivers", "segments", "segment_profiles", "anomalies", "journey_traits"):
        a = pd.read_parquet(tmp_path / "local" / f"{name}.parquet")
        b = pd.read_parquet(tmp_path / "spark" / f"{name}.parquet")
        pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-9, obj=name)
    assert local.analytics["prediction"] == remote.analytics["prediction"]
