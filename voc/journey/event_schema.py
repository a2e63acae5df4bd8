"""The events table: one row per event read, whatever the log's format (voc.journey.events builds it,
voc.journey.eventstore holds it in DuckDB)."""
from __future__ import annotations

import pyarrow as pa

EVENTS = pa.schema([
    ("journey_id", pa.string()),
    ("customer_id", pa.string()),
    ("case_id", pa.string()),
    ("ts", pa.timestamp("us", tz="UTC")),
    ("event", pa.string()),
    ("channel", pa.string()),
    ("actor", pa.string()),             # journey.columns.actor: team / queue / agent group (None when not configured)
    ("lifecycle", pa.string()),         # XES lifecycle:transition (start / complete ...), None when the log has none
    ("properties", pa.string()),
    ("source_file", pa.string()),
    ("source_record", pa.string()),
    ("src_order", pa.int64()),          # global input order: the stable tie-breaker for equal timestamps
])
