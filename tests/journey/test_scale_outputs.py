"""At scale the timeline stays out of pandas after it is written: the report reads only the rows
around contacts, and its paths into contacts and steps around a contact read the same."""
from __future__ import annotations

import pandas as pd

from voc.report import paths
from voc.report.inputs import WANTED, read_narrow, read_timeline_near_contacts


def test_report_reads_the_timeline_around_contacts_only_and_shows_the_same_paths(tmp_path):
    rows = []
    for j, n, contact_at in (("a", 30, [20]), ("b", 5, [2]), ("c", 12, []), ("d", 15, [1, 14])):
        for seq in range(1, n + 1):
            is_c = seq in contact_at
            rows.append({"journey_id": j, "ts": pd.Timestamp("2026-01-01", tz="UTC") + pd.Timedelta(minutes=seq),
                         "seq": seq, "kind": "contact" if is_c else "event",
                         "event": "contact:chat" if is_c else f"step{seq % 4}",
                         "contact_id": f"{j}{seq}" if is_c else None})
    full = pd.DataFrame(rows)
    p = tmp_path / "timeline.parquet"
    full.to_parquet(p, index=False)
    near = read_timeline_near_contacts(p, WANTED["timeline"])
    assert "c" not in set(near["journey_id"])                 # no contact: not read
    assert len(near) < len(full) // 2
    whole = read_narrow(p, "timeline", WANTED["timeline"])
    for k in range(1, 7):
        pd.testing.assert_frame_equal(paths.paths_to_contact(near, k), paths.paths_to_contact(whole, k))
    for j, cid in (("a", "a20"), ("b", "b2"), ("d", "d1"), ("d", "d14")):
        assert paths.steps_around_contact(near, j, cid) == paths.steps_around_contact(whole, j, cid)
