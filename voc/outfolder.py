"""One output folder holds one run: outputs are built in a staging folder and swapped in whole.

    with Transaction(out_dir, stage="analyze") as tx:
        ... write every output into tx.staging ...
        tx.commit()

- Lock: one writer per folder (``OUT/.voc.lock``, voc.locks); a second run gets E408 naming the PID.
- Staging: ``OUT/.voc-staging-<run_id>/`` (same file system, so the swap is renames only). Nothing in
  OUT changes before ``commit``; a run that fails or is killed leaves the previous folder as it was.
- Commit: the files of the stages this run replaces (``analyze``: every voc file of the folder, so no
  journey table or embeddings of an earlier run survive next to new contacts; ``journeys``: the journey
  tables only; ``report``: report.html) move to ``OUT/.voc-old-<run_id>/``, the new files move in, and
  ``OUT/.voc-manifest.json`` (run id, stage of every file) moves in last. The plan is written to
  ``.commit.json`` in the staging folder first, so a commit cut short by a kill is finished (rolled
  forward) by the next run; a staging folder without a plan is simply deleted.
- Ownership: voc files are those the manifest lists (or, in a folder from an older voc without a
  manifest, those with a catalog file name). Everything else in OUT belongs to the user and is never
  moved, changed or deleted; a user file that has the name of an output is never overwritten (E409).
- Leftovers of killed runs (staging and old folders, hidden ``.<file>.*.tmp`` files of voc outputs)
  are removed by the next run that takes the lock.
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator, Optional

from voc import catalog, locks
from voc.errors import DatasetError, Errors, VocError

LOCK = ".voc.lock"
MANIFEST = ".voc-manifest.json"
STAGING_PREFIX = ".voc-staging-"
OLD_PREFIX = ".voc-old-"
FAILED = ".voc-failed-run"
PLAN = ".commit.json"
FORMAT = "voc-out/1"


def new_run_id() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(4)


def read_manifest(folder: Path) -> Optional[dict[str, Any]]:
    p = Path(folder) / MANIFEST
    if not p.is_file():
        return None
    try:
        m = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise DatasetError(Errors.E402, dataset="manifest", path=str(p), detail=str(e)) from e
    return m if isinstance(m, dict) and m.get("format") == FORMAT else None


def is_voc_folder(folder: Path) -> bool:
    folder = Path(folder)
    return any((folder / n).is_file() for n in (MANIFEST, "run.json", "journey_run.json"))


def owned(folder: Path) -> dict[str, str]:
    """file name -> stage, for the voc files of ``folder`` (see the module docstring)."""
    folder = Path(folder)
    m = read_manifest(folder)
    if m is not None:
        return {n: f.get("stage", "analyze") for n, f in (m.get("files") or {}).items() if (folder / n).exists()}
    if not is_voc_folder(folder):
        return {}
    return {p.name: catalog.stage_of(p.name) or "analyze" for p in folder.iterdir() if catalog.stage_of(p.name)}


def _rm(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def pending_update(folder: Path) -> Optional[Path]:
    """A staging folder whose commit was cut short (readers must not read a half-swapped folder)."""
    folder = Path(folder)
    if not folder.is_dir():
        return None
    for p in folder.glob(STAGING_PREFIX + "*"):
        if (p / PLAN).is_file():
            return p
    return None


def _finish(folder: Path, staging: Path) -> None:
    """Carry out (or finish) the commit planned in ``staging/.commit.json``; every step is idempotent."""
    plan = json.loads((staging / PLAN).read_text(encoding="utf-8"))
    old = folder / (OLD_PREFIX + plan["run_id"])
    old.mkdir(exist_ok=True)
    add = set(plan["add"])
    for name in plan["remove"]:
        if name in add and not (staging / name).exists():
            continue                       # already replaced by the new file
        src = folder / name
        if src.exists() or src.is_symlink():
            dst = old / name
            if dst.exists():
                _rm(dst)
            os.replace(src, dst)
    for name in plan["add"]:
        src = staging / name
        if src.exists():
            os.replace(src, folder / name)
    os.replace(staging / MANIFEST, folder / MANIFEST) if (staging / MANIFEST).exists() else None
    _rm(old)
    _rm(staging)


def clean(folder: Path) -> list[str]:
    """Under the lock: finish interrupted commits, delete staging/old folders and temp files of killed
    runs. Returns what was done (for run.json)."""
    folder = Path(folder)
    done: list[str] = []
    if not folder.is_dir():
        return done
    for st in sorted(folder.glob(STAGING_PREFIX + "*")):
        if (st / PLAN).is_file():
            _finish(folder, st)
            done.append(f"finished the interrupted update {st.name}")
        else:
            _rm(st)
            done.append(f"removed {st.name} (a run that did not finish)")
    for old in folder.glob(OLD_PREFIX + "*"):
        _rm(old)
        done.append(f"removed {old.name}")
    voc_names = catalog.filenames()
    for old_dir in folder.glob(".*.old"):      # voc.datasets.atomic_dir's previous copy (e.g. topic_model)
        if old_dir.name[1:-4] in voc_names:
            _rm(old_dir)
            done.append(f"removed {old_dir.name}")
    for tmp in folder.glob(".*.tmp"):
        base = tmp.name[1:].rsplit(".", 2)[0] if tmp.name.count(".") >= 3 else ""
        if base in voc_names:
            _rm(tmp)
            done.append(f"removed {tmp.name}")
    return done


class Transaction:
    """Build a run's outputs in ``staging`` and swap them into ``folder`` on ``commit`` (see module doc)."""

    def __init__(self, folder: str | Path, *, stage: str = "analyze", replaces: Optional[tuple[str, ...]] = None) -> None:
        if stage not in catalog.STAGES:
            raise ValueError(f"unknown stage {stage!r}")
        self.folder = Path(folder)
        self.stage = stage
        # analyze replaces the whole run; journeys its tables; report its file
        self.replaces = replaces or (catalog.STAGES if stage == "analyze" else (stage,))
        self.run_id = new_run_id()
        self.staging = self.folder / (STAGING_PREFIX + self.run_id)
        self.failed_dir = self.folder / FAILED
        self.cleaned: list[str] = []
        self.committed = False
        self._lock: Any = None
        self._created = False

    # ------------------------------------------------------------------ context
    def __enter__(self) -> "Transaction":
        if self.folder.exists() and not self.folder.is_dir():
            raise DatasetError(Errors.E401, dataset="output folder", path=str(self.folder), detail="not a folder")
        self._created = not self.folder.exists()
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise DatasetError(Errors.E401, dataset="output folder", path=str(self.folder), detail=str(e)) from e
        self._lock = locks.exclusive(self.folder / LOCK, folder=self.folder, spec=Errors.E408)
        self._lock.__enter__()
        try:
            self.cleaned = clean(self.folder)
            self.staging.mkdir()
        except OSError as e:
            self._release(failed=True)
            raise DatasetError(Errors.E401, dataset="output folder", path=str(self.folder), detail=str(e)) from e
        except BaseException:
            self._release(failed=True)
            raise
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self._release(failed=not self.committed)

    def _release(self, failed: bool) -> None:
        if failed and self.staging.exists() and not (self.staging / PLAN).exists():
            _rm(self.staging)          # never swapped: the folder is as it was
        # a commit cut short after its plan was written is rolled forward by the next run (clean)
        if self._lock is not None:
            self._lock.__exit__(None, None, None)
            self._lock = None
        if failed and self._created:  # a first run that failed leaves no empty folder behind
            leftovers = [p for p in self.folder.iterdir() if p.name != LOCK]
            if not leftovers:
                (self.folder / LOCK).unlink(missing_ok=True)
                try:
                    self.folder.rmdir()
                except OSError:
                    pass

    # ------------------------------------------------------------------ paths
    def final(self, path: str | Path) -> Path:
        """Where a file written under ``staging`` lives once committed."""
        p = Path(path)
        try:
            return self.folder / p.relative_to(self.staging)
        except ValueError:
            return p

    def final_paths(self, paths: dict[str, Any]) -> dict[str, str]:
        return {k: str(self.final(v)) for k, v in paths.items()}

    def check_collisions(self, names: Optional[set[str]] = None) -> None:
        """E409 when a file this run would write exists in the folder but is not voc's."""
        names = names if names is not None else catalog.filenames(self.replaces)
        mine = owned(self.folder)
        for n in sorted(names):
            if (self.folder / n).exists() and n not in mine:
                raise VocError(Errors.E409, path=str(self.folder), file=n)

    def keep_failed(self, files: dict[str, Any]) -> Path:
        """A failed run's own records (rejects.jsonl, run.json) for the user to read, in OUT/.voc-failed-run/,
        outside the previous run's files (which stay as they were). Returns that folder."""
        if self.failed_dir.exists():
            _rm(self.failed_dir)
        self.failed_dir.mkdir(parents=True, exist_ok=True)
        for name, src in files.items():
            src = Path(src)
            if src.exists():
                os.replace(src, self.failed_dir / name)
        return self.failed_dir

    # ------------------------------------------------------------------ commit
    def commit(self, info: Optional[dict[str, Any]] = None) -> dict[str, str]:
        """Swap the staged outputs in. Returns file name -> stage of the folder after the swap."""
        new = sorted(p.name for p in self.staging.iterdir() if p.name not in (PLAN, MANIFEST))
        self.check_collisions(set(new))
        before = owned(self.folder)
        remove = sorted({n for n, st in before.items() if st in self.replaces} | {n for n in new if n in before})
        after = {n: st for n, st in before.items() if n not in remove}
        after.update({n: (catalog.stage_of(n) or self.stage) for n in new})
        manifest = {"format": FORMAT, "run_id": self.run_id, "stage": self.stage,
                    "committed_at": datetime.now(timezone.utc).isoformat(), **(info or {}),
                    "files": {n: {"stage": st, "dataset": catalog.dataset_of(n) or n} for n, st in sorted(after.items())}}
        prev = read_manifest(self.folder)
        if prev is not None:
            runs = dict(prev.get("runs") or {})
        else:
            runs = {}
        runs = {st: rid for st, rid in runs.items() if st not in self.replaces}
        runs[self.stage] = self.run_id
        manifest["runs"] = runs
        try:
            (self.staging / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8")
            tmp = self.staging / (PLAN + ".tmp")
            tmp.write_text(json.dumps({"run_id": self.run_id, "add": new, "remove": remove}), encoding="utf-8")
            os.replace(tmp, self.staging / PLAN)
            _finish(self.folder, self.staging)
        except OSError as e:
            raise DatasetError(Errors.E401, dataset="output folder", path=str(self.folder), detail=str(e)) from e
        self.committed = True
        if self.failed_dir.exists():
            _rm(self.failed_dir)
        return after


def run_files(folder: Path, stages: tuple[str, ...] = catalog.STAGES) -> Optional[set[str]]:
    """The file names of ``folder`` that the manifest lists for ``stages``; None for a folder without one."""
    m = read_manifest(Path(folder))
    if m is None:
        return None
    return {n for n, f in (m.get("files") or {}).items() if f.get("stage") in stages}


def iter_owned(folder: Path) -> Iterator[Path]:
    for n in owned(folder):
        yield Path(folder) / n
