"""Load the .sql files of voc/journey/sql (package data) and run them on a DuckDB connection.

Templates are Jinja, rendered by voc.sqltemplate (the same environment and quoting rules as
voc/sequences/sql): parameters are numbers from the validated config, written ``{{ name }}`` and
checked before rendering; table names are the views registered on the connection. Each statement is a
single SELECT, so another engine (Spark) can run the same text with ``spark.sql``."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from voc import sqltemplate

SQL_DIR = Path(__file__).resolve().parent / "sql"


def load_sql(name: str) -> str:
    """The template text of sql/<name>.sql."""
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def render(name: str, **params: Any) -> str:
    """sql/<name>.sql rendered by voc.sqltemplate (Jinja, ``{{ name }}``); every parameter must be a
    number (checked: int or finite float, never bool or text)."""
    checked = {k: sqltemplate.number(k, v) for k, v in params.items()}
    return sqltemplate.render(SQL_DIR, name, "duckdb", **checked)


def literal(value: Any) -> str:
    """A SQL string literal (e.g. a file path in COPY ... TO)."""
    return sqltemplate.lit(value)


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
