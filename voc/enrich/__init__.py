"""CDP enrichment: per-contact and per-customer tables, written incrementally and atomically.

    enrich(out_dir, cdp_dir, EnrichConfig(), now=None) -> EnrichResult
"""
from __future__ import annotations

from voc.enrich.run import EnrichResult, enrich

__all__ = ["enrich", "EnrichResult"]
