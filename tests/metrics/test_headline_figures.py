"""voc.metrics: each headline figure defined once, computed once per run into run.json, and the
same value everywhere it is shown (report cards and footnotes, terminal summary, --json,
`voc journeys`, repeat_summary, CDP tables), on a demo-like folder: contacts like `voc analyze`
writes them, joined to the shipped web event log by the real `voc journeys`."""
from __future__ import annotations

import json
import re
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from voc import datasets, metrics
from voc.cli import _wire, app
from voc.config import JourneyConfig
from voc.report.values import metric_value
from voc.schema import contacts_frame, messages_frame

_wire()
runner = CliRunner()

CONFIG = """journey:
  identity_map: {imap}
  stages: {{purchase: ["checkout*", order_placed, payment_failed, card_declined], account: ["login*", "password*"]}}
  escalation_events: {{self_service: [help_center_view], chat: [chat_started]}}
  outcomes: {{conversion: [order_placed], churn: [subscription_cancelled]}}
  negative_outcomes: [churn]
  funnel: [page_view, add_to_cart, checkout_started, order_placed]
  loop_ignore: [page_view, screen_view, search, app_open, login]
  min_support: 0.3
  max_pattern_length: 2
"""
INTENTS = ["address_or_details_change", "refund_request", "billing_issue", "delivery_problem"]
CHANNELS = ["chat", "email", "call", "ticket"]
T0 = datetime(2026, 1, 8, 9, 0, tzinfo=timezone.utc)


