"""report.html and the run summary, on small hand-made output folders (every table of the contract,
or only some), plus a headless-Chromium check that the file renders offline without errors."""
from __future__ import annotations

import io
import json
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from voc import datasets
from voc.config import ReportConfig
from voc.report import metrics, paths, summary_dict, summary_table, write_report
from voc.report.inputs import load_inputs
from voc.schema import contacts_frame, messages_frame

T0 = datetime(2024, 5, 1, 9, 0, tzinfo=timezone.utc)
INTENTS = ["order_status", "refund_request", "payment_issue", "delivery_problem", "account_access"]
# probability that a contact of this intent is negative: payment_issue is the sore point
P_NEG = {"order_status": 0.15, "refund_request": 0.4, "payment_issue": 0.8, "delivery_problem": 0.5, "account_access": 0.2}
CHANNELS = ["chat", "email", "call", "ticket"]
SECRET_EMAIL = "alice.secret@example.com"
SECRET_PHONE = "+1 415 555 0199"
EVIL = "</script><script>window.__pwned=1</script><b>bold</b>"


def _write(df: pd.DataFrame, out: Path, name: str, fmt: str) -> None:
    datasets.write_table(df, datasets.table_path(out, name, fmt), dataset=name)


def build_contacts(n_customers: int = 40, seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Contacts with NLP columns and their messages: 1-4 contacts per customer over 4 weeks."""
    rng = np.random.default_rng(seed)
    crow, mrow = [], []
    k = 0
    for cu in range(n_customers):
        t = T0 + timedelta(hours=float(rng.uniform(0, 24 * 20)))
        intent = INTENTS[cu % len(INTENTS)]
        for j in range(int(rng.integers(1, 5))):
            k += 1
            cid = f"C{k:04d}"
            neg = rng.random() < P_NEG[intent] or k == 3
            score = float(-rng.uniform(0.3, 0.9) if neg else rng.uniform(-0.04, 0.8))
            if k == 3:
                score = -0.99   # the most negative contact: its quote (with markup in it) is shown
            sent = "negative" if neg else ("positive" if score > 0.05 else "neutral")
            crow.append(dict(contact_id=cid, channel=CHANNELS[(cu + j) % 4], customer_id=f"U{cu:03d}",
                             email=SECRET_EMAIL if k == 1 else f"user{cu}@mail.test", phone=SECRET_PHONE if k == 1 else None,
                             created_at=t, closed_at=t + timedelta(hours=2), status="solved",
                             subject=f"{intent.replace('_', ' ')} question", language="en", n_messages=2,
                             source_format="zendesk_json", source_file="tickets.json", source_record=f"record {k}",
                             intent=intent if j < 3 else "unknown", intent_confidence=0.8, sentiment=sent,
                             sentiment_score=round(score, 3), sentiment_start=score, sentiment_end=score,
                             sentiment_min=score, topic_id=INTENTS.index(intent), topic_label=f"{intent} topic"))
            text = (f"My {intent.replace('_', ' ')} is still not sorted, I wrote from [EMAIL] twice"
                    if neg else f"Quick question about {intent.replace('_', ' ')}, thanks [PERSON]")
            if k == 3:
                text = "Payment failed again " + EVIL
            mrow.append(dict(contact_id=cid, seq=0, role="customer", speaker="customer", timestamp=t, text=text,
                             source_file="tickets.json", source_record=f"record {k}", sentiment=sent, sentiment_score=score))
            mrow.append(dict(contact_id=cid, seq=1, role="agent", speaker="agent", timestamp=t + timedelta(minutes=5),
                             text="Thanks for reaching out, I have looked into it.", source_file="tickets.json",
                             source_record=f"record {k}", sentiment="neutral", sentiment_score=0.0))
            t = t + timedelta(hours=float(rng.choice([30, 60, 300])))  # 30 h / 60 h: repeats, 300 h: not
    contacts = contacts_frame(crow)
    for col in ("intent", "sentiment", "topic_label"):
        contacts[col] = pd.array([r[col] for r in crow], dtype=pd.ArrowDtype(__import__("pyarrow").string()))
    for col in ("intent_confidence", "sentiment_score", "sentiment_start", "sentiment_end", "sentiment_min"):
        contacts[col] = [r[col] for r in crow]
    contacts["topic_id"] = [r["topic_id"] for r in crow]
    messages = messages_frame(mrow)
    messages["sentiment"] = [r["sentiment"] for r in mrow]
    messages["sentiment_score"] = [r["sentiment_score"] for r in mrow]
    return contacts, messages


def build_journey_tables(contacts: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Timeline, repeat_contacts, friction, journeys, transitions as the journey step would write them."""
    tl = []
    for cust, g in contacts.sort_values("created_at").groupby("customer_id", sort=True):
        for _, c in g.iterrows():
            before = (["home", "product", "checkout", "payment_failed"] if c["intent"] == "payment_issue"
                      else ["home", "order_page"])
            for i, ev in enumerate(before):
                tl.append(dict(journey_id=cust, customer_id=cust, ts=c["created_at"] - timedelta(minutes=10 * (len(before) - i)),
                               kind="event", event=ev, channel="web", contact_id=None))
            tl.append(dict(journey_id=cust, customer_id=cust, ts=c["created_at"], kind="contact",
                           event=f"contact:{c['channel']}", channel=c["channel"], contact_id=c["contact_id"]))
    timeline = pd.DataFrame(tl).sort_values(["journey_id", "ts"], kind="stable").reset_index(drop=True)
    timeline["seq"] = timeline.groupby("journey_id").cumcount()
    c = contacts.sort_values(["customer_id", "created_at"], kind="stable")
    prev_t = c.groupby("customer_id")["created_at"].shift(1)
    prev_id = c.groupby("customer_id")["contact_id"].shift(1)
    gap = (c["created_at"] - prev_t).dt.total_seconds() / 3600
    nxt = (c.groupby("customer_id")["created_at"].shift(-1) - c["created_at"]).dt.total_seconds() / 3600
    rep = pd.DataFrame({"contact_id": c["contact_id"].astype(str), "customer_id": c["customer_id"].astype(str),
                        "created_at": c["created_at"], "channel": c["channel"].astype(str), "intent": c["intent"].astype(str),
                        "topic_label": c["topic_label"].astype(str), "is_repeat": (gap <= 168).fillna(False).astype(bool),
                        "previous_contact_id": prev_id.where(gap <= 168), "hours_since_previous": gap,
                        "same_issue": (gap <= 168).fillna(False).astype(bool),
                        "resolved_first_contact": ~(nxt <= 168).fillna(False).astype(bool)})
    fr = []
    for _, r in timeline.iterrows():
        if r["kind"] == "contact":
            prev = timeline[(timeline["journey_id"] == r["journey_id"]) & (timeline["seq"] == r["seq"] - 1)]
            if len(prev) and prev["event"].iloc[0] == "payment_failed":
                fr.append(dict(journey_id=r["journey_id"], customer_id=r["customer_id"], kind="error_before_contact",
                               stage="purchase", ts=r["ts"], contact_id=r["contact_id"], severity=0.8,
                               evidence=f"payment_failed 10 min before {r['event']}"))
    for cid in rep.loc[rep["is_repeat"], "contact_id"].head(8):
        row = rep[rep["contact_id"] == cid].iloc[0]
        fr.append(dict(journey_id=row["customer_id"], customer_id=row["customer_id"], kind="loop", stage="support",
                       ts=row["created_at"], contact_id=cid, severity=0.5, evidence="contacted again within 7 days"))
    friction = pd.DataFrame(fr)
    fs = friction.groupby("journey_id")["severity"].sum()
    js = []
    for jid, g in timeline.groupby("journey_id"):
        js.append(dict(journey_id=jid, customer_id=jid, start=g["ts"].min(), end=g["ts"].max(), n_events=len(g),
                       n_contacts=int((g["kind"] == "contact").sum()), n_repeat_contacts=0,
                       path=" > ".join(g["event"].head(12)), friction_score=float(fs.get(jid, 0.0)),
                       friction_kinds=",".join(sorted(set(friction.loc[friction["journey_id"] == jid, "kind"])))))
    journeys = pd.DataFrame(js)
    tr = timeline.assign(nxt=timeline.groupby("journey_id")["event"].shift(-1)).dropna(subset=["nxt"])
    transitions = tr.groupby(["event", "nxt"]).size().rename("count").reset_index().rename(columns={"event": "from_step",
                                                                                                    "nxt": "to_step"})
    transitions["probability"] = transitions["count"] / transitions.groupby("from_step")["count"].transform("sum")
    return {"timeline": timeline, "repeat_contacts": rep, "friction": friction, "journeys": journeys, "transitions": transitions}


def build_full_folder(out: Path, fmt: str = "parquet") -> dict[str, pd.DataFrame]:
    contacts, messages = build_contacts()
    tables = {"contacts": contacts, "messages": messages, **build_journey_tables(contacts)}
    tables["topics"] = pd.DataFrame({"topic_id": [-1] + list(range(5)),
                                     "label": ["outliers"] + [f"{i} topic" for i in INTENTS[:4]] + [EVIL],
                                     "keywords": ["misc"] + [i.replace("_", ", ") for i in INTENTS],
                                     "size": [3, 40, 30, 25, 20, 10]})
    bins = [T0 + timedelta(days=7 * w) for w in range(4)]
    tables["topics_over_time"] = pd.DataFrame([dict(topic_id=i, label=f"{INTENTS[i]} topic" if i < 4 else EVIL, bin_start=b,
                                                    count=int(5 + i + w))
                                               for i in range(5) for w, b in enumerate(bins)])
    for name, df in tables.items():
        _write(df, out, name, fmt)
    rejects = [{"file": "bad.json", "location": "line 3", "level": "contact", "code": "E006", "reason": "JSON is malformed",
                "fix": "re-export"},
               {"file": "empty.csv", "location": "", "level": "file", "code": "E003", "reason": "File is empty",
                "fix": "remove it"}]
    datasets.write_jsonl(rejects, out / "rejects.jsonl", dataset="rejects")
    datasets.write_json({"input": "tickets/", "started_at": T0.isoformat(),
                         "versions": {"voc": "0.1.0", "pandas": pd.__version__},
                         "config": {"journey": {"repeat_window_days": 7}}, "steps": ["redact", "intent", "sentiment"],
                         "counts": {"files": 3, "records_in": len(contacts) + 2, "contacts_out": len(contacts),
                                    "record_rejects": 2},
                         "rejects": {"total": 2, "by_level": {"contact": 1, "file": 1}, "by_code": {"E006": 1, "E003": 1}}},
                        out / "run.json", dataset="run")
    return tables


@pytest.fixture(scope="module")
def full(tmp_path_factory) -> tuple[Path, dict[str, pd.DataFrame]]:
    out = tmp_path_factory.mktemp("full")
    return out, build_full_folder(out)


@pytest.fixture(scope="module")
def full_report(full) -> tuple[Path, str]:
    out, _ = full
    p = write_report(out, ReportConfig(min_contacts=5))
    return p, p.read_text(encoding="utf-8")


CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars", "--virtual-time-budget=8000"]


from tests.conftest import chromium_exe  # noqa: E402


def _chromium() -> str:
    return chromium_exe()


def _headline_by_hand(tables: dict[str, pd.DataFrame]) -> dict:
    rc, c = tables["repeat_contacts"], tables["contacts"]
    # FCR (voc.metrics): every contact whose follow-up is observable, repeat or not (as repeat_summary states it)
    return {"contacts": len(c), "customers": c["customer_id"].nunique(),
            "repeat_contact_rate": rc["is_repeat"].mean(), "first_contact_resolution": rc["resolved_first_contact"].mean(),
            "share_negative": (c["sentiment"] == "negative").mean()}


def test_report_is_one_offline_file_with_every_section(full, full_report):
    out, tables = full
    path, html = full_report
    assert path == out / "report.html"
    # intent, repeat x2, friction, sankey, heatmap, topics: negative share, over time
    assert html.count("Plotly.newPlot(") == 8
    assert html.count("plotly.js v") <= 2 and len(re.findall(r"<script[^>]+src=", html)) == 0
    assert not re.search(r"<link[^>]+href=\"?https?:", html)
    for sid in ("act", "intent", "repeat", "friction", "paths", "transitions", "topics", "quality"):
        assert f'id="{sid}"' in html
    assert 'class="missing"' not in html                # every input is present: nothing reported missing
    assert len(html.encode()) < 6_000_000


def test_report_never_shows_identifiers_and_escapes_user_text(full_report):
    _, html = full_report
    assert SECRET_EMAIL not in html and SECRET_PHONE not in html and "mail.test" not in html
    assert "<script>window.__pwned" not in html and "<b>bold</b>" not in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html                # shown as text in the topics table


def test_headline_figures_match_the_tables(full):
    out, tables = full
    h = metrics.headline(load_inputs(out))
    exp = _headline_by_hand(tables)
    for k, v in exp.items():
        assert h[k] == pytest.approx(v), k
    assert h["repeat_source"] == "journeys" and h["rejects"] == 2
    assert h["top_intent"] == tables["contacts"]["intent"].astype(str).replace("unknown", None).value_counts().index[0]


def test_csv_folder_gives_the_same_figures(tmp_path, full):
    out, _ = full
    build_full_folder(tmp_path, fmt="csv")
    assert not list(tmp_path.glob("*.parquet"))
    assert metrics.headline(load_inputs(tmp_path)) == metrics.headline(load_inputs(out))
    html = write_report(tmp_path, ReportConfig(min_contacts=5)).read_text()
    assert html.count("Plotly.newPlot(") == 8
    from voc.report.actions import what_to_act_on

    cfg = ReportConfig(min_contacts=5)
    assert what_to_act_on(load_inputs(tmp_path), cfg) == what_to_act_on(load_inputs(out), cfg)


def test_findings_point_at_the_planted_problems(full):
    out, _ = full
    from voc.report.actions import data_note, what_to_act_on

    inp = load_inputs(out)
    found = what_to_act_on(inp, ReportConfig(min_contacts=5))
    titles = [f["title"] for f in found]
    # 80% negative by construction; the intent and its topic cover (largely) the same contacts: one finding
    neg = [f for f in found if f["outcome"] == "negative_share"]
    assert neg and neg[0]["title"] in ("Negative sentiment on intent 'payment issue'",
                                       "Negative sentiment on topic 'payment issue topic'"), titles
    named = {neg[0]["value"]} | {a["value"] for a in neg[0]["also"]}
    assert {"payment_issue", "payment_issue topic"} <= named
    # the friction of the payment journeys (error before contact) is found on the same contacts
    fr = [f for f in found if f["outcome"] == "friction_rate"]
    assert fr and fr[0]["value"] in ("payment_issue", "payment_issue topic")
    assert data_note(inp)["title"].startswith("2 input records")            # rejects: always said, apart
    impacts = [f["impact"] for f in found]
    assert impacts == sorted(impacts, reverse=True)


def test_contacts_only_without_nlp_says_what_is_missing(tmp_path):
    rows = [dict(contact_id=f"K{i}", channel="chat", customer_id=cu, created_at=T0 + timedelta(days=d), source_file="x.csv",
                 source_record=f"line {i}") for i, (cu, d) in enumerate([("A", 0), ("A", 1), ("A", 10), ("B", 0), (None, 0)])]
    _write(contacts_frame(rows), tmp_path, "contacts", "parquet")
    _write(messages_frame([dict(contact_id=r["contact_id"], seq=0, role="customer", text="where is my parcel please")
                           for r in rows]), tmp_path, "messages", "parquet")
    html = write_report(tmp_path, ReportConfig()).read_text()
    assert "no intent or sentiment columns" in html and "voc journeys" in html and "No rejects.jsonl" in html
    h = metrics.headline(load_inputs(tmp_path))
    # A: day 0 first, day 1 repeat (within 7 days), day 10 first again; B: first; no customer: unknown.
    # Computed from the contacts alone with the journey step's definitions (voc.metrics.flags).
    assert h["repeat_source"] == "contacts" and h["repeat_contact_rate"] == pytest.approx(1 / 4)
    # FCR: no intents, so no contact repeats the same issue; A day 10's 7-day window runs past the
    # end of the data (day 10) and is left out: 3 of 3 observable contacts resolved
    assert h["first_contact_resolution"] == pytest.approx(1.0)
    assert h["metrics"]["first_contact_resolution"]["denominator"] == 3
    assert h["customers"] == 2 and h["share_negative"] is None and h["top_intent"] is None
    assert html.count("Plotly.newPlot(") == 1                        # repeat by channel only


def test_paths_to_contact_by_hand():
    ts = [T0 + timedelta(minutes=m) for m in range(6)]
    tl = pd.DataFrame({"journey_id": ["j1"] * 4 + ["j2"] * 2, "ts": ts[:4] + ts[:2], "seq": [0, 1, 2, 3, 0, 1],
                       "kind": ["event", "event", "contact", "contact", "event", "contact"],
                       "event": ["home", "error", "contact:chat", "contact:call", "error", "contact:chat"]})
    p = paths.paths_to_contact(tl, steps_before=2).set_index(["s_-2", "s_-1", "s_0"])["count"].to_dict()
    assert p == {("home", "error", "contact:chat"): 1, ("error", "contact:chat", "contact:call"): 1,
                 ("(start)", "error", "contact:chat"): 1}


def test_summary_dict_and_table(full):
    out, tables = full
    d = summary_dict(out)
    json.dumps(d)                                                    # JSON-ready
    assert d["headline"]["contacts"] == len(tables["contacts"])
    assert d["friction"] == tables["friction"]["kind"].value_counts().to_dict()
    # every file the folder holds is listed (the fixture wrote each table, rejects.jsonl and run.json)
    written = {f"{name}.parquet" for name in tables} | {"rejects.jsonl", "run.json"}
    assert written <= set(d["files"]), written - set(d["files"])
    assert d["rejects_by_code"] == {"E006": 1, "E003": 1}
    from rich.console import Console

    con = Console(width=200, record=True, file=io.StringIO())
    con.print(summary_table(out))
    text = con.export_text()
    rows = {line.split("  ")[0].strip(): line for line in text.splitlines()[1:] if line.strip()}
    assert f"{len(tables['contacts']):,}" in rows["contacts"]
    assert f"{tables['contacts']['customer_id'].dropna().nunique():,}" in rows["customers"]
    from voc.report.labels import label as readable

    top = tables["contacts"]["intent"].value_counts().index[0]
    assert readable(top) in rows["top intents"]  # shown as words: 'account access', not 'account_access'
    assert "2" in rows["rejects"] and "rejects.jsonl" in rows["rejects"]
    for label in ("repeat-contact rate", "first-contact resolution", "negative", "friction rate", "friction score"):
        assert label in rows and "n/a" not in rows[label], label


def test_cli_report_json_and_errors(full, tmp_path):
    from typer.testing import CliRunner

    from voc.cli import _wire, app

    _wire()
    out, _ = full
    r = CliRunner().invoke(app, ["report", str(out), "--out", str(tmp_path / "r.html"), "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["report"] == str(tmp_path / "r.html") and (tmp_path / "r.html").stat().st_size > 100_000
    r = CliRunner().invoke(app, ["report", str(tmp_path / "nope")])
    assert r.exit_code == 2 and "E411" in r.output


def test_report_renders_in_headless_chromium(full, full_report, tmp_path):
    import subprocess

    exe = _chromium()
    path, html = full_report
    url = path.resolve().as_uri()
    dom = subprocess.run([exe, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'u1'}", "--enable-logging=stderr", "--v=0",
                          "--dump-dom", url], capture_output=True, text=True, timeout=180)
    assert dom.returncode == 0, dom.stderr[-2000:]
    console = [line for line in dom.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]
    assert console == [], console                                     # no JS error, no console output at all
    ids = re.findall(r'id="(fig-[a-z]+-\d+)"', html)
    assert len(ids) == 8
    rendered = dom.stdout
    assert rendered.count('class="main-svg"') >= len(ids)            # plotly drew every chart
    for fid in ids:                                                   # ... each into its own div
        start = rendered.index(f'id="{fid}"')
        assert "main-svg" in rendered[start:start + 3000], fid
    shot = tmp_path / "shot.png"
    r = subprocess.run([exe, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'u2'}", "--window-size=1280,2400",
                        f"--screenshot={shot}", url], capture_output=True, text=True, timeout=180)
    assert r.returncode == 0 and shot.exists(), r.stderr[-2000:]
    from PIL import Image

    im = Image.open(shot).convert("RGB")
    assert im.size == (1280, 2400)
    colors = im.resize((320, 600)).getcolors(maxcolors=1_000_000)
    assert colors is not None and len(colors) > 50                   # not a blank page


def test_prediction_warnings_reach_the_report(tmp_path: Path) -> None:
    """A prediction resting on too few journeys (E330–E333 in journey_run.json) is shown in the report's section."""
    from voc.config import ReportConfig
    from voc.report.inputs import ReportInputs
    from voc.report.journey_models import prediction_section

    journey_run = {
        "prediction": {"escalated": {"prefix": 3, "status": "ok", "n_train": 40, "n_test": 10, "roc_auc": 0.7}},
        "warnings": [{"code": "E331", "reason": "only 4 positive journeys in the test split for 'escalated'"},
                     {"code": "E310", "reason": "a journey warning of another section"}],
    }
    sec = prediction_section(ReportInputs(out_dir=tmp_path, journey_run=journey_run), ReportConfig())
    shown = [row[0] for t in sec.tables if t.columns == ["warning"] for row in t.rows]
    assert shown == ["E331: only 4 positive journeys in the test split for 'escalated'"]


def test_every_warning_of_the_run_is_in_the_report(tmp_path: Path) -> None:
    """Nothing silent: each warning of run.json and journey_run.json (a pattern matching nothing, an outcome
    resting on few journeys, a sampled pattern cut) is listed in the report's data-quality section, once."""
    build_full_folder(tmp_path)
    run_path = tmp_path / "run.json"
    run = json.loads(run_path.read_text()) if run_path.is_file() else {}
    run["warnings"] = [
        {"code": "E311", "message": "journey.waiting_states: '*on hold*' matches no event of the log.",
         "fix": "Nearest event names: (none close)."},
        {"code": "E323", "message": "Outcome 'churn' is reached by 8 of 55 journeys, fewer than journey.min_journeys (20).",
         "fix": "Lower journey.min_journeys only if 8 journeys are enough."},
    ]
    run_path.write_text(json.dumps(run))
    journey_run = {"warnings": [
        # the same warning as run.json's first one (journey_run.json words it without the full stop)
        {"code": "E311", "message": "journey.waiting_states: '*on hold*' matches no event of the log",
         "fix": "Nearest event names: (none close)."},
        {"code": "E324", "message": "Outcome 'delivered': for 10 step(s) the Markov model's reach differs.",
         "fix": "Read observed_share."},
    ]}
    (tmp_path / "journey_run.json").write_text(json.dumps(journey_run))
    html = write_report(tmp_path, ReportConfig(min_contacts=5)).read_text(encoding="utf-8")
    quality = html[html.index('<section id="quality">'):]
    assert quality.count("&#39;*on hold*&#39; matches no event") == 1
    for text in ("is reached by 8 of 55 journeys", "for 10 step(s) the Markov model"):
        assert text in quality
    for code in ("E311", "E323", "E324"):
        assert f"<td>{code}</td>" in quality
