"""Reading and writing named datasets. Every write is atomic (temp file + rename), so a crash
never leaves a half-written output; every I/O failure is wrapped into one DatasetError that
names the dataset and the path."""
from __future__ import annotations

import csv
import json
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterable, Iterator

import pandas as pd

from voc import csvsafe
from voc.catalog import FORMATS
from voc.errors import DatasetError, Errors, VocError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def atomic_path(path: str | Path, *, dataset: str) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path`` in one rename."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(fd)
    except OSError as e:
        raise DatasetError(Errors.E401, dataset=dataset, path=str(path), detail=str(e)) from e
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o666 & ~_umask())  # mkstemp creates 0600; outputs get the usual mode
        os.replace(tmp_path, path)
    except VocError:
        tmp_path.unlink(missing_ok=True)
        raise
    except (OSError, ValueError, TypeError) as e:
        tmp_path.unlink(missing_ok=True)
        raise DatasetError(Errors.E401, dataset=dataset, path=str(path), detail=str(e)) from e
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


@contextmanager
def atomic_dir(path: str | Path, *, dataset: str) -> Iterator[Path]:
    """Like atomic_path for a folder (e.g. a partitioned Parquet dataset or a saved model)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
    try:
        yield tmp
        if path.exists():
            old = path.with_name(f".{path.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            os.replace(path, old)
            os.replace(tmp, path)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, path)
    except VocError:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    except (OSError, ValueError, TypeError) as e:
        shutil.rmtree(tmp, ignore_errors=True)
        raise DatasetError(Errors.E401, dataset=dataset, path=str(path), detail=str(e)) from e
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def table_path(out_dir: str | Path, name: str, fmt: str) -> Path:
    if fmt not in FORMATS:
        raise VocError(Errors.E403, fmt=fmt)
    return Path(out_dir) / f"{name}.{fmt}"


def write_table(df: pd.DataFrame, path: str | Path, *, dataset: str, fmt: str | None = None) -> Path:
    path = Path(path)
    fmt = fmt or path.suffix.lstrip(".")
    if fmt not in FORMATS:
        raise VocError(Errors.E403, fmt=fmt)
    with atomic_path(path, dataset=dataset) as tmp:
        if fmt == "parquet":
            df.to_parquet(tmp, index=False)
        else:
            # OWASP CSV-injection guidance: text cells quoted (a bare CR in a text no longer splits a row)
            # and escaped with a leading ' when they start like a formula; numbers stay unquoted numbers
            csvsafe.escape(df).to_csv(tmp, index=False, quoting=csv.QUOTE_NONNUMERIC)
    return path


def write_arrow(table, path: str | Path, *, dataset: str) -> Path:
    """Write a pyarrow Table as Parquet (for columns pandas metadata cannot round-trip, e.g. vectors)."""
    import pyarrow.parquet as pq

    with atomic_path(path, dataset=dataset) as tmp:
        pq.write_table(table, tmp)
    return Path(path)


def read_csv(path: str | Path, **kw: Any) -> pd.DataFrame:
    """A voc CSV output: one file, or a folder of part files (written by Spark, spark.output='spark');
    the CSV-injection escaping undone."""
    path = Path(path)
    if path.is_dir():
        parts = sorted(p for p in path.glob("part-*") if p.suffix == ".csv" or p.name.endswith(".csv.gz"))
        if not parts:
            return pd.DataFrame()
        return csvsafe.unescape(pd.concat([pd.read_csv(p, **kw) for p in parts], ignore_index=True))
    return csvsafe.unescape(pd.read_csv(path, **kw))


def read_table(path: str | Path, *, dataset: str) -> pd.DataFrame:
    path = Path(path)
    try:
        if path.suffix == ".csv":
            return read_csv(path)
        return pd.read_parquet(path)
    except (OSError, ValueError) as e:
        raise DatasetError(Errors.E402, dataset=dataset, path=str(path), detail=str(e).splitlines()[0]) from e
    except Exception as e:  # pyarrow raises its own types for damaged files
        raise DatasetError(Errors.E402, dataset=dataset, path=str(path), detail=f"{type(e).__name__}: {e}") from e


def find_table(folder: str | Path, name: str) -> Path | None:
    for fmt in FORMATS:
        p = Path(folder) / f"{name}.{fmt}"
        if p.exists():
            return p
    return None


def _default(o: Any) -> Any:
    if hasattr(o, "isoformat"):
        return o.isoformat()
    if hasattr(o, "item"):
        return o.item()
    if isinstance(o, (set, tuple)):
        return list(o)
    if isinstance(o, Path):
        return str(o)
    return str(o)


def write_json(obj: Any, path: str | Path, *, dataset: str) -> Path:
    with atomic_path(path, dataset=dataset) as tmp:
        tmp.write_text(json.dumps(obj, indent=2, default=_default, ensure_ascii=False), encoding="utf-8")
    return Path(path)


def write_jsonl(rows: Iterable[dict[str, Any]], path: str | Path, *, dataset: str) -> Path:
    with atomic_path(path, dataset=dataset) as tmp:
        with open(tmp, "w", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps(r, default=_default, ensure_ascii=False) + "\n")
    return Path(path)


def read_jsonl(path: str | Path, *, dataset: str) -> list[dict[str, Any]]:
    try:
        with open(path, encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]
    except (OSError, ValueError) as e:
        raise DatasetError(Errors.E402, dataset=dataset, path=str(path), detail=str(e)) from e


_BOOL_TEXT = {"true": True, "false": False, "1": True, "0": False, "1.0": True, "0.0": False, "yes": True, "no": False}


def to_bool(s: pd.Series) -> pd.Series:
    """Booleans as written by either format, as pandas 'boolean': Parquet bool / boolean[pyarrow] as they are,
    CSV text 'True'/'False'/1/0/yes/no (any case); blank, null and anything else missing. The one parser of
    boolean columns (report, metrics flags, CDP)."""
    if pd.api.types.is_bool_dtype(s.dtype):
        return s.astype("boolean")
    return s.astype("object").map(
        lambda v: None if v is None or v is pd.NA or (isinstance(v, float) and v != v) else _BOOL_TEXT.get(str(v).strip().lower())
    ).astype("boolean")
