"""JSON exports holding a list of records, read item by item with ``ijson`` (memory does not grow
with the file). Shared by the JSON readers (tickets, Intercom conversations, ABCD dialogues).

    listed = json_list(source, ("tickets", "data", "results"), single=("subject", "id"))
    if listed is None:            # not a list of records (one object), or not streamable: read whole
        ...
    for loc, item in salvage(path, source, listed): ...

A damaged file keeps the records before the damage: when the parser stops, the whole-text
salvage of voc.ingest.common.load_json gives the E006 reject (line and column of the damage).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Iterator

from voc.errors import Errors
from voc.ingest.base import Reject
from voc.ingest.common import load_json
from voc.ingest.source import Source


def items(source: Source, prefix: str) -> Iterator[Any]:
    """The values at ``prefix`` ('item', 'tickets.item'...), one at a time."""
    import ijson

    f = source.open_binary()
    with f:
        yield from ijson.items(f, prefix, use_float=True)


def array_key(source: Source, keys: Iterable[str], single: Iterable[str] = ()) -> str | None:
    """The first top-level key of a JSON object, among ``keys``, whose value is an array, found by
    streaming up to it; None when a key of ``single`` with a scalar value comes first (the object is
    one record), when a ``single`` key holds an object, or on damage."""
    import ijson

    keys, single = tuple(keys), tuple(single)
    f = source.open_binary()
    if f is None:
        return None
    key = None
    try:
        with f:
            for prefix, event, value in ijson.parse(f):
                if prefix == "" and event == "map_key":
                    key = value
                elif key is not None and prefix == key:
                    if event == "start_array" and key in keys:
                        return key
                    if key in single and event != "start_array":
                        return None
    except ijson.JSONError:
        return None
    return None


def json_list(source: Source, keys: Iterable[str], single: Iterable[str] = ()) -> tuple[str, Iterator[Any]] | None:
    """(key, records) of a top-level array (key '') or of the first of ``keys`` holding one; None
    when the file should be read whole (not UTF-8 streamed, not a list of records)."""
    if not source.streamed:
        return None
    head = source.head.lstrip("\ufeff \t\r\n")
    if head.startswith("["):
        return "", items(source, "item")
    if not head.startswith("{"):
        return None
    key = array_key(source, keys, single)
    if key is None:
        return None
    return key, items(source, f"{key}.item")


def salvage(path: Path, source: Source, located: Iterable[tuple[str, Any]]) -> Iterator[Any]:
    """Yield the (location, record) pairs of ``located``; if the parser stops on damage, then the
    E006 reject (a Reject, not a pair) located by the whole-text salvage, and stop."""
    import ijson

    n = 0
    try:
        for pair in located:
            n += 1
            yield pair
    except ijson.JSONError:
        _, _, damage, _ = load_json(source.text(), path)
        if damage is None:  # the two parsers disagree: say where the streaming one stopped
            damage = Reject.of(Errors.E006, file=path, location=f"record {n + 1}", level="file",
                               detail=f"the JSON parser stopped ({n} complete records before it were read)")
        yield damage
