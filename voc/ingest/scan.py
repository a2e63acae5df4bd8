"""Finding the export files under a path: deterministic, iterative (no recursion limit),
hidden and excluded names skipped, symlinks followed only when asked (with cycle protection)."""
from __future__ import annotations

import fnmatch
import os
from pathlib import Path

from voc.config import IngestConfig
from voc.errors import Errors, VocError


def _hidden(name: str) -> bool:
    return name.startswith(".") or name.startswith("~$")


def scan(path: Path, config: IngestConfig) -> list[Path]:
    """All candidate files under ``path`` (a file or a folder), sorted by relative path.

    A file given directly is always returned (even if hidden or excluded)."""
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
                continue
            try:
                is_link = e.is_symlink()
                if is_link and not config.follow_symlinks:
                    continue
                if e.is_dir(follow_symlinks=config.follow_symlinks):
                    subdirs.append(Path(e.path))
                elif e.is_file(follow_symlinks=config.follow_symlinks):
                    if any(fnmatch.fnmatch(e.name, pat) for pat in config.exclude):
                        continue
                    out.append(Path(e.path))
            except OSError:
                continue
        stack.extend(reversed(subdirs))
    return sorted(out, key=lambda p: p.relative_to(path).parts)
