"""One writer per folder: an exclusive, non-blocking advisory lock (POSIX ``flock``) on a lock file.

The holder writes its PID into the lock file, so a second run is told which process holds it.
The kernel releases the lock when the holder exits in any way (kill -9 included), so a stale lock
file never blocks a later run; the file itself is left in place (removing it would race)."""
from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from voc.errors import DatasetError, Errors, ErrorSpec, VocError

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None  # type: ignore[assignment]


def holder(lock: Path) -> str:
    """The PID written by the process that holds ``lock`` ('unknown' while it is still writing it)."""
    try:
        text = lock.read_text(encoding="utf-8").strip()
    except OSError:
        return "unknown"
    return text.split()[0] if text else "unknown"


@contextmanager
def exclusive(lock: Path, *, folder: Path, spec: ErrorSpec = Errors.E408) -> Iterator[None]:
    """Hold ``lock`` for the block, or raise ``spec`` (path, pid, lock) when another process holds it."""
    lock = Path(lock)
    try:
        lock.parent.mkdir(parents=True, exist_ok=True)
        fh = open(lock, "a+", encoding="utf-8")
    except OSError as e:
        raise DatasetError(Errors.E401, dataset="lock", path=str(lock), detail=str(e)) from e
    try:
        if fcntl is not None:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                raise VocError(spec, path=str(folder), pid=holder(lock), lock=str(lock)) from None
        fh.seek(0)
        fh.truncate()
        fh.write(f"{os.getpid()}\n")
        fh.flush()
        try:
            yield
        finally:
            try:
                fh.seek(0)
                fh.truncate()
                fh.flush()
            except OSError:
                pass
            if fcntl is not None:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
    finally:
        fh.close()