def demo_contacts(n_customers: int = 30, seed: int = 3) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Contacts of the event log's customers (C001..), 1-4 each, some 1-3 days apart (repeats), a few
    known only by the e-mail of the identity map, a few by nobody; with intents and sentiment."""
    rng = np.random.default_rng(seed)
    roster = pd.read_csv(Path(__file__).resolve().parents[2] / "fixtures" / "events" / "identity_map.csv", dtype=str)
    rows, msgs, k = [], [], 0
    for i in range(n_customers):
        cu = f"C{i + 1:03d}"
        t = T0 + timedelta(hours=float(rng.uniform(0, 24 * 30)))
        for j in range(int(rng.integers(1, 5))):
            k += 1
            intent = INTENTS[(i + (j // 2)) % len(INTENTS)]
            neg = bool(rng.random() < 0.4)
            by_email = i % 7 == 3
            email = roster.set_index("customer_id").loc[cu, "email"] if by_email and cu in set(roster["customer_id"]) else None
            rows.append(dict(contact_id=f"K{k:04d}", channel=CHANNELS[(i + j) % 4], customer_id=None if by_email else cu,
                             email=email, created_at=t, closed_at=t + timedelta(hours=1), status="solved",
                             subject="s", language="en", n_messages=1, source_format="tickets_csv", source_file="t.csv",
                             source_record=f"line {k}", intent=intent, intent_confidence=0.9,
                             sentiment="negative" if neg else "positive", sentiment_score=-0.6 if neg else 0.4,
                             sentiment_start=0.0, sentiment_end=-0.6 if neg else 0.4, sentiment_min=-0.6 if neg else 0.0,
                             topic_id=0, topic_label="t"))
            msgs.append(dict(contact_id=f"K{k:04d}", seq=0, role="customer", text=f"about my {intent}", timestamp=t))
            t = t + timedelta(hours=float(rng.choice([20, 50, 400])))
    for extra in range(3):   # nobody: no customer id, no e-mail
        k += 1
        rows.append(dict(contact_id=f"K{k:04d}", channel="email", customer_id=None, created_at=T0 + timedelta(days=extra),
                         source_file="t.csv", source_record=f"line {k}", intent="unknown", sentiment="neutral",
                         sentiment_score=0.0))
    c = contacts_frame(rows)
    for col in ("intent", "sentiment", "topic_label", "email"):
        c[col] = [r.get(col) for r in rows]
    for col in ("intent_confidence", "sentiment_score", "sentiment_start", "sentiment_end", "sentiment_min"):
        c[col] = [r.get(col) for r in rows]
    return c, messages_frame(msgs)


@pytest.fixture(scope="module")
def demo(tmp_path_factory, root):
    """`voc journeys` into a folder of contacts, then `voc report --json`, `voc report` and `voc enrich`."""
    base = tmp_path_factory.mktemp("metrics")
    out, cdp = base / "out", base / "cdp"
    contacts, messages = demo_contacts()
    datasets.write_table(contacts, datasets.table_path(out, "contacts", "parquet"), dataset="contacts")
    datasets.write_table(messages, datasets.table_path(out, "messages", "parquet"), dataset="messages")
    (out / "run.json").write_text("{}", encoding="utf-8")  # a voc output folder always has its run.json
    cfg = base / "j.yaml"
    cfg.write_text(CONFIG.format(imap=root / "fixtures" / "events" / "identity_map.csv"))
    before = runner.invoke(app, ["report", str(out)])             # the report of the contacts alone
    assert before.exit_code == 0, before.output
    html_before = (out / "report.html").read_text(encoding="utf-8")
    j = runner.invoke(app, ["journeys", str(root / "fixtures" / "events" / "web_events.csv"), "--contacts", str(out),
                            "--out", str(out), "--config", str(cfg)])
    assert j.exit_code == 0, j.output
    html_after_journeys = (out / "report.html").read_text(encoding="utf-8")
    js = runner.invoke(app, ["report", str(out), "--json", "--config", str(cfg)])
    assert js.exit_code == 0, js.output
    term = runner.invoke(app, ["report", str(out), "--no-html", "--config", str(cfg)], terminal_width=200)
    assert term.exit_code == 0, term.output
    e = runner.invoke(app, ["enrich", str(out), "--cdp", str(cdp)])
    assert e.exit_code == 0, e.output
    return {"out": out, "cdp": cdp, "journeys_output": j.output, "json": json.loads(js.stdout), "terminal": term.output,
            "html": (out / "report.html").read_text(encoding="utf-8"), "cfg": cfg,
            "html_before": html_before, "html_after_journeys": html_after_journeys}


def _stored(out: Path) -> dict:
    return json.loads((out / "run.json").read_text())["metrics"]["items"]


def test_every_figure_is_stored_with_its_definition(demo):
    items = _stored(demo["out"])
    assert list(items) == list(metrics.KEYS)
    for key, rec in items.items():
        assert rec["definition"] and rec["definition"].endswith("."), key
        assert rec["value"] is not None, key                      # the demo has every input
        if rec["unit"] == "share":
            assert rec["value"] == pytest.approx(rec["numerator"] / rec["denominator"]), key
            assert rec["denominator_definition"], key
    assert items["repeat_contact_rate"]["window_days"] == 7.0
    assert "7 days" in items["first_contact_resolution"]["definition"]


def test_every_place_shows_the_same_value(demo):
    out, items = demo["out"], _stored(demo["out"])
    # --json: the same records, and the headline reads them
    assert demo["json"]["metrics"] == items
    h = demo["json"]["headline"]
    assert h["repeat_contact_rate"] == items["repeat_contact_rate"]["value"]
    assert h["first_contact_resolution"] == items["first_contact_resolution"]["value"]
    assert h["customers"] == items["customers"]["value"] and h["share_negative"] == items["negative_share"]["value"]
    # report: each card shows the value and carries the definition; the footnote repeats both
    html = demo["html"]
    for key, rec in items.items():
        shown = metric_value(rec)
        card = re.search(rf'id="card-{key}" title="([^"]*)">.*?<div class="value[^"]*">([^<]*)</div>', html, re.S)
        assert card, key
        assert card.group(2) == shown, (key, card.group(2), shown)
        assert card.group(1).replace("&#39;", "'") == rec["definition"], key
        assert re.search(rf'id="def-{key}">\[\d\] [^:]+: {re.escape(shown)}</dt>', html), key
    # terminal summary (voc report) and voc journeys print the same formatted values
    for key in ("repeat_contact_rate", "same_issue_repeat_rate", "first_contact_resolution", "friction_rate", "friction_score"):
        assert metric_value(items[key]) in demo["terminal"], key
        assert metric_value(items[key]) in demo["journeys_output"], key
    assert f"{items['customers']['value']}" in demo["journeys_output"]
    # repeat_summary's 'all' row is the same figure
    rs = pd.read_parquet(out / "repeat_summary.parquet").set_index("dimension").loc["all"]
    assert float(rs["repeat_rate"]) == pytest.approx(items["repeat_contact_rate"]["value"])
    assert float(rs["same_issue_repeat_rate"]) == pytest.approx(items["same_issue_repeat_rate"]["value"])
    assert float(rs["fcr"]) == pytest.approx(items["first_contact_resolution"]["value"])
    assert int(rs["fcr_observed"]) == items["first_contact_resolution"]["denominator"]
    # customers: those who contacted support, not the event log's (which `voc journeys` labels as such)
    ident = pd.read_parquet(out / "identity.parquet")
    assert items["customers"]["value"] == ident["customer_id"].dropna().nunique()
    assert "customers in the event logs" in demo["journeys_output"]


def test_cdp_tables_read_the_same_flags_and_the_same_friction_scale(demo):
    import pyarrow.dataset as ds

    from voc.enrich import store

    out, cdp, items = demo["out"], demo["cdp"], _stored(demo["out"])
    c = ds.dataset(cdp / "contacts", format="parquet", partitioning=store.partitioning()).to_table().to_pandas()
    known = c["is_repeat"].dropna()
    assert known.astype(bool).sum() == items["repeat_contact_rate"]["numerator"]
    assert len(known) == items["repeat_contact_rate"]["denominator"]
    # a contact's friction score is its journey's, 0..100; a customer's trait is on the same scale
    tl = pd.read_parquet(out / "timeline.parquet")
    jn = pd.read_parquet(out / "journeys.parquet").set_index("journey_id")["friction_score"].astype(float)
    jid = tl.dropna(subset=["contact_id"]).drop_duplicates("contact_id").set_index("contact_id")["journey_id"]
    exp = c["contact_id"].map(jid).map(jn)
    assert np.allclose(c["friction_score"].astype(float), exp.astype(float).round(6), equal_nan=True)
    assert c["friction_score"].max() > 1.0 and c["friction_score"].max() <= 100.0
    t = ds.dataset(cdp / "customer_traits", format="parquet", partitioning=store.partitioning()).to_table().to_pandas()
    cust = pd.read_parquet(out / "customers.parquet").set_index("customer_id")
    both = t.set_index("customer_id").join(cust[["n_journeys", "friction_score"]], rsuffix="_customers", how="inner")
    one = both[both["n_journeys"] == 1]          # one journey per customer: the very same number
    assert len(one) >= 10
    assert np.allclose(one["friction_score"].astype(float), one["friction_score_customers"].astype(float).round(6))


def test_findings_and_charts_state_the_same_base(demo):
    """'65% of 21' in the findings and '65% of 17' on the chart was the same rate over two bases."""
    from voc.report import metrics as rmetrics
    from voc.report.actions import what_to_act_on
    from voc.report.inputs import load_inputs

    inp = load_inputs(demo["out"])
    rt, _ = rmetrics.repeat_table(inp)
    chart = rmetrics.repeat_by(rt, "intent").set_index("intent")
    from voc.config import ReportConfig

    for f in what_to_act_on(inp, ReportConfig(min_contacts=3)):
        if f["outcome"] != "repeat_rate" or f["signal"] != "intent":
            continue
        m = re.match(r"(\d+)% of ([\d,]+) contacts", f["detail"])
        intent = f["value"]
        assert m and int(m.group(2).replace(",", "")) == int(chart.loc[intent, "contacts"]) == f["evidence"]["n"], \
            (f, chart.loc[intent].to_dict())
        assert int(m.group(1)) == round(100 * chart.loc[intent, "repeat_rate"])
        assert f["evidence"]["rate"] == pytest.approx(chart.loc[intent, "repeat_rate"])


def test_report_reads_as_text_not_as_python(demo):
    html = demo["html"]
    cells = re.findall(r"<td>(.*?)</td>", html, re.S)
    assert cells
    assert not [c for c in cells if re.fullmatch(r"0\.\d+", c.strip())]         # shares are percentages
    assert not [c for c in cells if c.strip() in ("True", "False") or c.strip().startswith("[")]
    for sec in ("funnel", "step-times", "removal", "variants", "figures"):
        assert f'<section id="{sec}">' in html, sec
    assert "address or details change" in html                                   # intents as words
    assert re.search(r'<div class="steps"[^>]*>.*?class="st contact"', html, re.S)  # steps around the contact


def test_without_events_the_figures_keep_their_definitions(demo, tmp_path):
    """Without event logs, repeat rate and FCR are the same definition computed from the contacts alone."""
    contacts = pd.read_parquet(demo["out"] / "contacts.parquet")
    datasets.write_table(contacts, datasets.table_path(tmp_path, "contacts", "parquet"), dataset="contacts")
    items = metrics.refresh(tmp_path, JourneyConfig())["items"]
    with_events = _stored(demo["out"])
    for key in ("repeat_contact_rate", "same_issue_repeat_rate", "first_contact_resolution"):
        assert items[key]["definition"] == with_events[key]["definition"], key
        assert items[key]["source"] == "contacts" and with_events[key]["source"] == "journeys"
    # ... and equal to the journey step's own computation on these contacts with no events at all
    from voc.journey.events import EventLog
    from voc.journey.run import compute

    ev = pd.DataFrame({c: pd.Series([], dtype=object) for c in ("journey_id", "customer_id", "event", "channel", "properties")})
    ev["ts"] = pd.Series([], dtype="datetime64[us, UTC]")
    ev["src_order"] = pd.Series([], dtype="int64")
    empty = EventLog(events=ev, rejects=[], files=[], case_based=False)
    res = compute(empty, contacts, JourneyConfig())
    rc = res.tables["repeat_contacts"]
    assert items["repeat_contact_rate"]["numerator"] == int(rc["is_repeat"].fillna(False).astype(bool).sum())
    assert items["first_contact_resolution"]["denominator"] == int(rc["resolved_first_contact"].notna().sum())
    # without an e-mail link from the identity map, the contacts that carry only an e-mail stay unlinked
    assert items["customers"]["value"] <= with_events["customers"]["value"]


def test_stored_figures_are_recomputed_when_the_tables_change(demo, tmp_path):
    contacts = pd.read_parquet(demo["out"] / "contacts.parquet")
    datasets.write_table(contacts, datasets.table_path(tmp_path, "contacts", "parquet"), dataset="contacts")
    first = metrics.refresh(tmp_path)["items"]["contacts"]["value"]
    datasets.write_table(contacts.head(10), datasets.table_path(tmp_path, "contacts", "parquet"), dataset="contacts")
    assert metrics.load(tmp_path)["contacts"]["value"] == 10 != first


def test_identity_treats_missing_string_ids_as_missing():
    """A contacts table read back from parquet has pandas 'string' columns whose <NA> was linked to a
    customer called '<NA>' (every id-less contact one customer)."""
    from voc.journey.identity import resolve

    c = pd.DataFrame({"contact_id": ["a", "b", "c"], "customer_id": pd.array(["U1", None, None], dtype="string"),
                      "email": pd.array([None, None, None], dtype="string")})
    ident = resolve(c, JourneyConfig()).identity
    assert [None if pd.isna(v) else v for v in ident["customer_id"]] == ["U1", None, None]


def test_voc_journeys_refreshes_the_report_of_its_folder(demo):
    """`voc journeys` used to leave the folder's report as `voc analyze` wrote it (no journeys)."""
    before, after = demo["html_before"], demo["html_after_journeys"]
    assert "Most negative contacts" in before and '<section id="funnel">' not in before
    assert "Friction journeys" in after and '<section id="funnel">' in after and "Join behavioural events" not in after
    items = _stored(demo["out"])
    assert f'<div class="value">{metric_value(items["friction_score"])}</div>' in after


