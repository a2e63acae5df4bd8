"""The Spark session of the engine tests (local[2] on 127.0.0.1), one per test module."""
from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="module")
def spark():
    os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"
    from voc.config import SparkConfig
    from voc.engines.spark.session import get_session

    session = get_session(SparkConfig(master="local[2]", conf={"spark.sql.shuffle.partitions": "2"}))
    yield session
    session.stop()
