"""The headline figures of a run, each defined once (voc.metrics.definitions), computed once per run
from the output folder's tables (voc.metrics.compute) and stored in run.json["metrics"]
(voc.metrics.store). The report, the terminal summary, ``--json``, ``voc journeys`` and the CDP
tables all read them from here.

    refresh(out_dir) -> block        # compute and store in run.json
    load(out_dir) -> {key: record}   # read back (recomputed if the tables changed)
"""
from __future__ import annotations

from voc.metrics.definitions import KEYS, METRICS, Metric
from voc.metrics.store import compute_block, flags_of, journey_config_of, load, refresh

__all__ = ["KEYS", "METRICS", "Metric", "compute_block", "flags_of", "journey_config_of", "load", "refresh"]
