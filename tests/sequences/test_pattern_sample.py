"""Issue 18: pattern mining of a cut with more distinct step sequences than
journey.patterns_max_sequences runs on a seeded sample of journeys (contacts joined to a large log
made almost every journey distinct, and the contact-outcome mining never finished), and says so
(E325); and the Fisher p-value computes only the tail it uses."""
from __future__ import annotations

import warnings

import duckdb
import numpy as np
import pandas as pd
import pytest
from scipy.stats import hypergeom

from voc.config import JourneyConfig
from voc.sequences import patterns
from voc.sequences.engine import use
from voc.sequences.notices import SequenceWarning
from voc.sequences.outcomes import resolve
from voc.sequences.patterns import sampled_sequences
from voc.sequences.significance import fisher_p

T0 = pd.Timestamp("2024-03-01T09:00:00Z")


def distinct_journeys(n: int) -> pd.DataFrame:
    """n journeys, each with its own step sequence (j in binary as a/b steps), some reaching 'buy'."""
    rows = []
    for j in range(n):
        steps = ["start"] + ["a" if (j >> b) & 1 else "b" for b in range(10)] + (["buy"] if j % 3 == 0 else [])
        rows += [{"journey_id": f"j{j:04d}", "ts": T0 + pd.Timedelta(minutes=k), "seq": k, "event": e}
                 for k, e in enumerate(steps)]
    return pd.DataFrame(rows)


def e337(caught) -> list[str]:
    return [str(w.message) for w in caught if isinstance(w.message, SequenceWarning) and "[E325]" in str(w.message)]


def mined(tl: pd.DataFrame, **cfg):
    config = JourneyConfig(outcomes={"bought": ["buy"]}, pattern_outcomes=["bought"], min_support=0.05, **cfg)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = patterns(tl, config)
    return out, e337(caught)


def test_a_cut_over_the_cap_is_mined_on_a_seeded_sample_and_says_so():
    tl = distinct_journeys(600)
    full, none = mined(tl, patterns_max_sequences=None)
    assert none == []
    whole = full[full["outcome"].isna()]
    assert np.allclose(whole["count"] / whole["support"], 600)          # every journey
    out, said = mined(tl, patterns_max_sequences=150)
    assert len(said) == 2                                                # the whole journeys and the 'bought' cut
    assert "of the whole journeys" in said[0] and "before 'bought'" in said[1] and "600 journeys" in said[0]
    whole = out[out["outcome"].isna()]
    n = (whole["count"] / whole["support"]).round().unique()
    assert len(n) == 1 and 0 < n[0] < 600                                # support over the sampled journeys
    assert f"sample of {int(n[0]):,} of the 600 journeys" in said[0]
    again, _ = mined(tl, patterns_max_sequences=150)
    pd.testing.assert_frame_equal(out, again)                            # same log, same sample


def test_the_sample_has_at_most_the_cap_of_distinct_sequences():
    tl = distinct_journeys(600)
    config = JourneyConfig(outcomes={"bought": ["buy"]})
    with use(tl, config, duckdb.connect()) as prepared:
        for spec in (None, resolve("bought", config, prepared.steps)):
            data, _, sampled = sampled_sequences(prepared, spec, 150)
            assert sampled is not None and len(data.weights) == sampled.sequences <= 150
            assert sampled.total_sequences == 600 and sampled.total_journeys == 600
            assert data.total == sampled.journeys
            full, _, none = sampled_sequences(prepared, spec, 600)
            assert none is None and len(full.weights) == 600


def test_under_the_cap_nothing_changes():
    tl = distinct_journeys(120)
    capped, said = mined(tl, patterns_max_sequences=1000)
    full, _ = mined(tl, patterns_max_sequences=None)
    assert said == []
    pd.testing.assert_frame_equal(capped, full)


@pytest.mark.parametrize("n, n_outcome", [(1000, 300), (104_696, 50_000)])
def test_fisher_p_is_the_doubled_tail_in_the_lifts_direction(n, n_outcome):
    rng = np.random.default_rng(0)
    m = rng.integers(1, n, 400)
    k = np.minimum(m, np.minimum(n_outcome, (m * n_outcome / n * rng.uniform(0.7, 1.3, 400)).astype(int)))
    expected = m * n_outcome / n
    both = np.where(k >= expected, hypergeom.sf(k - 1, n, n_outcome, m), hypergeom.cdf(k, n, n_outcome, m))
    assert ((k >= expected).any() and (k < expected).any())
    np.testing.assert_allclose(fisher_p(k, m, n, n_outcome), np.minimum(1.0, 2 * both), rtol=1e-12)


