"""CSV injection (formula injection) defence for the CSV outputs, as OWASP recommends.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab, a carriage return or a
line feed (and their full-width forms) as a formula: ``=HYPERLINK(...)`` in a ticket subject becomes a
live link, ``+cmd|' /C calc'!A0`` a command. Every *text* cell that starts with one of them is written
with a leading single quote, so the spreadsheet shows it as text. Numbers are left alone: numeric
columns are never touched, and a text cell that is a plain number (``-0.5``, ``+44``) is harmless and
stays as it is. Cells that already start with quotes before such a character get one more quote, so
``unescape`` gives back exactly the original text (voc's own readers call it when they read a CSV
output back).

https://owasp.org/www-community/attacks/CSV_Injection
"""
from __future__ import annotations

import re

import pandas as pd

TRIGGERS = "=+-@\t\r\n\uff1d\uff0b\uff0d\uff20"
_NEEDS = re.compile("^'*[" + re.escape(TRIGGERS) + "]")
_ESCAPED = re.compile("^'+[" + re.escape(TRIGGERS) + "]")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def escape_cell(v: object) -> object:
    if isinstance(v, str) and _NEEDS.match(v) and not _NUMBER.match(v):
        return "'" + v
    return v


def unescape_cell(v: object) -> object:
    if isinstance(v, str) and _ESCAPED.match(v):
        return v[1:]
    return v


def _text_columns(df: pd.DataFrame) -> list[str]:
    return [c for c in df.columns
            if df[c].dtype == object or pd.api.types.is_string_dtype(df[c].dtype)
            and not pd.api.types.is_numeric_dtype(df[c].dtype)]


def escape(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells are safe to open in a spreadsheet (numeric columns untouched)."""
    cols = _text_columns(df)
    if not cols:
        return df
    out = df.copy()
    for c in cols:
        out[c] = out[c].map(escape_cell, na_action="ignore")
    return out


def unescape(df: pd.DataFrame) -> pd.DataFrame:
    """Undo ``escape`` on a table read back from a voc CSV output."""
    for c in _text_columns(df):
        s = df[c]
        if any(isinstance(v, str) and v.startswith("'") for v in s.to_numpy(dtype=object)):
            df[c] = s.map(unescape_cell, na_action="ignore")
    return df


def spark_escape(sdf):  # pragma: no cover - exercised by the Spark tests when pyspark is installed
    """The same rule on a Spark DataFrame's string columns (for spark.output='spark' CSV)."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import StringType

    cols = []
    for f in sdf.schema.fields:
        c = F.col(f"`{f.name}`")
        if isinstance(f.dataType, StringType):
            c = F.when(c.rlike(_NEEDS.pattern) & ~c.rlike(_NUMBER.pattern), F.concat(F.lit("'"), c)).otherwise(c)
        cols.append(c.alias(f.name))
    return sdf.select(*cols)
