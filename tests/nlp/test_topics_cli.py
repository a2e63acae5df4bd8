"""`voc topics show` on an output folder written here (no model needed)."""
from __future__ import annotations

import pandas as pd
from typer.testing import CliRunner

from voc.cli import _wire, app
from voc.datasets import write_table

_wire()
runner = CliRunner()


def _out(tmp_path):
    topics = pd.DataFrame({"topic_id": [0, 1, -1], "label": ["refund · charged twice", "password reset · login", "unassigned"],
                           "keywords": [["refund", "charged twice"], ["password reset", "login"], []], "size": [3, 2, 1],
                           "share": [0.5, 1 / 3, 1 / 6],
                           "representative_docs": [["I was charged twice, refund please"], ["reset link broken"], []]})
    contacts = pd.DataFrame({"contact_id": list("abcdef"), "channel": ["chat", "chat", "email", "email", "call", "chat"],
                             "topic_id": [0, 0, 0, 1, 1, -1],
                             "topic_label": ["refund · charged twice"] * 3 + ["password reset · login"] * 2 + ["unassigned"]})
    write_table(topics, tmp_path / "topics.parquet", dataset="topics")
    write_table(contacts, tmp_path / "contacts.parquet", dataset="contacts")
    return tmp_path


def test_topics_show_prints_labels_sizes_and_mix(tmp_path):
    out = _out(tmp_path)
    res = runner.invoke(app, ["topics", "show", str(out), "--by", "channel"], env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    assert "refund · charged twice" in res.output and "password reset · login" in res.output
    assert "I was charged twice" in res.output            # an example message
    # chat holds a, b (refund) and f (unassigned): refund is 2 of 3 chat contacts
    assert "Topic share per channel" in res.output and "67%" in res.output


def test_topics_show_on_a_folder_without_topics_explains(tmp_path):
    res = runner.invoke(app, ["topics", "show", str(tmp_path)])
    assert res.exit_code == 2
    assert "E402" in res.output and "topics" in res.output
    res = runner.invoke(app, ["topics", "show", str(tmp_path / "missing")])
    assert res.exit_code == 2 and "E001" in res.output
