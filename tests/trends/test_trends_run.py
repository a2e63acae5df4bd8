"""End to end through `voc analyze`: trends.parquet, alerts.jsonl (fields, redacted quotes), run.json,
--json and the report's "What changed" section and contact explorer (headless Chromium)."""
from __future__ import annotations

import csv
import json
import re
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)   # a Monday
TEXTS = {"solved": "Thanks, the refund for my order arrived, all good now.",
         "open": "Where is my parcel? The tracking page has not changed for days.",
         "pending": "I still wait for the replacement part you promised last week."}
SPIKE = "My card was declined abroad again and again, write to me at jane.roe@example.com or call +1 415 555 0199"
WEEKS = 10


def write_tickets(folder: Path, seed: int = 0) -> int:
    """~30 tickets a week over 10 weeks (statuses solved/open/pending, escalated ~1 a week); in the last
    week 14 escalated tickets about cards declined abroad, with an email and a phone in the text."""
    rng = np.random.default_rng(seed)
    rows, k = [], 0
    for w in range(WEEKS):
        n_esc = 14 if w == WEEKS - 1 else int(rng.integers(0, 3))
        statuses = list(rng.choice(["solved", "open", "pending"], size=int(rng.poisson(30)))) + ["escalated"] * n_esc
        for st in statuses:
            k += 1
            t = T0 + timedelta(days=7 * w + float(rng.uniform(0, 6.5)))
            text = (SPIKE if (st == "escalated" and w == WEEKS - 1)
                    else TEXTS.get(st, "Please escalate my complaint about the delay."))
            rows.append({"id": k, "subject": text[:30], "description": text, "requester_email": f"user{k % 40}@mail.test",
                         "status": st, "created_at": t.isoformat().replace("+00:00", "Z")})
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "tickets.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return len(rows)


@pytest.fixture(scope="module")
def analyzed(tmp_path_factory):
    from voc.cli import _wire, app

    _wire()
    base = tmp_path_factory.mktemp("trends-e2e")
    n = write_tickets(base / "in")
    (base / "cfg.yaml").write_text("pipeline: [sentiment]\nsentiment:\n  backend: vader\n"
                                   "trends:\n  dimensions: [status, product]\n", encoding="utf-8")
    out = base / "out"
    r = CliRunner().invoke(app, ["analyze", str(base / "in"), "--out", str(out), "--config", str(base / "cfg.yaml"), "--json"])
    assert r.exit_code == 0, r.output
    return out, json.loads(r.stdout), n


def test_alerts_jsonl_has_the_fields_and_finds_the_spike(analyzed):
    out, _, _ = analyzed
    alerts = [json.loads(line) for line in (out / "alerts.jsonl").read_text(encoding="utf-8").splitlines()]
    assert alerts, "the planted spike must give an alert"
    for a in alerts:
        for key in ("dimension", "value", "metric", "observed", "expected", "period_start", "effect", "p_value",
                    "q_value", "sentence", "quotes", "contact_ids"):
            assert key in a, key
        assert a["q_value"] <= 0.05 and 1 <= len(a["quotes"]) <= 3
    hit = [a for a in alerts if a["dimension"] == "status" and a["value"] == "escalated" and a["metric"] == "volume"]
    assert len(hit) == 1
    a = hit[0]
    assert a["observed"] == 14 and a["expected"] < 3 and a["n_contacts"] == 14 and len(a["contact_ids"]) == 14
    assert a["period_start"].startswith((T0 + timedelta(weeks=WEEKS - 1)).strftime("%Y-%m-%d"))
    text = " ".join(q["text"] for q in a["quotes"])
    assert "declined abroad" in text and "jane.roe@example.com" not in text and "555 0199" not in text
    assert "[EMAIL]" in text


def test_trends_table_run_json_and_json_output(analyzed):
    out, summary, n = analyzed
    tr = pd.read_parquet(out / "trends.parquet")
    assert {"all", "channel", "status"} <= set(tr["dimension"])
    assert tr.loc[tr["dimension"] == "all", "contacts"].sum() == n
    assert tr["period_start"].nunique() == WEEKS
    run = json.loads((out / "run.json").read_text())
    t = run["trends"]
    assert t["alerts"] >= 1 and t["tests"] > 0 and t["period"] == "week"
    assert any("'product' is not in the contacts table" in w for w in t["warnings"])   # nothing silent
    assert run["outputs"]["alerts"].endswith("alerts.jsonl")
    written = map(json.loads, (out / "alerts.jsonl").read_text().splitlines())
    assert [a["alert_id"] for a in summary["alerts"]] == [a["alert_id"] for a in written]
    assert summary["trends"]["warnings"] == t["warnings"]


