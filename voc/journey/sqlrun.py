"""Load the .sql files of voc/journey/sql (package data) and run them on a DuckDB connection.

Parameters are numbers from the validated config, substituted as ``{name}``; table names are the
views registered on the connection. Each statement is a single SELECT, so another engine (Spark)
can run the same text with ``spark.sql``."""
from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

import duckdb
import pandas as pd


@lru_cache(maxsize=None)
def load_sql(name: str) -> str:
    return resources.files("voc.journey.sql").joinpath(f"{name}.sql").read_text(encoding="utf-8")


def render(name: str, **params: Any) -> str:
    text = load_sql(name)
    for k, v in params.items():
        if not isinstance(v, (int, float)) or isinstance(v, bool):
            raise TypeError(f"SQL parameter {k} must be a number, got {type(v).__name__}")
        text = text.replace("{" + k + "}", repr(float(v)) if isinstance(v, float) else str(v))
    return text


def literal(value: Any) -> str:
    """A SQL string literal (e.g. a file path in COPY ... TO)."""
    return "'" + str(value).replace("'", "''") + "'"


def connect(config: Any = None) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection in UTC; with a JourneyConfig, also its memory limit (beyond it DuckDB
    spills to a temporary folder), threads and ``preserve_insertion_order = false``."""
    if config is not None:
        from voc.sequences.engine import connect as seq_connect

        con = seq_connect(config)
    else:
        con = duckdb.connect()
    con.execute("SET TimeZone='UTC'")
    return con


def materialise(con: duckdb.DuckDBPyConnection, table: str, name: str, **params: Any) -> None:
    """CREATE OR REPLACE TEMP TABLE <table> AS <sql file name>."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS {render(name, **params)}")


def fetch(con: duckdb.DuckDBPyConnection, sql: str) -> pd.DataFrame:
    """Run a statement; the result as pandas with Arrow dtypes (nulls and timestamps kept exactly)."""
    return con.sql(sql).to_arrow_table().to_pandas(types_mapper=pd.ArrowDtype)


def query(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> pd.DataFrame:
    return fetch(con, render(name, **params))
