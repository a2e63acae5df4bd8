"""Finding the export files under a path: deterministic, iterative (no recursion limit),
hidden and excluded names skipped, symlinks followed only when asked (with cycle protection).
Every entry of a folder that is not read is counted by reason (``skipped``, run.json
``files_skipped``), so a folder of 6 entries never silently reads as 1 file."""
from __future__ import annotations

import fnmatch
import os
from pathlib import Path

from voc.config import IngestConfig
from voc.errors import Errors, VocError


def _hidden(name: str) -> bool:
    return name.startswith(".") or name.startswith("~$")


SKIP_SYMLINK = "symlink (ingest.follow_symlinks is off)"
SKIP_HIDDEN = "hidden name (ingest.include_hidden is off)"
SKIP_EXCLUDED = "name matches ingest.exclude"
SKIP_SPECIAL = "not a regular file (socket, pipe or device)"
SKIP_BROKEN_LINK = "symlink to nothing"
SKIP_LOOP = "folder already scanned (symlink loop)"
SKIP_UNREADABLE = "entry could not be examined"


def scan(path: Path, config: IngestConfig, skipped: dict[str, int] | None = None) -> list[Path]:
    """All candidate files under ``path`` (a file or a folder), sorted by relative path.

    A file given directly is always returned (even if hidden or excluded). Entries left out are
    counted in ``skipped`` (reason -> count) when given."""
    if skipped is None:
        skipped = {}

    def skip(reason: str) -> None:
        skipped[reason] = skipped.get(reason, 0) + 1

    path = Path(path)
    if not path.exists() and not path.is_symlink():
        raise VocError(Errors.E001, path=str(path))
    if not path.is_dir():
        return [path]
    out: list[Path] = []
    seen_dirs: set[tuple[int, int]] = set()
    stack: list[Path] = [path]
    while stack:
        d = stack.pop()
        try:
            st = d.stat()
            key = (st.st_dev, st.st_ino)
            if key in seen_dirs:
                skip(SKIP_LOOP)
                continue
            seen_dirs.add(key)
            with os.scandir(d) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            # unreadable folder: surface it as a file-level reject via read_file
            out.append(d)
            continue
        subdirs: list[Path] = []
        for e in entries:
            if not config.include_hidden and _hidden(e.name):
                skip(SKIP_HIDDEN)
                continue
            try:
                is_link = e.is_symlink()
                if is_link and not config.follow_symlinks:
                    skip(SKIP_SYMLINK)
                    continue
                if e.is_dir(follow_symlinks=config.follow_symlinks):
                    subdirs.append(Path(e.path))
                elif e.is_file(follow_symlinks=config.follow_symlinks):
                    if any(fnmatch.fnmatch(e.name, pat) for pat in config.exclude):
                        skip(SKIP_EXCLUDED)
                        continue
                    out.append(Path(e.path))
                elif is_link and not os.path.exists(e.path):
                    skip(SKIP_BROKEN_LINK)
                else:
                    skip(SKIP_SPECIAL)
            except OSError:
                skip(SKIP_UNREADABLE)
                continue
        stack.extend(reversed(subdirs))
    return sorted(out, key=lambda p: p.relative_to(path).parts)
