"""The report reads a Parquet timeline in DuckDB: the paths into contacts are aggregated over every
contact there, and only the rows of the friction journeys shown enter pandas, however many contacts
the run has (issue 18: with 1M contacts the report read 5.4M timeline rows and peaked at 3.8 GB)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from voc.config import ReportConfig
from voc.report import build, inputs, paths, write_report
from voc.report.inputs import WANTED, load_inputs, read_narrow
from voc.report.timeline_source import TimelineSource

T0 = pd.Timestamp("2026-01-01", tz="UTC")
STEPS = ["home", "search", "cart", "pay", "error"]


def make_timeline(n_journeys: int, seed: int = 5) -> pd.DataFrame:
    """Journeys of 3-25 steps over few step names (many paths tie), 0-3 contacts each, a few equal
    timestamps (ordered by seq), a long journey whose contact sits far from its start."""
    rng = np.random.default_rng(seed)
    rows = []
    for j in range(n_journeys):
        n = 40 if j == 0 else int(rng.integers(3, 26))
        picks = rng.choice(np.arange(1, n + 1), size=int(rng.integers(0, 4)), replace=False)
        contact_at = {30} if j == 0 else set(picks.tolist())
        ts = T0 + pd.Timedelta(days=j)
        for seq in range(1, n + 1):
            ts += pd.Timedelta(minutes=int(rng.integers(0, 3)))        # 0: two steps at the same instant
            c = seq in contact_at
            rows.append({"journey_id": f"j{j:05d}", "customer_id": f"u{j:05d}", "ts": ts, "seq": seq,
                         "kind": "contact" if c else "event",
                         "event": f"contact:{['chat', 'email'][seq % 2]}" if c else STEPS[int(rng.integers(0, len(STEPS)))],
                         "contact_id": f"c{j:05d}_{seq}" if c else None})
    return pd.DataFrame(rows)


def write_folder(out: Path, tl: pd.DataFrame) -> None:
    """A journeys output folder: timeline, friction on the journeys with contacts, journeys."""
    out.mkdir(parents=True, exist_ok=True)
    tl.to_parquet(out / "timeline.parquet", index=False)
    contacts = tl[tl["kind"] == "contact"]
    fr = pd.DataFrame({"journey_id": contacts["journey_id"], "customer_id": contacts["customer_id"],
                       "contact_id": contacts["contact_id"], "kind": "loop",
                       "severity": (contacts["seq"] % 7 + contacts.index % 5).astype(float),
                       "evidence": "the customer went round in circles"})
    fr.to_parquet(out / "friction.parquet", index=False)
    g = tl.groupby("journey_id")
    n_contacts = g["kind"].apply(lambda k: int((k == "contact").sum()))
    jn = pd.DataFrame({"journey_id": list(g.groups), "customer_id": g["customer_id"].first().to_numpy(),
                       "n_events": g.size().to_numpy(), "n_contacts": n_contacts.to_numpy(),
                       "path": g["event"].apply(" > ".join).to_numpy()})
    jn = jn.merge(fr.groupby("journey_id")["severity"].sum().rename("friction_score").reset_index(), how="left")
    jn.to_parquet(out / "journeys.parquet", index=False)


def test_paths_into_contacts_from_duckdb_are_those_of_pandas_over_every_contact(tmp_path):
    tl = make_timeline(300)
    p = tmp_path / "timeline.parquet"
    tl.sample(frac=1.0, random_state=1).to_parquet(p, index=False)     # row order in the file does not matter
    whole = read_narrow(p, "timeline", WANTED["timeline"])
    src = TimelineSource(path=p)
    for k in range(1, 7):
        by_sql, by_pandas = src.paths_to_contact(k), paths.paths_to_contact(whole, k)
        assert by_sql["count"].sum() == (tl["kind"] == "contact").sum()
        assert by_sql["count"].duplicated().any()                      # ties: their order is part of the check
        pd.testing.assert_frame_equal(by_sql, by_pandas)
    assert src.rows_read == 0                                          # an aggregate: no timeline row in pandas


def test_steps_around_a_contact_read_from_the_journeys_shown_only(tmp_path):
    tl = make_timeline(120)
    p = tmp_path / "timeline.parquet"
    tl.to_parquet(p, index=False)
    whole = read_narrow(p, "timeline", WANTED["timeline"])
    src = TimelineSource(path=p)
    for j, cid in tl[tl["kind"] == "contact"].groupby("journey_id")["contact_id"].first().head(8).items():
        rows = src.journeys([j])
        assert set(rows["journey_id"]) == {j}
        assert paths.steps_around_contact(rows, j, cid) == paths.steps_around_contact(whole, j, cid)
    long = src.journeys(["j00000"])                          # 40 steps, its contact at step 30: only the rows near it
    assert list(long["seq"]) == list(range(30 - inputs.TIMELINE_BEFORE, 30 + inputs.TIMELINE_AFTER + 1))
    assert paths.steps_around_contact(long, "j00000", "c00000_30")[0]["step"] == "… 25 earlier steps"


def _timeline_rows_into_pandas(monkeypatch) -> list[int]:
    """Spy on the one function every table the report reads passes through: rows of timeline tables."""
    seen: list[int] = []
    real = inputs.normalise

    def spy(df):
        if {"journey_id", "seq", "kind"} <= set(df.columns):
            seen.append(len(df))
        return real(df)

    monkeypatch.setattr(inputs, "normalise", spy)
    return seen


@pytest.mark.parametrize("n_journeys", [60, 1500])
def test_report_reads_a_bounded_number_of_timeline_rows_whatever_the_contacts(tmp_path, monkeypatch, n_journeys):
    tl = make_timeline(n_journeys, seed=11)
    write_folder(tmp_path, tl)
    seen = _timeline_rows_into_pandas(monkeypatch)
    cfg = ReportConfig()
    html = write_report(tmp_path, cfg).read_text()
    shown = min(cfg.max_rows, 6)                             # friction journeys shown (build.friction_section)
    per_journey = max(tl.groupby("journey_id")["kind"].apply(lambda k: int((k == "contact").sum())))
    bound = shown * per_journey * (inputs.TIMELINE_BEFORE + inputs.TIMELINE_AFTER + 1)
    assert 0 < sum(seen) <= bound, (sum(seen), bound)        # before: every row near any contact (grows with them)
    assert "Paths into contacts" in html and "Journey j" in html


def test_report_sections_from_the_parquet_timeline_equal_those_from_the_table_in_memory(tmp_path):
    tl = make_timeline(400, seed=3)
    write_folder(tmp_path, tl)
    cfg = ReportConfig()
    lazy = load_inputs(tmp_path)
    assert "timeline" not in lazy.tables and lazy.row_count("timeline") == len(tl)
    eager = load_inputs(tmp_path)
    eager.tables["timeline"] = read_narrow(tmp_path / "timeline.parquet", "timeline", WANTED["timeline"])
    pd.testing.assert_frame_equal(build.contact_paths(lazy, cfg), build.contact_paths(eager, cfg))
    a, b = build.friction_section(lazy, cfg), build.friction_section(eager, cfg)
    assert a.cards and a.cards == b.cards
    assert any(step["contact"] for card in a.cards for step in card["steps"])
    assert build.paths_section(lazy, cfg, build.contact_paths(lazy, cfg)).tables == \
        build.paths_section(eager, cfg, build.contact_paths(eager, cfg)).tables


def test_friction_evidence_read_for_the_journeys_shown_equals_the_in_memory_one(tmp_path):
    """The report loads the friction table without its evidence sentences (most of its memory at scale) and reads
    them for the journeys it shows: the same lines, most severe first, ties in file order."""
    import pandas as pd

    from voc.report import paths

    fr = pd.DataFrame({"journey_id": ["a", "a", "a", "a", "b", "b", "c"],
                       "customer_id": ["x"] * 4 + ["y", "y", "z"],
                       "kind": ["loop", "long_wait", "loop", "escalation", "loop", "loop", "loop"],
                       "severity": [0.5, 0.9, 0.5, 0.2, None, 0.7, 0.1],
                       "evidence": ["a1", "a2", "a3", "a4", "b1", "b2", None]})
    path = tmp_path / "friction.parquet"
    fr.to_parquet(path, index=False)
    whole = paths.top_friction_journeys(None, fr, top=3)
    lean = paths.top_friction_journeys(None, fr.drop(columns=["evidence"]), top=3)
    ev = paths.friction_evidence(path, lean["journey_id"].tolist())
    assert lean["evidence"].isna().all()
    assert [ev.get(j, []) for j in lean["journey_id"]] == whole["evidence"].tolist() == [["a2", "a1", "a3"], ["b2", "b1"], []]
    assert paths.friction_evidence(None, ["a"]) == {} and paths.friction_evidence(path, []) == {}
