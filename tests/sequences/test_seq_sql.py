"""Every metric query renders for DuckDB and Spark; the DuckDB rendering runs; dialect escaping."""
from __future__ import annotations

import pandas as pd
import pytest

from voc.sequences.sql import DIALECTS, names, render

OUTCOMES = [
    {"name": "conv", "kind": "events", "events": ["X", "it's"], "intent": None, "window_s": 0.0},
    {"name": "contact", "kind": "contact", "events": [], "intent": None, "window_s": 0.0},
    {"name": "contact:intent=billing", "kind": "contact_intent", "events": [], "intent": "billing", "window_s": 0.0},
    {"name": "repeat_contact", "kind": "repeat_contact", "events": [], "intent": None, "window_s": 7 * 86400.0},
]


def cases() -> list[tuple[str, dict]]:
    out = []
    for name in names():
        if name in ("time_to_outcome", "outcome_transitions", "outcome_step_reach", "pattern_sequences"):
            out += [(name, {"outcome": o}) for o in OUTCOMES]
            if name == "pattern_sequences":
                out.append((name, {"outcome": None}))
        elif name == "funnel":
            out += [(name, {"steps": ["a"]}), (name, {"steps": ["a", "b", "it's"]})]
        elif name == "variants":
            out.append((name, {"max_steps": 3, "max_variants": 5}))
        elif name == "journey_features":
            out.append((name, {"outcomes": [{"name": "conv", "column": "reached_conv", "events": ["X"]}],
                               "max_path_steps": 3}))
        else:
            out.append((name, {}))
    return out


CASES = cases()


def test_every_query_has_a_case():
    assert {n for n, _ in CASES} == set(names()) and len(names()) >= 8


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("name,params", CASES, ids=[f"{n}-{k}" for k, (n, _) in enumerate(CASES)])
def test_renders_for_both_dialects(name, params, dialect):
    sql = render(name, dialect, **params)
    assert sql.lstrip().upper().startswith(("WITH", "SELECT")) and "{{" not in sql and "{%" not in sql
    other = {"duckdb": ("unix_micros", "percentile(", "collect_list", "x ->"),
             "spark": ("epoch_us", "quantile_cont", "list_filter", "lambda x")}[dialect]
    assert not any(tok in sql for tok in other), f"{dialect} rendering leaks the other dialect"


@pytest.mark.parametrize("name,params", CASES, ids=[f"{n}-{k}" for k, (n, _) in enumerate(CASES)])
def test_duckdb_rendering_runs(name, params):
    import duckdb

    con = duckdb.connect()
    tl = pd.DataFrame({"journey_id": ["j", "j", "k"], "seq": [0, 1, 0], "event": ["a", "contact:chat", "X"],
                       "ts": pd.to_datetime(["2024-01-01T00:00Z", "2024-01-01T01:00Z", "2024-01-02T00:00Z"]),
                       "intent": [None, "billing", None]})
    con.register("timeline", tl)
    con.sql(render(name, "duckdb", **params)).fetchall()


def test_string_literals_are_escaped_per_dialect():
    duck = render("funnel", "duckdb", steps=["it's"])
    spark = render("funnel", "spark", steps=["it's"])
    assert "'it''s'" in duck and "'it\\'s'" in spark


def test_unknown_query_and_dialect_are_refused():
    with pytest.raises(ValueError):
        render("nope", "duckdb")
    with pytest.raises(ValueError):
        render("transitions", "postgres")
    with pytest.raises(ValueError):
        render("_common", "duckdb")


def test_source_view_name_is_a_parameter():
    assert "FROM my_view" in render("transitions", "spark", source="my_view")
    assert "FROM timeline" in render("transitions", "spark")