def _varied_log(tmp_path):
    """300 journeys, each 'start' then its own 9-step a/b sequence (its id in binary): 300 distinct sequences."""
    lines = ["customer_id,timestamp,event"]
    for j in range(300):
        steps = ["start"] + ["a" if (j >> b) & 1 else "b" for b in range(9)]
        lines += [f"c{j:04d},2026-01-01T10:{k:02d}:00Z,{e}" for k, e in enumerate(steps)]
    p = tmp_path / "events.csv"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p


def test_the_sample_warning_reaches_the_run(tmp_path):
    import json

    from voc.journey.events import read_events
    from voc.journey.run import compute

    p = _varied_log(tmp_path)
    config = JourneyConfig(patterns_max_sequences=100, predict={"enabled": False}, segments={"enabled": False},
                           unusual={"enabled": False})
    r = compute(read_events([p], config), None, config, out_dir=tmp_path / "out")
    said = [w for w in r.warnings if w["code"] == "E325"]    # what journey_run.json, run.json and the report show
    assert len(said) == 1 and "of the 300 journeys" in json.dumps(said[0])


def test_the_command_shows_the_sample_in_terminal_journey_run_json_and_report(tmp_path):
    """The command runs to its end (a sampled cut once crashed the report: its E3xx code was read as a
    prediction warning) and the user sees E325 in all three places."""
    import json

    from typer.testing import CliRunner

    from voc.cli import _wire, app

    _wire()
    p = _varied_log(tmp_path)
    cfg = tmp_path / "c.yaml"
    cfg.write_text("journey:\n  patterns_max_sequences: 100\n  max_pattern_length: 2\n", encoding="utf-8")
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["journeys", str(p), "--out", str(out), "--config", str(cfg)])
    assert res.exit_code == 0, res.output
    assert "E325" in res.output
    assert "E325" in json.dumps(json.loads((out / "journey_run.json").read_text())["warnings"])
    assert "E325" in (out / "report.html").read_text(encoding="utf-8")


def test_a_sampled_cut_runs_its_query_once_and_draws_the_journeys_below_the_bound(monkeypatch):
    """The sample comes from the one grouped result (each journey's bucket travels with it): the cut's
    query, which orders and lists every step of every journey, is not run a second time for it. The
    sample is the journeys whose bucket is below the bound, as a query over those journeys gives it."""
    import importlib

    mod = importlib.import_module("voc.sequences.patterns")   # the module: voc.sequences.patterns is also a function
    tl = distinct_journeys(600)
    tl = pd.concat([tl, tl.assign(journey_id=tl["journey_id"] + "_copy")])   # identical sequences: weights 2
    config = JourneyConfig(outcomes={"bought": ["buy"]})
    calls = []
    real = mod._grouped
    monkeypatch.setattr(mod, "_grouped", lambda *a, **k: calls.append(1) or real(*a, **k))
    with use(tl, config, duckdb.connect()) as prepared:
        for spec in (None, resolve("bought", config, prepared.steps)):
            calls.clear()
            data, names, sampled = sampled_sequences(prepared, spec, 150)
            assert len(calls) == 1 and sampled is not None
            sql = prepared.sql("pattern_sequences", outcome=spec.params() if spec else None)
            bucket = f"hash(journey_id) % {mod.SAMPLE_SCALE}"
            firsts = prepared.con.sql(f"SELECT MIN({bucket}) FROM ({sql}) q GROUP BY sequence ORDER BY 1").fetchall()
            below = firsts[150][0]
            expect = prepared.con.sql(f"SELECT CAST(sequence AS VARCHAR[]), COUNT(*), SUM(has_outcome) "
                                      f"FROM ({sql}) q WHERE {bucket} < {below} GROUP BY sequence").fetchall()
            got = [(tuple(names[c] for c in data.codes[data.offsets[k]:data.offsets[k + 1]]), int(data.weights[k]),
                    int(data.extra[k])) for k in range(len(data.weights))]
            assert sorted(got) == sorted((tuple(s), int(w), int(wo)) for s, w, wo in expect)
            assert max(w for _, w, _ in got) == 2 and sampled.journeys == sum(w for _, w, _ in got)
