"""Reading help-desk exports: tickets (CSV, Zendesk/Freshdesk JSON, JSONL), chats (Intercom),
call transcripts (.txt, WebVTT, SRT, diarized JSON), ABCD dialogues and e-mail (.eml).

    files = scan(path, config)                       # candidate files, deterministic order
    stats = IngestStats()
    items = list(iter_records(path, config, stats))  # Records and Rejects, ids de-duplicated
    contacts, messages = to_frames([i for i in items if isinstance(i, Record)])

Readers are registered in ``voc.registry.readers`` (see voc/ingest/readers/); each has
``sniff(path, head) -> float`` and ``read(path, text, config) -> Iterator[Record | Reject]``.
"""
from __future__ import annotations

from voc.ingest.base import Item, Reader, Record, Reject
from voc.ingest.frames import to_frames
from voc.ingest.reading import detect, iter_records, read_file
from voc.ingest.scan import scan
from voc.ingest.stats import IngestStats

__all__ = ["scan", "read_file", "iter_records", "IngestStats", "to_frames", "detect",
           "Record", "Reject", "Item", "Reader"]