def test_report_leads_with_what_changed(analyzed):
    out, _, _ = analyzed
    html = (out / "report.html").read_text(encoding="utf-8")
    assert html.index('id="changed"') < html.index('id="act"') < html.index('id="intent"')
    assert "Status &#39;escalated&#39;: 14 contacts" in html
    assert 'id="fig-changed-0"' in html and "jane.roe@example.com" not in html and "mail.test" not in html


from tests.conftest import chromium_exe  # noqa: E402


def _chromium() -> str:
    return chromium_exe()


PROBE = """<script>
window.addEventListener("load", function () { setTimeout(function () {
  var out = {};
  try {
    var X = window.vocExplore;
    out.total = X.selected().length;
    document.querySelector("button.drill").click();
    out.drill = X.selected().length;
    out.drill_table_rows = document.querySelectorAll("#x-table tbody tr").length;
    out.drill_quote = document.querySelector("#x-table tbody tr td:last-child").textContent;
    document.getElementById("f-clear").click();
    var sel = document.getElementById("f-channel"); sel.value = "ticket"; sel.dispatchEvent(new Event("change"));
    out.channel = X.selected().length;
    var from = document.getElementById("f-from"); from.value = "%(last_week)s"; from.dispatchEvent(new Event("change"));
    out.channel_from = X.selected().length;
    out.stats = document.getElementById("x-stats").textContent;
    out.csv_buttons = document.querySelectorAll("button.csv").length;
    out.tables = document.querySelectorAll("main table").length;
    var t = document.querySelector("#quality table");
    out.csv = window.vocTableCsv(t).split("\\r\\n")[0];
    document.getElementById("f-clear").click();
    var fig = document.querySelector("#intent figure .plotly-graph-div");
    fig.emit("plotly_click", {points: [{y: "unknown", x: 12, data: {orientation: "h"}}]});
    out.bar_intent = X.state.intent;
    out.bar_selected = X.selected().length;
    sel.value = "ticket"; from.value = "%(last_week)s"; from.dispatchEvent(new Event("change"));
    out.csv_selected_lines = X.toCsv([["id"]].concat(X.selected().map(function (r) { return [r[0]]; }))).split("\\r\\n").length - 2;
  } catch (e) { out.error = String(e); }
  var pre = document.createElement("pre"); pre.id = "probe"; pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
}, 300); });
</script></body>"""  # noqa: E501  (the browser probe's JavaScript, kept as written)


def test_explorer_filters_drill_down_and_csv_in_headless_chromium(analyzed, tmp_path):
    exe = _chromium()
    out, _, n = analyzed
    html = (out / "report.html").read_text(encoding="utf-8")
    last_week = (T0 + timedelta(weeks=WEEKS - 1)).strftime("%Y-%m-%d")
    probe = tmp_path / "probe.html"
    probe.write_text(html.replace("</body>", PROBE % {"last_week": last_week}), encoding="utf-8")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--virtual-time-budget=8000"]
    r = subprocess.run([exe, *flags, f"--user-data-dir={tmp_path / 'u'}", "--enable-logging=stderr", "--v=0", "--dump-dom",
                        probe.resolve().as_uri()], capture_output=True, text=True, timeout=180)
    assert r.returncode == 0, r.stderr[-2000:]
    errors = [line for line in r.stderr.splitlines() if "Uncaught" in line]
    assert errors == [], errors
    m = re.search(r'<pre id="probe">(.*?)</pre>', r.stdout, re.S)
    assert m, "the probe did not run"
    got = json.loads(m.group(1).replace("&quot;", '"').replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">"))
    assert "error" not in got, got.get("error")
    c = pd.read_parquet(out / "contacts.parquet")
    assert got["total"] == n == len(c)
    assert got["drill"] == 14 and got["drill_table_rows"] == 14 and "declined abroad" in got["drill_quote"]
    assert got["channel"] == int((c["channel"] == "ticket").sum())
    exp = int(((c["channel"] == "ticket") & (c["created_at"].dt.strftime("%Y-%m-%d") >= last_week)).sum())
    assert got["channel_from"] == exp and got["stats"].startswith(f"{exp} of {n} contacts selected")
    assert got["csv_buttons"] == got["tables"] - 1 >= 3          # every table but the explorer's own (it has its CSV)
    # first row of the inputs table
    assert got["csv"] == f"files,{json.loads((out / 'run.json').read_text())['counts']['files']}"
    # a bar of a chart -> its contacts (no intent step ran)
    assert got["bar_intent"] == "unknown" and got["bar_selected"] == n
    assert got["csv_selected_lines"] == exp


