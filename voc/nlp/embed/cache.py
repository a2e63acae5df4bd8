"""A persistent embedding cache: sha256(model_id + text) -> float32 vector.

Stored in one SQLite database per model (``<cache_dir>/<model-slug>/vectors.sqlite``) in WAL mode:
- a crash mid-write loses at most the transaction in flight, never the file (SQLite journals);
- any number of readers run concurrently with one writer, across processes;
- writers wait (busy timeout) instead of failing.
Measured against .npy shards + an index and DuckDB (benchmarks/bench_intent_embed.py): SQLite
with BLOB rows is as fast for look-ups of this size, and DuckDB allows one process at a time.

A cache that cannot be opened (read-only disk, damaged file) is never fatal: voc warns once and
embeds without it.
"""
from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import threading
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

log = logging.getLogger(__name__)

_CHUNK = 500  # keys per SELECT ... IN (...) (SQLite's default variable limit is 32766)


def text_key(model_id: str, text: str) -> bytes:
    return hashlib.sha256(model_id.encode("utf-8") + b"\x00" + text.encode("utf-8", "surrogatepass")).digest()


def default_cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "voc" / "embeddings"


class EmbeddingCache:
    """Key -> vector store for one model id and dimension."""

    def __init__(self, folder: str | Path, *, model_id: str, dim: int) -> None:
        self.folder = Path(folder)
        self.path = self.folder / "vectors.sqlite"
        self.model_id = model_id
        self.dim = dim
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._pid = -1
        self.disabled_reason: str | None = None

    # -- connection ------------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection | None:
        if self.disabled_reason is not None:
            return None
        if self._conn is not None and self._pid == os.getpid():
            return self._conn
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=30.0, check_same_thread=False, isolation_level=None)
            conn.execute("PRAGMA synchronous=NORMAL")
            has_meta = conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'").fetchone()
            if not has_meta:  # first use: the only time the connection writes before a put
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("BEGIN IMMEDIATE")
                conn.execute("CREATE TABLE IF NOT EXISTS vectors (key BLOB PRIMARY KEY, vec BLOB NOT NULL) WITHOUT ROWID")
                conn.execute("CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL)")
                conn.execute("INSERT OR IGNORE INTO meta VALUES ('model_id', ?), ('dim', ?)", (self.model_id, str(self.dim)))
                conn.execute("COMMIT")
            row = conn.execute("SELECT v FROM meta WHERE k='dim'").fetchone()
            if row is None or int(row[0]) != self.dim:
                raise sqlite3.DatabaseError(f"cache holds {row and row[0]}-dim vectors, model gives {self.dim}")
        except (OSError, sqlite3.Error, ValueError) as e:
            self._disable(f"{type(e).__name__}: {e}")
            return None
        self._conn, self._pid = conn, os.getpid()
        return conn

    def _failed(self, e: sqlite3.Error) -> None:
        """A busy database (another process writing for longer than the timeout) costs this call only;
        any other error turns the cache off for this run."""
        if isinstance(e, sqlite3.OperationalError) and ("locked" in str(e) or "busy" in str(e)):
            log.warning("embedding cache %s is busy; going on without it for this batch", self.path)
            return
        self._disable(f"{type(e).__name__}: {e}")

    def _disable(self, reason: str) -> None:
        self.disabled_reason = reason
        log.warning("embedding cache %s disabled, embedding without it: %s", self.path, reason)
        if self._conn is not None:
            try:
                self._conn.close()
            except sqlite3.Error:
                pass
        self._conn = None

    # -- API -------------------------------------------------------------------------------
    def get_many(self, keys: Sequence[bytes]) -> dict[bytes, np.ndarray]:
        """Vectors found for ``keys`` (missing keys are simply absent)."""
        out: dict[bytes, np.ndarray] = {}
        with self._lock:
            conn = self._connect()
            if conn is None:
                return out
            nbytes = self.dim * 4
            try:
                for i in range(0, len(keys), _CHUNK):
                    part = keys[i:i + _CHUNK]
                    q = f"SELECT key, vec FROM vectors WHERE key IN ({','.join('?' * len(part))})"
                    for k, v in conn.execute(q, part):
                        if len(v) == nbytes:       # a damaged row is a miss, never a wrong vector
                            out[bytes(k)] = np.frombuffer(v, dtype="<f4")
            except sqlite3.Error as e:
                self._failed(e)
        return out

    def put_many(self, items: Iterable[tuple[bytes, np.ndarray]]) -> int:
        """Store vectors in one transaction; returns how many were written."""
        rows = [(k, np.ascontiguousarray(v, dtype="<f4").tobytes()) for k, v in items]
        if not rows:
            return 0
        with self._lock:
            conn = self._connect()
            if conn is None:
                return 0
            try:
                conn.execute("BEGIN IMMEDIATE")
                conn.executemany("INSERT OR IGNORE INTO vectors VALUES (?, ?)", rows)
                conn.execute("COMMIT")
            except sqlite3.Error as e:
                try:
                    conn.execute("ROLLBACK")
                except sqlite3.Error:
                    pass
                self._failed(e)
                return 0
        return len(rows)

    def __len__(self) -> int:
        with self._lock:
            conn = self._connect()
            if conn is None:
                return 0
            return int(conn.execute("SELECT COUNT(*) FROM vectors").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
