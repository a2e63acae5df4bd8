"""Execution engines beyond the single-machine pipeline (``voc.pipeline``).

``voc.engines.spark``: the same job on Apache Spark (``run_spark``); pyspark is imported only
when that engine is used, so ``import voc.engines`` costs nothing.
"""
