"""Issue 18: on a log larger than journey.models_max_journeys, prediction / segments / unusual
journeys read a seeded sample of journeys chosen in DuckDB (never the whole timeline), say so
(E336), and journey_traits still has one row per journey; and one SQL templating for voc."""
from __future__ import annotations

import pandas as pd
import pytest

from voc import sqltemplate
from voc.config import JourneyConfig
from voc.journey import modelinput, sqlrun
from voc.journey.events import read_events


def log_file(tmp_path, n_journeys: int) -> str:
    lines = ["customer_id,timestamp,event"]
    for j in range(n_journeys):
        steps = ["login", "search", "cart"] + (["checkout"] if j % 3 else ["help_center", "search"])
        for k, e in enumerate(steps):
            lines.append(f"c{j:04d},2026-01-{1 + j % 28:02d}T10:{k:02d}:00Z,{e}")
    p = tmp_path / "events.csv"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p


def run(tmp_path, n_journeys: int, **cfg):
    from voc.journey.run import compute

    light = {"segments": {"k_max": 3, "stability_runs": 2},          # the models kept small: the test is about
             "predict": {"prefix_events": [3], "max_iter": 20, "top_drivers": 0}}   # their input, not their fit
    config = JourneyConfig(outcomes={"bought": ["checkout"]}, **{**light, **cfg})
    p = log_file(tmp_path, n_journeys)
    out = tmp_path / f"out_{n_journeys}_{len(cfg)}"
    return compute(read_events([p], config), None, config, out_dir=out)


def test_models_read_a_seeded_sample_of_journeys_and_say_so(tmp_path, monkeypatch):
    seen: list[int] = []
    real = modelinput.journey_analytics

    def spy(view, config, **kw):
        seen.append(view["timeline"]["journey_id"].nunique())
        return real(view, config, **kw)

    monkeypatch.setattr(modelinput, "journey_analytics", spy)
    r = run(tmp_path, 260, models_max_journeys=100)
    assert seen == [100]                                   # the models saw the sample only
    assert [w["code"] for w in r.warnings].count("E336") == 1
    assert r.analytics["model_sample"]["journeys"] == 100 and r.analytics["model_sample"]["total_journeys"] == 260
    assert r.analytics["model_sample"]["rows"] < r.counts["timeline_rows"]
    traits = pd.read_parquet(r.paths["journey_traits"])
    assert len(traits) == 260                              # the CDP view still has every journey
    assert traits["anomaly_score"].notna().sum() == 100
    an = r.tables["anomalies"]
    assert len(an) == 100 and set(an["journey_id"]) == set(traits.loc[traits["anomaly_score"].notna(), "journey_id"])
    (tmp_path / "again").mkdir()
    again = run(tmp_path / "again", 260, models_max_journeys=100)
    assert set(again.tables["anomalies"]["journey_id"]) == set(an["journey_id"])   # same log, same sample


def test_below_the_cap_every_journey_is_modelled_without_warning(tmp_path):
    r = run(tmp_path, 120, models_max_journeys=100000)
    assert "E336" not in [w["code"] for w in r.warnings] and "model_sample" not in r.analytics
    assert len(r.tables["anomalies"]) == 120


def test_models_off_read_nothing_and_warn_nothing(tmp_path):
    off = {"enabled": False}
    r = run(tmp_path, 150, models_max_journeys=100, predict=off, segments=off, unusual=off)
    assert "E336" not in [w["code"] for w in r.warnings] and len(r.tables["anomalies"]) == 0
    assert len(pd.read_parquet(r.paths["journey_traits"])) == 150


def test_journeys_written_by_duckdb_keep_integer_counts(tmp_path):
    r = run(tmp_path, 30)
    jn = pd.read_parquet(r.paths["journeys"])
    assert str(jn["n_events"].dtype) == "int64" and str(jn["n_frictions"].dtype) == "int64"
    assert str(jn["reached_bought"].dtype) == "bool" and jn["path"].str.startswith("login > search").all()
    assert "journeys" not in r.tables and "customers" not in r.tables


# ---- one SQL templating (voc.sqltemplate) for voc/journey/sql and voc/sequences/sql ----------------------

def test_a_missing_journey_sql_parameter_is_an_error_not_a_hole_in_the_sql():
    with pytest.raises(Exception, match="window_s"):
        sqlrun.render("repeat_pairs")                       # str.replace left '{window_s}' in the text


@pytest.mark.parametrize("bad", ["1; DROP TABLE tl", True, float("nan"), None])
def test_journey_sql_parameters_must_be_numbers(bad):
    with pytest.raises((TypeError, ValueError)):
        sqlrun.render("repeat_pairs", window_s=bad)


def test_journey_and_sequence_sql_share_the_quoting_rules():
    from voc.sequences.sql import _DIALECTS

    assert sqltemplate.ident('a"b') == '"a""b"' == _DIALECTS["duckdb"]["ident"]('a"b')
    assert sqltemplate.ident("a`b", "spark") == "`a``b`" == _DIALECTS["spark"]["ident"]("a`b")
    assert sqltemplate.lit("it's") == "'it''s'" == sqlrun.literal("it's")
    assert sqltemplate.lit("it's", "spark") == "'it\\'s'"
    assert "86400.0" in sqlrun.render("repeat_pairs", window_s=86400.0)
