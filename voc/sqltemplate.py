"""One SQL templating for voc: Jinja templates (``.sql`` files shipped as package data), rendered
with the same environment and the same quoting rules wherever voc writes SQL.

Rules (voc.sequences.sql and voc.journey.sql both follow them):

- a template only gets its text from ``{{ ... }}`` expressions and the macros of its dialect;
  ``StrictUndefined``: a parameter the caller forgot is an error, never an empty string;
- an identifier (a table or column name that comes from data or config) goes through
  ``ident()``: double-quoted for DuckDB, back-quoted for Spark, the quote character doubled;
- a string value goes through ``lit()``: single-quoted, escaped for the dialect;
- a number parameter is checked by ``number()`` (int or finite float, never bool or text) before
  it reaches a template: nothing else a caller passes is pasted into SQL as it is.

Values are rendered as checked literals rather than bound as ``$1`` parameters because the same
text runs on Spark SQL (which has no bind parameters in a plain ``spark.sql`` before 3.4) and
because several templates are combined into one statement (friction's UNION ALL), where bound
names would collide."""
from __future__ import annotations

import math
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

DIALECTS: tuple[str, ...] = ("duckdb", "spark")


def ident(name: Any, dialect: str = "duckdb") -> str:
    """A quoted identifier: "x" (DuckDB) or `x` (Spark)."""
    q = "`" if dialect == "spark" else '"'
    return q + str(name).replace(q, q + q) + q


def lit(value: Any, dialect: str = "duckdb") -> str:
    """A string literal. DuckDB doubles the quote; Spark SQL uses backslash escapes ('' is *not* an
    escaped quote there)."""
    if dialect == "spark":
        return "'" + str(value).replace("\\", "\\\\").replace("'", "\\'") + "'"
    return "'" + str(value).replace("'", "''") + "'"


def number(name: str, value: Any) -> int | float:
    """``value`` if it is an int or a finite float (a bool or anything else is a TypeError)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"SQL parameter {name} must be a number, got {type(value).__name__}")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"SQL parameter {name} must be finite, got {value!r}")
    return value


def _finalize(value: Any) -> Any:
    # floats print with repr (no loss, never '1e+20' surprises from str of numpy scalars)
    if isinstance(value, float):
        return repr(float(value))
    return value


@cache
def environment(folder: str) -> jinja2.Environment:
    """The Jinja environment of one folder of ``.sql`` templates (cached per folder)."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        autoescape=False,
        finalize=_finalize,
    )


def render(folder: str | Path, name: str, dialect: str = "duckdb", **context: Any) -> str:
    """Render ``<folder>/<name>.sql`` with ``context``, plus ``dialect``, ``ident`` and ``lit`` for it."""
    if dialect not in DIALECTS:
        raise ValueError(f"unknown SQL dialect {dialect!r}; use one of {DIALECTS}")
    template = environment(str(folder)).get_template(f"{name}.sql")
    helpers = {"ident": lambda s: ident(s, dialect), "lit": lambda s: lit(s, dialect)}
    return template.render(**{"dialect": dialect, **helpers, **context}).strip() + "\n"


__all__ = ["DIALECTS", "environment", "ident", "lit", "number", "render"]
