"""Reading help-desk exports: tickets (CSV, Zendesk/Freshdesk JSON, JSONL), chats (Intercom),
call transcripts (.txt, WebVTT, SRT, diarized JSON), ABCD dialogues and e-mail (.eml).

    files = scan(path, config)                       # candidate files, deterministic order
    stats = IngestStats()
    items = list(iter_records(path, config, stats))  # Records and Rejects, ids de-duplicated
    contacts, messages = to_frames([i for i in items if isinstance(i, Record)])

    # large exports: tables built batch by batch, memory bounded by the batch (voc.ingest.tables)
    for contacts, messages in iter_batches(path, config, stats, rejects, batch_size=512): ...
    tables = read_tables(path, config)   # .contacts, .messages, .rejects, .stats

Readers are registered in ``voc.registry.readers`` (see voc/ingest/readers/); each has
``sniff(path, head) -> float`` and ``read(path, text, config) -> Iterator[Record | Reject]``; readers of
large exports also have ``read_source(path, source, config)``, reading a streamed voc.ingest.source.Source.
"""
from __future__ import annotations

from voc.ingest.base import Item, Reader, Record, Reject
from voc.ingest.frames import to_frames
from voc.ingest.reading import detect, iter_records, read_file
from voc.ingest.scan import scan
from voc.ingest.stats import IngestStats
from voc.ingest.tables import Tables, iter_arrow_batches, iter_batches, read_tables

__all__ = ["scan", "read_file", "iter_records", "IngestStats", "to_frames", "detect",
           "Record", "Reject", "Item", "Reader", "iter_batches", "iter_arrow_batches", "read_tables", "Tables"]
