"""The SparkSession voc uses: one per process, created from ``SparkConfig``.

Local masters are bound to ``spark.local_ip`` (127.0.0.1 by default) so nothing listens on or
reaches outside the machine; on a cluster (yarn, k8s, spark://) the settings of spark-submit
are kept and ``SparkConfig.conf`` is added on top. The session time zone is always UTC: voc's
timestamps are UTC and must come back unchanged from Spark.
"""
from __future__ import annotations

import os
import shutil
import sys
from typing import Any

from voc.config import SparkConfig
from voc.errors import Errors, VocError

FIXED_CONF = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.sql.execution.pythonUDF.arrow.enabled": "true",
}
LOCAL_CONF = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
}


def check_available() -> None:
    """E501 unless pyspark imports and a JVM can be found."""
    try:
        import pyspark  # noqa: F401
    except ImportError as e:
        raise VocError(Errors.E501, detail=f"pyspark is not installed ({e})") from None
    java_home = os.environ.get("JAVA_HOME")
    if not (java_home and os.path.exists(os.path.join(java_home, "bin", "java"))) and shutil.which("java") is None:
        raise VocError(Errors.E501, detail="no Java runtime found (JAVA_HOME unset and no `java` on PATH)")


def is_local(master: str | None) -> bool:
    return master is None or master.startswith("local")


def get_session(config: SparkConfig | None = None) -> Any:
    """The active SparkSession, or a new one built from ``config`` (master, app name, conf)."""
    check_available()
    from pyspark.sql import SparkSession

    config = config or SparkConfig()
    active = SparkSession.getActiveSession()
    if active is not None:
        for k, v in FIXED_CONF.items():
            active.conf.set(k, v)
        return active
    builder = SparkSession.builder.appName(config.app_name)
    # Under spark-submit the master (and the rest) come from its command line: never override them.
    submitted = "PYSPARK_GATEWAY_PORT" in os.environ
    local = not submitted and is_local(config.master)
    if config.master and not submitted:
        builder = builder.master(config.master)
    conf: dict[str, str] = dict(FIXED_CONF)
    if local:
        conf.update(LOCAL_CONF)
        # local workers must run this interpreter (its venv has voc, pyarrow, the models)
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
        if config.local_ip:
            os.environ.setdefault("SPARK_LOCAL_IP", config.local_ip)
            conf["spark.driver.host"] = config.local_ip
            conf["spark.driver.bindAddress"] = config.local_ip
    conf.update(config.conf)
    for k, v in conf.items():
        builder = builder.config(k, v)
    try:
        spark = builder.getOrCreate()
    except Exception as e:  # JVM failed to start: no Java, wrong version, port blocked
        raise VocError(Errors.E501, detail=f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}") from e
    for k, v in FIXED_CONF.items():
        spark.conf.set(k, v)
    return spark
