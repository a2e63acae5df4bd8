"""Reading straight into the contacts and messages tables, in bounded batches.

A ``Record`` (a contact dict and one dict per message) takes about ten times the text it holds;
collecting every Record of a large export before building the tables is what made memory grow
with the file (200,000 tickets, 94 MB of JSON Lines: 1.6 GB). Here the Records of at most
``batch_size`` contacts are turned into Arrow tables as they are read and then dropped, so the
Python objects alive at any time are one batch's; the tables themselves are compact (Arrow
buffers, roughly the size of the text).

    stats, rejects = IngestStats(), []
    for contacts, messages in iter_batches(path, config, stats, rejects, batch_size=512):
        ...                                   # each contact's messages are in its batch

    tables = read_tables(path, config)        # or all at once: contacts, messages, rejects, stats
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

import pandas as pd
import pyarrow as pa

from voc.config import IngestConfig
from voc.ingest.base import Record
from voc.ingest.frames import to_arrow
from voc.ingest.reading import iter_records
from voc.ingest.stats import IngestStats
from voc.schema import CONTACTS, MESSAGES, to_pandas

BATCH_SIZE = 512


@dataclass
class Tables:
    contacts: pd.DataFrame
    messages: pd.DataFrame
    rejects: list[dict[str, Any]]
    stats: IngestStats


def iter_arrow_batches(path: Path, config: IngestConfig, stats: IngestStats, rejects: list[dict[str, Any]], *,
                       batch_size: int = BATCH_SIZE, on_file: Optional[Callable[[int], None]] = None,
                       files: Optional[list[Path]] = None) -> Iterator[tuple[pa.Table, pa.Table]]:
    """(contacts, messages) Arrow tables of at most ``batch_size`` contacts each, in reading order;
    rejects are appended to ``rejects`` (as dicts) and everything is counted in ``stats``.
    ``on_file(n)`` is called with the number of files finished since its last call (progress)."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    pending: list[Record] = []
    files_done = 0
    for item in iter_records(Path(path), config, stats, files=files):
        if isinstance(item, Record):
            pending.append(item)
            if len(pending) >= batch_size:
                yield to_arrow(pending)
                pending = []
        else:
            rejects.append(item.as_dict())
        if on_file is not None and stats.files != files_done:
            on_file(stats.files - files_done)
            files_done = stats.files
    if pending:
        yield to_arrow(pending)
    if on_file is not None and stats.files != files_done:
        on_file(stats.files - files_done)


def iter_batches(path: Path, config: IngestConfig, stats: IngestStats, rejects: list[dict[str, Any]], *,
                 batch_size: int = BATCH_SIZE, on_file: Optional[Callable[[int], None]] = None,
                 files: Optional[list[Path]] = None) -> Iterator[tuple[pd.DataFrame, pd.DataFrame]]:
    """As ``iter_arrow_batches``, as pandas frames (Arrow-backed dtypes, as voc.schema builds them)."""
    for contacts, messages in iter_arrow_batches(path, config, stats, rejects, batch_size=batch_size, on_file=on_file,
                                                 files=files):
        yield to_pandas(contacts), to_pandas(messages)


def read_tables(path: Path, config: IngestConfig, *, batch_size: int = BATCH_SIZE,
                on_file: Optional[Callable[[int], None]] = None) -> Tables:
    """Every contact and message under ``path`` as two tables (built batch by batch), with the rejects
    and the counts."""
    stats, rejects = IngestStats(), []
    contacts: list[pa.Table] = []
    messages: list[pa.Table] = []
    for c, m in iter_arrow_batches(path, config, stats, rejects, batch_size=batch_size, on_file=on_file):
        contacts.append(c)
        messages.append(m)
    c_all = pa.concat_tables(contacts) if contacts else CONTACTS.empty_table()
    m_all = pa.concat_tables(messages) if messages else MESSAGES.empty_table()
    return Tables(to_pandas(c_all), to_pandas(m_all), rejects, stats)
