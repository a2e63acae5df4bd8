"""Reading a pipeline config file and describing its mistakes: every mistake at once, each with
its YAML line and, for a misspelt key, the closest known key.

``read_yaml`` returns the data and a map from each key path to its line; ``describe_errors`` turns
pydantic's validation errors into one line per mistake. ``voc.config.load`` uses both.
"""
from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any, Optional

import yaml
from pydantic import BaseModel, ValidationError

from voc.errors import ConfigError, Errors

MAX_DEPTH = 50          # a pipeline config is 3-4 levels deep; far deeper is a broken or hostile file
MAX_BYTES = 5_000_000   # a pipeline config is a few KB

Lines = dict[tuple[str, ...], int]


def _depth_exceeded(text: str) -> Optional[int]:
    """The 1-based line where flow/block nesting first passes MAX_DEPTH (checked on YAML events,
    which are not recursive, before PyYAML's recursive composer could overflow the stack)."""
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                return event.start_mark.line + 1
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
    return None


def _lines(node: yaml.Node, prefix: tuple[str, ...], out: Lines) -> None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            path = prefix + (str(key.value),)
            out.setdefault(path, key.start_mark.line + 1)
            _lines(value, path, out)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            path = prefix + (str(i),)
            out.setdefault(path, item.start_mark.line + 1)
            _lines(item, path, out)


def read_yaml(path: Path) -> tuple[dict[str, Any], Lines]:
    """(data, key path -> line) of a config file; E101 with the line for anything unreadable."""
    def fail(detail: str) -> ConfigError:
        return ConfigError(Errors.E101, path=str(path), detail=detail)

    try:
        raw = path.read_bytes()
    except OSError as e:
        raise fail(e.strerror or str(e)) from None
    if len(raw) > MAX_BYTES:
        raise fail(f"the file is {len(raw) / 1e6:.1f} MB; a pipeline config is a few KB")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[:e.start].count(b"\n") + 1
        raise fail(f"line {line}: the file is not UTF-8 text (byte 0x{raw[e.start]:02x}); save it as UTF-8") from None
    try:
        deep = _depth_exceeded(text)
        if deep is not None:
            raise fail(f"line {deep}: nested more than {MAX_DEPTH} levels deep")
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        raise fail(f"{where}invalid YAML: {e.problem or e.context or 'syntax error'}") from None
    except (yaml.YAMLError, RecursionError, ValueError) as e:
        raise fail(f"invalid YAML: {str(e).splitlines()[0] if str(e) else type(e).__name__}") from None
    if data is None:
        return {}, {}
    if not isinstance(data, dict):
        raise fail(f"the top level must be a mapping of sections (ingest:, redact:, ...), not a {type(data).__name__}")
    lines: Lines = {}
    if node is not None:
        _lines(node, (), lines)
    return data, lines


def _fields_at(model: type[BaseModel], loc: tuple[str, ...]) -> list[str]:
    """Known keys of the section that holds ``loc``'s last part (for did-you-mean)."""
    current: Any = model
    for part in loc[:-1]:
        fields = getattr(current, "model_fields", None)
        if fields is None or part not in fields:
            return []
        current = fields[part].annotation
    fields = getattr(current, "model_fields", None)
    return list(fields) if fields else []


def describe_errors(err: ValidationError, model: type[BaseModel], lines: Lines, source: str) -> list[str]:
    """One line per mistake: 'line N: key: what is wrong (did you mean ...?)'."""
    out: list[tuple[int, str]] = []
    for e in err.errors():
        loc = tuple(str(p) for p in e["loc"])
        key = ".".join(loc) or "(top level)"
        on_key = bool(loc) and loc[-1] == "[key]"     # a dict key outside its allowed values
        if on_key:
            loc = loc[:-1]
            key = ".".join(loc)
        if e["type"] == "extra_forbidden":
            known = _fields_at(model, loc)
            msg = "unknown key"
            close = difflib.get_close_matches(loc[-1], known, n=1, cutoff=0.6)
            if close:
                msg += f"; did you mean '{'.'.join(loc[:-1] + (close[0],))}'?"
            elif known:
                msg += f"; known keys here: {', '.join(known)}"
        else:
            msg = e["msg"]
            if msg.startswith("Value error, "):
                msg = msg[len("Value error, "):]
            if e["type"] not in ("missing",) and "input" in e and not isinstance(e["input"], (dict, list)):
                msg += f" (got {e['input']!r})"
            if e["type"] == "literal_error" and isinstance(e.get("input"), str):
                allowed = re.findall(r"'([^']*)'", str(e.get("ctx", {}).get("expected", "")))
                close = difflib.get_close_matches(e["input"], allowed, n=1, cutoff=0.6)
                if close:
                    msg += f"; did you mean '{close[0]}'?"
            if on_key:
                msg = "unknown key: " + msg[0].lower() + msg[1:]
        line = None
        for n in range(len(loc), 0, -1):   # the key itself, else the nearest enclosing key in the file
            line = lines.get(loc[:n])
            if line is not None:
                break
        where = f"{source} line {line}" if line is not None else source
        out.append((line or 0, f"{where}: {key}: {msg}"))
    return [text for _, text in sorted(out, key=lambda t: t[0])]


def raise_errors(err: ValidationError, model: type[BaseModel], lines: Lines, source: str) -> None:
    problems = describe_errors(err, model, lines, source)
    if len(problems) == 1:
        raise ConfigError(Errors.E102, key=problems[0].split(": ", 2)[1], detail=problems[0]) from None
    raise ConfigError(Errors.E105, n=len(problems), problems="\n  - " + "\n  - ".join(problems)) from None
