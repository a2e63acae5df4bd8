"""File names are read whatever their bytes and reported in a printable form (issue 10, point 5)."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pandas as pd
import pytest

from voc import config as cfg
from voc.config import IngestConfig
from voc.ingest import IngestStats, Record, Reject, iter_records, to_frames

pytestmark = pytest.mark.skipif(sys.platform in ("win32", "darwin"),
                                reason="the file system must accept file names that are not UTF-8")

CSV = b"Ticket ID,Subject,Description\n1,Card,My card was charged twice\n2,Login,I cannot log in\n"


def _folder(tmp_path: Path) -> Path:
    d = tmp_path / "in"
    d.mkdir()
    with open(os.path.join(os.fsencode(d), b"tickets_caf\xe9.csv"), "wb") as f:
        f.write(CSV)
    open(os.path.join(os.fsencode(d), b"empty_\xff\xfe.csv"), "wb").close()
    return d


def test_printable_names():
    from voc.ingest.names import printable

    assert printable("tickets.csv") == "tickets.csv"
    assert printable("résumé 日本.csv") == "résumé 日本.csv"
    assert printable(os.fsdecode(b"caf\xe9.csv")) == "caf\\xe9.csv"
    assert printable(b"caf\xe9.csv") == "caf\\xe9.csv"
    assert printable("a\nb\x1b.csv") == "a\\nb\\x1b.csv"


def test_non_utf8_names_are_read_and_shown_printable(tmp_path):
    d = _folder(tmp_path)
    stats = IngestStats()
    items = list(iter_records(d, IngestConfig(), stats))
    recs = [i for i in items if isinstance(i, Record)]
    rejects = [i for i in items if isinstance(i, Reject)]
    assert stats.files == 2 and stats.balanced()
    contacts, messages = to_frames(recs)  # failed here (voc/schema.py) with UnicodeEncodeError
    assert set(contacts["source_file"]) == {"tickets_caf\\xe9.csv"}
    assert set(messages["source_file"]) == {"tickets_caf\\xe9.csv"}
    # the empty file is rejected as empty, under a name that can be written as UTF-8
    assert [(r.code, Path(r.file).name) for r in rejects] == [("E003", "empty_\\xff\\xfe.csv")]
    json.dumps([r.as_dict() for r in rejects], ensure_ascii=False).encode("utf-8")


def test_analyze_a_folder_with_non_utf8_names(tmp_path):
    from voc.pipeline.analyze import analyze

    d = _folder(tmp_path)
    out = tmp_path / "out"
    conf = cfg.load(None, {"pipeline": [], "redact.enabled": False, "topics.enabled": False, "report.html": False})
    res = analyze(d, out, conf)  # was a traceback (schema.py) or, with the empty file alone, E401
    assert len(res.contacts) == 2
    rejects = [json.loads(line) for line in (out / "rejects.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(r["code"], Path(r["file"]).name) for r in rejects] == [("E003", "empty_\\xff\\xfe.csv")]
    assert set(pd.read_parquet(out / "contacts.parquet")["source_file"]) == {"tickets_caf\\xe9.csv"}
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["counts"]["records_balanced"] and run["counts"]["files"] == 2
