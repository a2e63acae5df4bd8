"""Execution engines of `voc analyze`, behind one contract (``voc.engines.base.Engine``) and chosen by
name from ``voc.registry.engines``: ``local`` (one process, pandas + DuckDB; ``voc.engines.local``) and
``spark`` (``voc.engines.spark``; pyspark is imported only when that engine is used, so
``import voc.engines`` costs nothing).
"""
