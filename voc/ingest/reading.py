"""Reading files and folders: decode, detect the format, dispatch to a reader, finish every
record (ids, provenance, message order) and account for everything that could not be read."""
from __future__ import annotations

import traceback
from pathlib import Path
from typing import Any, Iterator, Optional

from voc import registry
from voc.config import IngestConfig
from voc.errors import Errors
from voc.ingest.base import Item, Record, Reject
from voc.ingest.common import clean_email, clean_phone, clean_str, derived_id
from voc.ingest.decode import NotText, Undecodable
from voc.ingest.names import printable
from voc.ingest.scan import scan
from voc.ingest.source import EmptyText, Source
from voc.ingest.stats import IngestStats
from voc.schema import CHANNELS, ROLES

SNIFF_BYTES = 8192
MIN_SCORE = 0.3


def _ensure_readers() -> None:
    import voc.ingest.readers  # noqa: F401  (registers the built-in readers)


def display_path(path: Path, root: Path | None) -> str:
    """The path as reported (relative to the input folder), printable whatever its bytes."""
    if root is not None:
        try:
            return printable(path.relative_to(root).as_posix())
        except ValueError:
            pass
    return printable(path.as_posix())


def get_reader(name: str) -> Any:
    """The registered reader (classes are instantiated: readers take no parameters)."""
    _ensure_readers()
    obj = registry.readers.get(name)
    return obj() if isinstance(obj, type) else obj


def detect(path: Path, text: str, config: IngestConfig) -> tuple[Any | None, str]:
    """The reader for this file (or None) and a note on why."""
    _ensure_readers()
    if config.format:
        return get_reader(config.format), "forced by ingest.format"
    head = text[:SNIFF_BYTES]
    scored = []
    for name in registry.readers.names():
        reader = get_reader(name)
        try:
            s = float(reader.sniff(path, head))
        except Exception:  # a reader's sniff must never sink detection
            s = 0.0
        scored.append((s, name, reader))
    scored.sort(key=lambda t: (-t[0], t[1]))
    if not scored or scored[0][0] < MIN_SCORE:
        ext = path.suffix.lower() or "no extension"
        return None, f"extension '{ext}'; the content matched no reader"
    return scored[0][2], f"sniffed (score {scored[0][0]:.2f})"


def read_file(path: Path, config: IngestConfig, *, root: Path | None = None) -> Iterator[Item]:
    """Records and rejects of one file. Never raises for bad input: whatever cannot be read
    becomes a Reject (level 'file' when the whole file is lost)."""
    yield from read_with_info(Path(path), config, root, {})


def _file_reject(path: Path, spec, **details: Any) -> Reject:  # noqa: ANN001
    return Reject.of(spec, file=path, location="file", level="file", **details)


def read_with_info(path: Path, config: IngestConfig, root: Path | None, info: dict[str, Any]) -> Iterator[Item]:
    info["format"] = "unknown"
    try:
        st = path.stat()
        if path.is_dir():
            raise IsADirectoryError("it is a folder that could not be listed")
    except OSError as e:
        yield _file_reject(path, Errors.E017, detail=getattr(e, "strerror", None) or str(e))
        return
    size_mb = st.st_size / 2**20
    if size_mb > config.max_file_mb:
        yield _file_reject(path, Errors.E012, limit_mb=config.max_file_mb, size_mb=size_mb)
        return
    if st.st_size == 0:
        yield _file_reject(path, Errors.E003)
        return
    try:
        source = Source.open(path, config.encoding)
    except EmptyText:
        yield _file_reject(path, Errors.E003)
        return
    except OSError as e:
        yield _file_reject(path, Errors.E017, detail=e.strerror or str(e))
        return
    except NotText as e:
        yield _file_reject(path, Errors.E005, detail=str(e))
        return
    except Undecodable as e:
        yield _file_reject(path, Errors.E004, tried=", ".join(e.tried))
        return
    if source.lost_tail_bytes:
        yield Reject.of(Errors.E023, file=path, location="end of file", level="field",
                        n=source.lost_tail_bytes, encoding=source.encoding.upper())
    reader, why = detect(path, source.head, config)
    if reader is None:
        yield _file_reject(path, Errors.E005, detail=why)
        return
    info["format"] = reader.name
    shown, path_shown = display_path(path, root), printable(path)  # one string per file, shared by its records
    n = 0
    read_source = getattr(reader, "read_source", None)
    try:
        items = read_source(path, source, config) if read_source is not None else reader.read(path, source.text(), config)
        for item in items:
            n += 1
            if isinstance(item, Record):
                yield from finish(item, reader.name, shown, path_shown, config)
            else:
                yield item
    except Exception as e:  # a reader bug must not sink the batch: the rest of the file is reported lost
        yield _file_reject(path, Errors.E019, reader=reader.name, n=n, detail=_where(e))


