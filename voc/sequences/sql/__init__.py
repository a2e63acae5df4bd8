"""The sequence metrics, written once as SQL and rendered for DuckDB or Spark SQL.

Every ``*.sql`` file in this folder is one SELECT statement (CTEs allowed) over a single
input view, the *timeline*, with at least the columns

    journey_id   string    the journey (customer id, or case id of a case-based event log)
    ts           timestamp  when the step happened (UTC)
    seq          integer    stable order of steps with equal ``ts`` inside a journey
    event        string    the step name; contacts appear as 'contact:<channel>'

and, for contact outcomes only, ``intent`` (string, may be NULL). The order of a journey is
always ``(ts, seq)``. Rows whose journey_id, ts or event is NULL must be removed from the view
before running the queries (``voc.sequences.engine`` does that for DuckDB and counts them).

View names
    DuckDB (voc.sequences.engine): ``__voc_timeline_<n>`` (the prepared table of your timeline).
    Spark: register your DataFrame as the temp view ``timeline`` (the default ``source``), or
    pass ``source="<view>"`` to ``render``.

Templating: voc.sqltemplate (one Jinja environment and one set of quoting rules for every
SQL file of voc, also voc/journey/sql).

Dialect layer: the few spots where DuckDB and Spark SQL differ are Jinja macros whose
expansion depends on the dialect (see ``_DIALECTS``):

    {{ epoch_us(x) }}                    DuckDB epoch_us(x)             Spark unix_micros(x)
    {{ quantile('x', 0.5) }}             DuckDB quantile_cont(x, 0.5)    Spark percentile(x, 0.5)
    {{ ordered_list('v', ['ts','seq']) }} DuckDB list(v ORDER BY ts, seq)
                                         Spark transform(array_sort(collect_list(struct(ts, seq, v))), x -> x.v)
    {{ list_join('l', ' > ') }}          DuckDB array_to_string(l, sep)  Spark array_join(l, sep)
    {{ list_head('l', n) }}              DuckDB list_slice(l, 1, n)      Spark slice(l, 1, n)
    {{ list_len('l') }}                  DuckDB len(l)                   Spark size(l)
    {{ list_compact('l') }}              DuckDB list_filter(l, lambda x: x IS NOT NULL)
                                         Spark filter(l, x -> x IS NOT NULL)
    {{ lit(s) }}                         a string literal, escaped for the dialect
    {{ ident(s) }}                       a quoted identifier ("x" / `x`)

Ordered timeline: the queries read the journey order through the CTE ``otl`` of the macro
``ordered()`` in ``_common.sql`` (pos, prev_event, prev_ts, is_last, prev_contact_ts). With
``prepared=True`` the source already holds these columns (DuckDB: one window sort per timeline,
shared by every metric); without it the macro computes them (Spark, plain views). Both renderings
give the same tables (tests/sequences/test_seq_spark.py compares DuckDB prepared with Spark).

Everything else is the common subset: window functions (LAG, LEAD, ROW_NUMBER, MIN/MAX OVER
with ROWS frames), GROUP BY, CASE, CAST(.. AS DOUBLE), UNION ALL, IN lists, LIKE.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Literal

import jinja2

from voc import sqltemplate

Dialect = Literal["duckdb", "spark"]
DIALECTS: tuple[str, ...] = ("duckdb", "spark")
SQL_DIR = Path(__file__).resolve().parent
DEFAULT_SOURCE = "timeline"


def _order(order_by: Iterable[str] | str) -> list[str]:
    return [order_by] if isinstance(order_by, str) else list(order_by)


def _duck_lit(s: Any) -> str:
    return sqltemplate.lit(s, "duckdb")


def _spark_lit(s: Any) -> str:
    return sqltemplate.lit(s, "spark")


_DIALECTS: dict[str, dict[str, Any]] = {
    "duckdb": {
        "epoch_us": lambda x: f"epoch_us({x})",
        "quantile": lambda x, q: f"quantile_cont({x}, {float(q)!r})",
        "ordered_list": lambda v, order_by: f"list({v} ORDER BY {', '.join(_order(order_by))})",
        "list_join": lambda arr, sep: f"array_to_string({arr}, {_duck_lit(sep)})",
        "list_head": lambda arr, n: f"list_slice({arr}, 1, {int(n)})",
        "list_len": lambda arr: f"len({arr})",
        "list_compact": lambda arr: f"list_filter({arr}, lambda x: x IS NOT NULL)",
        "lit": _duck_lit,
        "ident": lambda s: sqltemplate.ident(s, "duckdb"),
    },
    "spark": {
        "epoch_us": lambda x: f"unix_micros({x})",
        "quantile": lambda x, q: f"percentile({x}, {float(q)!r})",
        "ordered_list": lambda v, order_by: (
            "transform(array_sort(collect_list(struct("
            + ", ".join(f"{o} AS k{i}" for i, o in enumerate(_order(order_by)))
            + f", {v} AS v))), x -> x.v)"),
        "list_join": lambda arr, sep: f"array_join({arr}, {_spark_lit(sep)})",
        "list_head": lambda arr, n: f"slice({arr}, 1, {int(n)})",
        "list_len": lambda arr: f"size({arr})",
        "list_compact": lambda arr: f"filter({arr}, x -> x IS NOT NULL)",
        "lit": _spark_lit,
        "ident": lambda s: sqltemplate.ident(s, "spark"),
    },
}


def _env() -> jinja2.Environment:
    return sqltemplate.environment(str(SQL_DIR))


def names() -> list[str]:
    """The metric queries available (file stems; partials starting with '_' are left out)."""
    return sorted(p.stem for p in SQL_DIR.glob("*.sql") if not p.stem.startswith("_"))


def render(name: str, dialect: Dialect = "duckdb", **params: Any) -> str:
    """Render ``sql/<name>.sql`` for ``dialect`` ('duckdb' or 'spark').

    ``source`` (default 'timeline') is the view the query reads. ``prepared`` (default False):
    the source already has the per-step columns pos, prev_event, prev_ts, is_last and
    prev_contact_ts (``_common.sql``'s ``ordered``; ``voc.sequences.engine`` materialises them
    once per timeline); otherwise the query computes them with window functions. The other parameters are those
    the query documents in its header comment (e.g. ``steps`` for the funnel, ``outcome`` for
    the outcome queries: a dict from ``voc.sequences.outcomes.OutcomeSpec.params()``).
    """
    if dialect not in _DIALECTS:
        raise ValueError(f"unknown SQL dialect {dialect!r}; use one of {DIALECTS}")
    if name.startswith("_") or not (SQL_DIR / f"{name}.sql").is_file():
        raise ValueError(f"unknown sequence query {name!r}; available: {names()}")
    params.setdefault("source", DEFAULT_SOURCE)
    params.setdefault("prepared", False)
    return sqltemplate.render(SQL_DIR, name, dialect, **_DIALECTS[dialect], **params)


__all__ = ["DIALECTS", "DEFAULT_SOURCE", "Dialect", "names", "render"]