from tests.conftest import chromium_exe  # noqa: E402


def _chromium() -> str:
    return chromium_exe()


def test_report_fits_a_390px_phone(demo, tmp_path):
    """The report inside a 390 px wide frame (a phone; a desktop browser window cannot be that narrow)
    is no wider than the frame: nothing scrolls sideways."""
    exe = _chromium()
    probe = demo["html"].replace("</body>", "<script>window.addEventListener('load',function(){setTimeout(function(){"
                                 "parent.postMessage({w:document.documentElement.scrollWidth,v:window.innerWidth},'*');},300);});"
                                 "</script></body>")
    (tmp_path / "report.html").write_text(probe, encoding="utf-8")
    (tmp_path / "phone.html").write_text(
        "<!DOCTYPE html><html><body style='margin:0'><iframe src='report.html' style='width:390px;height:844px;border:0'>"
        "</iframe><script>window.addEventListener('message',function(e){document.body.setAttribute('data-scroll-width',"
        "e.data.w);document.body.setAttribute('data-view-width',e.data.v);});</script></body></html>", encoding="utf-8")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--hide-scrollbars", "--virtual-time-budget=10000",
             f"--user-data-dir={tmp_path / 'u'}", "--window-size=800,900"]
    r = subprocess.run([exe, *flags, "--dump-dom", (tmp_path / "phone.html").resolve().as_uri()],
                       capture_output=True, text=True, timeout=180)
    assert r.returncode == 0, r.stderr[-2000:]
    m = re.search(r'data-scroll-width="(\d+)" data-view-width="(\d+)"', r.stdout)
    assert m, "the probe did not run"
    assert int(m.group(2)) == 390
    assert int(m.group(1)) <= 390, f"the page is {m.group(1)} px wide on a 390 px screen"