def test_csv_folder_without_nlp_steps(tmp_path):
    """run_trends on a CSV output folder (as `voc analyze --format csv` writes it), then the report."""
    from test_alerts import synth

    from voc import datasets
    from voc.config import ReportConfig, TrendsConfig
    from voc.report import write_report
    from voc.trends.run import run_trends

    c = synth(11, spike=("intent_06", 13, 5.0)).reset_index(drop=True)
    c = c.assign(contact_id=[f"K{i}" for i in range(len(c))], customer_id=[f"U{i % 300}" for i in range(len(c))])
    datasets.write_table(c, tmp_path / "contacts.csv", dataset="contacts")
    m = pd.DataFrame({"contact_id": c["contact_id"], "seq": 0, "role": "customer",
                      "text": "About " + c["intent"].astype(str) + ": my order is late, mail me at a.b@example.com"})
    m["text"] = m["text"].str.replace("a.b@example.com", "[EMAIL]", regex=False)   # as the redact step leaves it
    datasets.write_table(m, tmp_path / "messages.csv", dataset="messages")
    block = run_trends(tmp_path, TrendsConfig(), fmt="csv")
    assert (tmp_path / "trends.csv").exists() and not (tmp_path / "trends.parquet").exists()
    alerts = datasets.read_jsonl(tmp_path / "alerts.jsonl", dataset="alerts")
    hit = [a for a in alerts if a["value"] == "intent_06" and a["metric"] == "volume"]
    assert block["alerts"] == len(alerts) and len(hit) == 1 and hit[0]["quotes"][0]["text"].startswith("About intent_06")
    tr = pd.read_csv(tmp_path / "trends.csv")
    rr = tr[(tr["dimension"] == "all") & tr["repeat_rate"].notna()]
    assert len(rr) > 0                                   # repeat rate estimated from customer ids
    html = write_report(tmp_path, ReportConfig()).read_text(encoding="utf-8")
    assert "Intent &#39;intent_06&#39;" in html and "Period comparison" in html and "a partial period" not in html


def test_drift_against_a_previous_run_reaches_run_json_report_and_terminal(tmp_path):
    from test_drift import contacts as drift_contacts

    from voc import datasets
    from voc.cli.summary import print_summary
    from voc.config import ReportConfig, TrendsConfig, VocConfig
    from voc.errors import DatasetError
    from voc.pipeline.run import RunResult
    from voc.pipeline.trends_step import run_trends_step
    from voc.report import write_report
    from voc.trends.drift import profile

    prev = tmp_path / "prev_run.json"
    prev.write_text(json.dumps({"trends": {"profile": profile(drift_contacts(1, weeks=4))}}), encoding="utf-8")
    c = drift_contacts(2, weeks=6, p_unknown={w: 0.3 for w in range(6)})
    c = c.assign(contact_id=[f"K{i}" for i in range(len(c))])
    out = tmp_path / "out"
    out.mkdir()
    datasets.write_table(c, out / "contacts.parquet", dataset="contacts")
    datasets.write_json({"counts": {"contacts_out": len(c)}}, out / "run.json", dataset="run")
    cfg = VocConfig(trends=TrendsConfig(previous_run=str(prev)))
    block = run_trends_step(out, cfg, fmt="parquet")
    assert [d["signal"] for d in block["drift"]] == ["unknown_share"] and block["drift"][0]["against"] == "the previous run"
    run = json.loads((out / "run.json").read_text())
    assert run["trends"]["drift"] == block["drift"] and run["counts"]["contacts_out"] == len(c)   # run.json kept, extended
    html = write_report(out, ReportConfig()).read_text(encoding="utf-8")
    assert 'class="drift"' in html and "Retraining signal" in html
    import io
    from contextlib import redirect_stdout

    buf = io.StringIO()
    with redirect_stdout(buf):
        print_summary(RunResult(out_dir=out, analyze=None, trends=block))
    assert "Retraining signal" in buf.getvalue()
    with pytest.raises(DatasetError) as e:
        run_trends_step(out, VocConfig(trends=TrendsConfig(previous_run=str(tmp_path / "nope.json"))), fmt="parquet")
    assert e.value.code == "E402"
