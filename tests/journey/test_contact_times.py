"""Contact times are read value by value: a contacts CSV mixing '...T10:00:00Z' and '...T10:00:00.123456Z' lost every
time of the second form (pandas guessed one format from the first value), silently; what is not a time is E337."""
from __future__ import annotations

import json

import pandas as pd
import pyarrow as pa
from typer.testing import CliRunner

from voc.cli import _wire, app
from voc.journey import quality
from voc.journey.timeline import contacts_table, parse_times, unreadable_times

_wire()
runner = CliRunner()

MIXED = ["2026-01-20T10:00:00Z", "2026-01-21T10:00:00.123456Z", "2026-01-22 09:00:00+02:00", "2026-01-23T10:00:00"]


def _contacts(times: list[object]) -> pd.DataFrame:
    n = len(times)
    return pd.DataFrame({"contact_id": [f"t{i}" for i in range(n)], "channel": ["chat"] * n,
                         "customer_id": ["C001"] * n, "created_at": pd.Series(times, dtype=object)})


def test_every_iso_form_of_a_contact_time_is_read() -> None:
    got = parse_times(pd.Series(MIXED, dtype=object))
    assert got.notna().all()
    assert list(got.dt.strftime("%Y-%m-%d %H:%M:%S")) == ["2026-01-20 10:00:00", "2026-01-21 10:00:00",
                                                           "2026-01-22 07:00:00", "2026-01-23 10:00:00"]
    c = _contacts(MIXED)
    table = contacts_table(c, pd.DataFrame({"contact_id": c["contact_id"], "customer_id": c["customer_id"]}))
    assert table.column("ts").null_count == 0


def test_values_that_are_not_times_are_counted_and_warned() -> None:
    c = _contacts(["2026-01-20T10:00:00Z", "yesterday", None, "  ", "2026-13-45T99:00:00Z"])
    assert unreadable_times(c["created_at"]).tolist() == [False, True, False, False, True]
    (w,) = quality.contact_time_warnings(c)
    assert w["code"] == "E337" and w["n"] == 2 and "t1, t4" in w["message"]
    assert quality.contact_time_warnings(_contacts(MIXED)) == []


def test_a_timestamp_column_holds_no_unreadable_times() -> None:
    """Parquet contacts carry typed times: a missing one is missing (no E337), whatever the column's timestamp
    type (the check answers without writing every time as text)."""
    times = pd.Series(pd.to_datetime(["2026-01-20T10:00:00Z", None, "2026-01-21T10:00:00Z"], utc=True))
    for column in (times, times.dt.tz_localize(None), times.astype(pd.ArrowDtype(pa.timestamp("us", "UTC")))):
        assert unreadable_times(column).tolist() == [False, False, False]
        c = _contacts([None] * 3)
        c["created_at"] = column
        assert quality.contact_time_warnings(c) == []


def test_the_warning_reaches_journey_run_json_and_the_times_the_timeline(tmp_path, root) -> None:
    folder = tmp_path / "contacts"
    folder.mkdir()
    _contacts(MIXED + ["not a time"]).to_csv(folder / "contacts.csv", index=False)
    out = tmp_path / "out"
    res = runner.invoke(app, ["journeys", str(root / "fixtures" / "events" / "web_events.csv"), "--contacts", str(folder),
                              "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "E337" in res.output
    run = json.loads((out / "journey_run.json").read_text())
    assert [w["code"] for w in run["warnings"]].count("E337") == 1
    tl = pd.read_parquet(out / "timeline.parquet")
    contacts = tl[tl["contact_id"].notna()]
    assert contacts["ts"].notna().sum() == len(MIXED)
