"""The patterns table on Spark equals DuckDB's row for row: both engines assemble it with
voc.sequences.pattern_table (order, journey.max_patterns cap, confidence / lift / interval / p-value)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from voc.config import JourneyConfig

pytestmark = pytest.mark.spark
pytest.importorskip("pyspark")

T0 = pd.Timestamp("2024-03-01T09:00:00Z")


def make_timeline(seed: int = 3, n: int = 60) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    steps = ["view", "cart", "pay", "error", "contact:chat", "contact:call"]
    rows = []
    for j in range(n):
        t = T0 + pd.Timedelta(hours=int(rng.integers(0, 100)))
        for k in range(int(rng.integers(1, 9))):
            t = t + pd.Timedelta(minutes=int(rng.choice([0, 5, 90, 3000])))
            e = str(rng.choice(steps))
            rows.append({"journey_id": f"j{j:03d}", "ts": t, "seq": k, "event": e,
                         "intent": str(rng.choice(["billing", "delivery"])) if e.startswith("contact:") else None})
    return pd.DataFrame(rows)


@pytest.mark.slow
def test_spark_patterns_table_equals_duckdb_when_the_cap_cuts(spark):
    from voc.engines.spark.sequences import SparkTimeline
    from voc.engines.spark.sequences import patterns as spark_patterns
    from voc.sequences import patterns as duckdb_patterns

    cfg = JourneyConfig(outcomes={"conv": ["pay"]}, repeat_window_days=2, min_support=0.1, max_pattern_length=3,
                        max_patterns=7, min_journeys=3)
    tl = make_timeline()
    want = duckdb_patterns(tl, cfg)
    got = spark_patterns(SparkTimeline.register(spark, tl, cfg, view="tl_capped"))
    assert {"conv", "contact", "repeat_contact"} <= set(want["outcome"].dropna())
    assert want.groupby(want["outcome"].fillna("")).size().max() == 7          # the cap is reached
    assert want["confidence"].notna().any()
    pd.testing.assert_frame_equal(want, got, check_exact=False, rtol=1e-9)