def test_missing_text_in_report_tables_stays_missing(tmp_path):
    """An all-null text column (friction.stage on a case log) was read as the text '<NA>' and the
    findings said "mostly at stage '<NA>'"."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from voc.config import ReportConfig
    from voc.report import write_report
    from voc.report.inputs import load_inputs

    n = 6
    pq.write_table(pa.table({"journey_id": [f"c{i}" for i in range(n)], "customer_id": pa.nulls(n, pa.string()),
                             "kind": ["long_wait"] * n, "stage": pa.nulls(n), "contact_id": pa.nulls(n, pa.string()),
                             "severity": [0.5] * n, "evidence": ["waited 3 d"] * n}), tmp_path / "friction.parquet")
    f = load_inputs(tmp_path, tables=("friction",)).get("friction")
    assert f["stage"].isna().all()
    html = write_report(tmp_path, ReportConfig()).read_text()
    assert "&lt;NA&gt;" not in html and "<NA>" not in html
    assert 'id="card-repeat_contact_rate"' not in html            # no contacts: no empty contact cards


@pytest.mark.slow
def test_shipped_demo_shows_one_value_per_figure(tmp_path, root, fixtures_dir):
    """`make demo` with --enrich: FCR was 80.0% on the card, 0.817 in repeat_summary and 82% in
    `voc journeys`; customers 33 on the card and 40 in data quality; friction 44.7 vs 0.5 in the CDP."""
    import pyarrow.dataset as ds

    from voc.enrich import store

    out, cdp = tmp_path / "out", tmp_path / "cdp"
    r = runner.invoke(app, ["analyze", str(fixtures_dir), "--events", str(root / "fixtures" / "events" / "web_events.csv"),
                            "--config", str(root / "pipelines" / "journeys.yaml"), "--out", str(out), "--enrich", str(cdp),
                            "--no-topics", "--json"])
    assert r.exit_code == 0, r.output
    summary = json.loads(r.stdout[r.stdout.index("{"):])
    items = _stored(out)
    assert summary["metrics"] == items
    rs = pd.read_parquet(out / "repeat_summary.parquet").set_index("dimension").loc["all"]
    assert float(rs["fcr"]) == pytest.approx(items["first_contact_resolution"]["value"])
    html = (out / "report.html").read_text()
    for key, rec in items.items():
        assert re.search(rf'id="card-{key}"[^>]*>.*?<div class="value[^"]*">{re.escape(metric_value(rec))}</div>', html,
                         re.S), key
    assert "customers in the event logs" in html                   # the other customer count, named as such
    c = ds.dataset(cdp / "contacts", format="parquet", partitioning=store.partitioning()).to_table().to_pandas()
    t = ds.dataset(cdp / "customer_traits", format="parquet", partitioning=store.partitioning()).to_table().to_pandas()
    cust = pd.read_parquet(out / "customers.parquet").set_index("customer_id")
    one = t.set_index("customer_id").join(cust[["n_journeys", "friction_score"]], rsuffix="_c", how="inner")
    one = one[one["n_journeys"] == 1]
    assert len(one) and np.allclose(one["friction_score"], one["friction_score_c"].astype(float).round(6))
    assert c["is_repeat"].dropna().astype(bool).sum() == items["repeat_contact_rate"]["numerator"]
