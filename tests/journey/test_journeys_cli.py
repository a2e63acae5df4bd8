"""`voc journeys` end to end on the shipped fixtures (events + a contacts table like `voc analyze` writes)."""
from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from voc.cli import _wire, app

_wire()            # register every command, as `voc` does (with one command Typer would drop its name)
runner = CliRunner()

FAST = """journey:
  identity_map: {imap}
  stages: {{purchase: ["checkout*", order_placed, payment_failed, card_declined], account: ["login*", "password*"]}}
  escalation_events: {{self_service: [help_center_view], chat: [chat_started]}}
  outcomes: {{conversion: [order_placed], churn: [subscription_cancelled]}}
  funnel: [page_view, add_to_cart, checkout_started, order_placed]
  loop_ignore: [page_view, screen_view, search, app_open, login]
  min_support: 0.5
  max_pattern_length: 2
"""


@pytest.fixture()
def contacts_dir(tmp_path, root):
    """A small contacts table: roster customers by id, by e-mail (other case) and by phone, plus a stranger."""
    roster = pd.read_csv(root / "fixtures" / "customers.csv", dtype=str).set_index("customer_id")
    rows = [
        ("t1", "chat", "C001", None, None, "2026-01-20T10:00:00Z", "account_access", "negative", -0.6),
        ("t2", "call", None, roster.loc["C001", "email"].upper(), None, "2026-01-22T10:00:00Z", "account_access", "negative",
         -0.4),
        ("t3", "ticket", None, None, roster.loc["C002", "phone"], "2026-01-25T09:00:00Z", "double_charge", "neutral", 0.1),
        ("t4", "email", None, "stranger@nowhere.example", None, "2026-01-26T09:00:00Z", "refund", "neutral", 0.0),
    ]
    df = pd.DataFrame(rows, columns=["contact_id", "channel", "customer_id", "email", "phone", "created_at", "intent",
                                     "sentiment", "sentiment_end"])
    d = tmp_path / "analyze-out"
    d.mkdir()
    df.to_csv(d / "contacts.csv", index=False)
    return d


def test_journeys_end_to_end(tmp_path, root, contacts_dir):
    cfg = tmp_path / "j.yaml"
    cfg.write_text(FAST.format(imap=root / "fixtures" / "events" / "identity_map.csv"))
    out = tmp_path / "out"
    res = runner.invoke(app, ["journeys", str(root / "fixtures" / "events" / "web_events.csv"), "--contacts", str(contacts_dir),
                              "--out", str(out), "--config", str(cfg), "--window-days", "7"])
    assert res.exit_code == 0, res.output
    assert "voc journeys" in res.output and "matched to a customer" in res.output
    for name in ("timeline", "identity", "repeat_contacts", "repeat_summary", "friction", "journeys", "customers",
                 "transitions", "step_times", "patterns", "funnel", "variants", "outcome_paths"):
        assert (out / f"{name}.parquet").exists(), name
    run = json.loads((out / "journey_run.json").read_text())
    n_rows = sum(1 for _ in open(root / "fixtures" / "events" / "web_events.csv")) - 1
    assert run["counts"]["events_in"] == n_rows == run["counts"]["events_out"] + run["counts"]["events_rejected"]
    assert run["counts"]["contacts_matched"] == 3 and run["counts"]["contacts_unmatched"] == 0
    assert run["counts"]["contacts_keyed"] == 1          # t4: no customer id, grouped by its own e-mail
    ident = pd.read_parquet(out / "identity.parquet").set_index("contact_id")
    assert ident.loc["t2", "customer_id"] == "C001" and ident.loc["t2", "matched_by"] == "email"
    assert ident.loc["t3", "customer_id"] == "C002" and ident.loc["t3", "matched_by"] == "phone"
    rc = pd.read_parquet(out / "repeat_contacts.parquet").set_index("contact_id")
    assert bool(rc.loc["t2", "is_repeat"]) and bool(rc.loc["t2", "same_issue"]) and rc.loc["t2", "previous_contact_id"] == "t1"
    tl = pd.read_parquet(out / "timeline.parquet")
    assert list(tl.columns[:12]) == ["journey_id", "customer_id", "ts", "seq", "kind", "event", "channel", "contact_id",
                                     "intent", "sentiment", "topic_label", "stage"]
    assert (tl.groupby("journey_id")["seq"].apply(lambda s: list(s) == list(range(1, len(s) + 1)))).all()
    assert tl.loc[tl["contact_id"] == "t4", "journey_id"].str.startswith("email:").all()
    jn = pd.read_parquet(out / "journeys.parquet").set_index("journey_id")
    assert jn.loc["C001", "n_contacts"] == 2 and jn.loc["C001", "n_repeat_contacts"] == 1
    assert jn.loc["C001", "first_intent"] == "account_access" and "negative_end" in jn.loc["C001", "friction_kinds"]
    assert len(jn) == 41                                   # 40 customers + the unmatched contact
    fr = pd.read_parquet(out / "friction.parquet")
    assert fr["evidence"].str.len().min() > 10 and fr["severity"].between(0, 1).all()
    cust = pd.read_parquet(out / "customers.parquet")
    # 40 customers of the event log, plus t4's requester (grouped by its own e-mail)
    assert len(cust) == 41 and cust["friction_score"].between(0, 100).all()
    assert cust["customer_id"].str.startswith("email:").sum() == 1