def _where(e: BaseException) -> str:
    """'KeyError at tickets_json.py:142': the exception's type and where it was raised, not its
    message, which may quote the record (personal data) into rejects.jsonl."""
    tb = traceback.extract_tb(e.__traceback__)
    if not tb:
        return type(e).__name__
    return f"{type(e).__name__} at {Path(tb[-1].filename).name}:{tb[-1].lineno}"


def finish(rec: Record, reader_name: str, shown: str, path: str, config: IngestConfig) -> Iterator[Item]:
    """Fill ids and provenance, drop empty messages (E013) and empty records (E008)."""
    c = rec.contact
    loc = clean_str(c.get("source_record")) or "file"
    c["source_record"] = loc
    c["source_format"] = c.get("source_format") or reader_name
    c["source_file"] = shown
    c["_path"] = path
    c.setdefault("_source", reader_name)
    kept: list[dict[str, Any]] = []
    for i, m in enumerate(rec.messages):
        text = m.get("text")
        text = text.strip() if isinstance(text, str) else (str(text).strip() if text is not None else "")
        mloc = clean_str(m.get("source_record")) or f"message {i + 1} of {loc}"
        if not text:
            yield Reject.of(Errors.E013, file=path, location=mloc, level="message")
            continue
        if "\x00" in text:  # stray NUL bytes of a damaged file (see voc.ingest.decode)
            yield Reject.of(Errors.E022, file=path, location=mloc, level="message", what="message", n=text.count("\x00"))
            continue
        m["text"] = text
        m["source_record"] = mloc
        if m.get("role") not in ROLES:
            m["role"] = "system" if m.get("role") is None else _fallback_role(m["role"])
        kept.append(m)
    if not kept:
        yield Reject.of(Errors.E008, file=path, location=loc, level="contact")
        return
    cid = clean_str(c.get("contact_id"))
    if cid is None:
        cid = derived_id(c["source_format"], shown, loc)
    c["contact_id"] = cid
    if c.get("channel") not in CHANNELS:
        c["channel"] = "ticket"
    c["customer_id"] = clean_str(c.get("customer_id"))
    c["email"] = clean_email(c.get("email"))
    c["phone"] = clean_phone(c.get("phone"))
    for key in ("status", "subject", "language"):
        c[key] = clean_str(c.get(key))
    if c["language"] is None:
        c["language"] = config.default_language
    if c["status"] is not None:
        c["status"] = c["status"].lower()
    if c.get("created_at") is None:
        stamps = [m["timestamp"] for m in kept if m.get("timestamp") is not None]
        c["created_at"] = min(stamps) if stamps else None
    for seq, m in enumerate(kept):
        m["contact_id"] = cid
        m["seq"] = seq
        m["source_file"] = shown
    c["n_messages"] = len(kept)
    rec.messages = kept
    yield rec


def _fallback_role(value: Any) -> str:
    from voc.ingest.roles import role_of

    return role_of(str(value)) or "system"


def iter_records(path: Path, config: IngestConfig, stats: IngestStats | None = None,
                 files: Optional[list[Path]] = None) -> Iterator[Item]:
    """Records and rejects of every file under ``path``; later duplicates of a contact id are
    rejected (E015). The same id from two different systems (e.g. a Zendesk and an Intercom
    export) is not a duplicate: the later one is prefixed with its source ('intercom:123').
    ``files``: the result of ``scan`` when the caller already listed the folder (its skips counted there)."""
    path = Path(path)
    if files is None:
        files = scan(path, config, stats.files_skipped if stats is not None else None)
    root = path if path.is_dir() else path.parent
    first_seen: dict[str, tuple[str, str, str]] = {}  # contact_id -> (source, file, location)
    for f in files:
        info: dict[str, Any] = {}
        for item in read_with_info(f, config, root, info):
            if isinstance(item, Record):
                item = dedupe(item, first_seen)
            if stats is not None:
                stats.add(item)
            yield item
        if stats is not None:
            stats.add_file(info.get("format", "unknown"))


def dedupe(rec: Record, first_seen: dict[str, tuple[str, str, str]]) -> Item:
    """(the file and location are kept apart, not as one string per contact: the file's name is one
    shared string, so remembering 10^6 ids stays small)"""
    c = rec.contact
    cid, source = c["contact_id"], c.get("_source", "")
    if cid in first_seen:
        first_source, first_file, first_loc = first_seen[cid]
        if first_source == source:
            return Reject.of(Errors.E015, file=c["_path"], location=c["source_record"], level="contact",
                             contact_id=cid, first=f"{first_file} {first_loc}")
        cid = f"{source}:{cid}"
        if cid in first_seen:
            _, first_file, first_loc = first_seen[cid]
            return Reject.of(Errors.E015, file=c["_path"], location=c["source_record"], level="contact",
                             contact_id=cid, first=f"{first_file} {first_loc}")
        c["contact_id"] = cid
        for m in rec.messages:
            m["contact_id"] = cid
    first_seen[cid] = (source, c["_path"], c["source_record"])
    return rec
