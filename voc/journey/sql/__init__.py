"""Metric definitions of voc.journey as SQL (DuckDB dialect kept to portable window-function SQL,
so the Spark engine can run the same text). Loaded as package data with ``load``."""