def test_journeys_without_contacts_as_csv(tmp_path, root):
    cfg = tmp_path / "j.yaml"
    cfg.write_text("journey: {min_support: 0.5, max_pattern_length: 2}\n")
    out = tmp_path / "out"
    res = runner.invoke(app, ["journeys", str(root / "fixtures" / "events" / "web_events.csv"), "--out", str(out),
                              "--format", "csv", "--config", str(cfg)])
    assert res.exit_code == 0, res.output
    jn = pd.read_csv(out / "journeys.csv")
    assert len(jn) == 40 and (jn["n_contacts"] == 0).all()


def test_missing_contacts_table_is_e303(tmp_path, root):
    (tmp_path / "empty").mkdir()
    res = runner.invoke(app, ["journeys", str(root / "fixtures" / "events" / "web_events.csv"),
                              "--contacts", str(tmp_path / "empty"), "--out", str(tmp_path / "o")])
    assert res.exit_code == 2 and "E303" in res.output and "voc analyze" in res.output


def test_wrong_column_name_is_e301(tmp_path, root):
    res = runner.invoke(app, ["journeys", str(root / "fixtures" / "events" / "web_events.csv"),
                              "--event-col", "activity_name_typo", "--out", str(tmp_path / "o")])
    assert res.exit_code == 2 and "E301" in res.output and "activity_name_typo" in res.output


def test_data_quality_warnings_reach_the_terminal_and_journey_run(tmp_path, root):
    cfg = tmp_path / "j.yaml"
    cfg.write_text("journey: {min_support: 0.5, max_pattern_length: 2, stages: {purchase: ['chekout*']},\n"
                   "          outcomes: {won: ['Order_Placed']}}\n")
    out = tmp_path / "out"
    res = runner.invoke(app, ["journeys", str(root / "fixtures" / "events" / "web_events.csv"), "--out", str(out),
                              "--config", str(cfg)])
    assert res.exit_code == 0, res.output
    assert "[E311]" in res.output and "'chekout*'" in res.output and "checkout_started" in res.output
    info = json.loads((out / "journey_run.json").read_text())
    e311 = [w for w in info["warnings"] if w["code"] == "E311"]
    assert [w["pattern"] for w in e311] == ["chekout*"] and e311[0]["fix"]     # 'Order_Placed' matches (any case)
    assert info["basis"]["journeys"] == 40 and info["friction_distribution"]["journeys"] == 40
    jn = pd.read_parquet(out / "journeys.parquet")
    assert jn["reached_won"].any()


def test_unknown_column_role_in_the_config_is_e102(tmp_path, root):
    cfg = tmp_path / "j.yaml"
    cfg.write_text("journey: {columns: {team: channel}}\n")
    res = runner.invoke(app, ["journeys", str(root / "fixtures" / "events" / "web_events.csv"), "--out",
                              str(tmp_path / "o"), "--config", str(cfg)])
    assert res.exit_code == 2 and "E102" in res.output and "'team'" in res.output


def test_report_of_journeys_whose_contacts_live_elsewhere_says_where_they_are(tmp_path, root, contacts_dir):
    """`voc journeys --contacts A --out B`: B's report said 'No contacts in this folder (event logs only)' beside
    repeat-contact tables of those very contacts; it now names how many were joined and from where."""
    out = tmp_path / "elsewhere"
    res = runner.invoke(app, ["journeys", str(root / "fixtures" / "events" / "web_events.csv"), "--contacts", str(contacts_dir),
                              "--out", str(out)])
    assert res.exit_code == 0, res.output
    html = (out / "report.html").read_text()
    assert "event logs only" not in html
    assert f"4 joined to the journeys from {contacts_dir}" in html
    assert "contacts that `voc journeys` joined came from" in html
