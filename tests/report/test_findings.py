"""Findings from every signal (voc.report.findings), the taxonomy-fit verdict (voc.report.taxonomy_fit) and
the one list that run.json, --json and report.html carry (voc.report.findings_store)."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from markupsafe import escape

from voc import datasets
from voc.config import ReportConfig
from voc.report import findings as F
from voc.report import findings_store, summary_dict, write_report
from voc.report.taxonomy_fit import taxonomy_fit
from voc.schema import contacts_frame, messages_frame

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def _frame(groups: list[tuple[str, str, int, int]], background: tuple[int, int]) -> pd.DataFrame:
    """Per-contact frame: (dimension, value, n, negatives) cells plus a background of (n, negatives)
    contacts in neither cell."""
    rows = []
    k = 0
    for dim, value, n, neg in groups + [("intent", "other", *background)]:
        for i in range(n):
            k += 1
            rows.append({"contact_id": f"c{k}", "intent": value if dim == "intent" else "other",
                         "topic": value if dim == "topic" else None, "negative": i < neg})
    f = pd.DataFrame(rows)
    f["negative"] = f["negative"].astype("boolean")
    return f


def test_high_volume_strongly_elevated_cell_outranks_small_or_insignificant_ones():
    # overall 399 of 1832 (22%) negative. big: 300 contacts at 60%; small: 12 at 100% (significant, few excess contacts);
    # noisy: 20 at 35% (elevated but not significant)
    frame = _frame([("intent", "big", 300, 180), ("intent", "small", 12, 12), ("intent", "noisy", 20, 7)],
                   background=(1500, 200))
    found = F.find(frame, settings=F.FindingSettings(min_contacts=10))
    values = found["value"].tolist()
    assert values[0] == "big"
    assert "small" in values and values.index("small") > values.index("big")
    assert "noisy" not in values                                  # q > 0.05: not a finding
    big = found.iloc[0]
    overall = 399 / 1832
    assert big["n"] == 300 and big["rate"] == pytest.approx(0.6) and big["overall"] == pytest.approx(overall)
    assert big["excess"] == pytest.approx(300 * (0.6 - overall))
    assert big["lift"] == pytest.approx(0.6 / overall) and big["q_value"] < 1e-10
    # the p-value is Fisher's exact test, one-sided, of the cell against the rest
    from scipy.stats import fisher_exact

    p = fisher_exact([[180, 120], [399 - 180, 1832 - 300 - (399 - 180)]], alternative="greater")[1]
    assert big["p_value"] == pytest.approx(p, rel=1e-6)


def test_below_min_volume_is_no_finding_however_extreme():
    frame = _frame([("intent", "tiny", 6, 6)], background=(600, 60))
    assert F.find(frame, settings=F.FindingSettings(min_contacts=10)).empty
    assert F.find(frame, settings=F.FindingSettings(min_contacts=5))["value"].tolist() == ["tiny"]


def test_topic_and_intent_with_the_same_contacts_are_one_finding():
    frame = _frame([("intent", "refund", 120, 90)], background=(800, 100))
    # the topic 'money back' holds the refund contacts and 10 more: Jaccard 120/130 >= 0.5
    frame.loc[frame["intent"] == "refund", "topic"] = "money back"
    frame.loc[frame.index[-10:], "topic"] = "money back"
    # an unrelated topic on other contacts, also elevated: stays its own finding
    other = frame.index[(frame["intent"] == "other")][:60]
    frame.loc[other, "topic"] = "app crash"
    frame.loc[other, "negative"] = True
    found = F.find(frame, settings=F.FindingSettings(min_contacts=10))
    neg = found[found["outcome"] == "negative_share"]
    assert len(neg) == 2, neg[["dimension", "value"]]
    first = neg.iloc[0]
    folded = {(a["dimension"], a["value"]) for a in first["also"]}
    assert {(first["dimension"], first["value"])} | folded == {("intent", "refund"), ("topic", "money back")}
    assert first["also"][0]["jaccard"] == pytest.approx(120 / 130, abs=1e-3)
    assert neg.iloc[1]["value"] == "app crash" and neg.iloc[1]["also"] == []
    # with a stricter overlap threshold they are two findings
    strict = F.find(frame, settings=F.FindingSettings(min_contacts=10, jaccard=0.95))
    assert len(strict[strict["outcome"] == "negative_share"]) == 3


def test_alerts_rank_on_the_same_scale_and_intents_can_be_left_out():
    frame = _frame([("intent", "big", 200, 120)], background=(1000, 100))
    alerts = [{"alert_id": "A1", "metric": "volume", "dimension": "topic", "value": "lost bags", "period": "2026-W10",
               "observed": 400, "expected": 100, "n": 400, "p_value": 1e-20, "q_value": 1e-18,
               "sentence": "lost bags: 400 contacts, 4.0x expected", "contact_ids": ["x1", "x2"]},
              {"alert_id": "A2", "metric": "volume", "dimension": "intent", "value": "big", "period": "2026-W10",
               "observed": 30, "expected": 10, "n": 30, "p_value": 1e-5, "q_value": 1e-4, "sentence": "", "contact_ids": []}]
    found = F.find(frame, alerts, F.FindingSettings(min_contacts=10))
    assert found["dimension"].tolist()[0] == "alert" and found.iloc[0]["excess"] == 300   # 300 > 200 x (0.6 - 0.18)
    assert set(found["value"]) == {"lost bags", "big"}
    off = F.find(frame, alerts, F.FindingSettings(min_contacts=10, include_intents=False))
    assert off["value"].tolist() == ["lost bags"]                  # neither the intent cell nor the intent alert


def _contacts(n: int, unknown_share: float, *, seed: int = 3) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Contacts whose intents are 'unknown' for ``unknown_share`` of them; topics always present, and
    the 'bags' topic (and the 'complaint' intent, where known) much more negative than the rest."""
    rng = np.random.default_rng(seed)
    crow, mrow = [], []
    for i in range(n):
        topic = ["bags · luggage · lost", "seat · upgrade · class", "refund · fare · cancel"][i % 3]
        known = rng.random() >= unknown_share
        neg = rng.random() < (0.7 if topic.startswith("bags") else 0.15)
        intent = ("complaint" if topic.startswith("bags") else "order_status") if known else "unknown"
        cid = f"T{i:05d}"
        t = T0 + timedelta(hours=int(rng.integers(0, 24 * 50)))
        crow.append(dict(contact_id=cid, channel=["chat", "email"][i % 2], customer_id=f"U{int(rng.integers(0, n // 2)):04d}",
                         created_at=t, source_file="x.csv", source_record=f"line {i}", intent=intent,
                         intent_confidence=float(rng.uniform(0.5, 0.7) if known else rng.uniform(0.1, 0.34)),
                         sentiment="negative" if neg else "neutral", sentiment_score=-0.6 if neg else 0.1,
                         topic_id=i % 3, topic_label=topic))
        mrow.append(dict(contact_id=cid, seq=0, role="customer",
                         text=f"my bag never arrived on flight {i}, reach me at [EMAIL]" if topic.startswith("bags")
                         else f"question number {i} about my booking", sentiment_score=-0.6 if neg else 0.1))
    contacts = contacts_frame(crow)
    for col in ("intent", "sentiment", "topic_label"):
        contacts[col] = [r[col] for r in crow]
    for col in ("intent_confidence", "sentiment_score", "topic_id"):
        contacts[col] = [r[col] for r in crow]
    messages = messages_frame(mrow)
    messages["sentiment_score"] = [r["sentiment_score"] for r in mrow]
    return contacts, messages


def _folder(out: Path, unknown_share: float, n: int = 600) -> Path:
    contacts, messages = _contacts(n, unknown_share)
    datasets.write_table(contacts, datasets.table_path(out, "contacts", "parquet"), dataset="contacts")
    datasets.write_table(messages, datasets.table_path(out, "messages", "parquet"), dataset="messages")
    datasets.write_json({"input": "x.csv", "config": {"report": {"min_contacts": 10}}}, out / "run.json", dataset="run")
    return out


def test_taxonomy_fit_verdict_on_many_and_few_unknown_intents():
    many, _ = _contacts(600, 0.7)
    few, _ = _contacts(600, 0.1)
    bad, good = taxonomy_fit(many), taxonomy_fit(few)
    assert bad["fits"] is False and bad["unknown_share"] == pytest.approx((many["intent"] == "unknown").mean())
    assert good["fits"] is True and good["reasons"] == []
    # low confidence alone also says it does not fit
    low = few.assign(intent_confidence=0.2)
    assert taxonomy_fit(low, min_confidence=0.4)["fits"] is False
    assert taxonomy_fit(few.drop(columns=["intent"]))["fits"] is None          # nothing to judge


@pytest.mark.parametrize("unknown_share,fits", [(0.7, False), (0.1, True)])
def test_taxonomy_fit_warning_reaches_run_json_terminal_and_report(tmp_path, unknown_share, fits):
    out = _folder(tmp_path, unknown_share)
    block = findings_store.refresh(out)
    run = json.loads((out / "run.json").read_text())
    codes = [w["code"] for w in run.get("warnings", [])]
    assert block["taxonomy_fit"]["fits"] is fits and ("E412" in codes) is (not fits)
    signals = {f["signal"] for f in block["items"]}
    assert "topic" in signals or any(a["dimension"] == "topic" for f in block["items"] for a in f["also"])
    if not fits:
        assert "intent" not in signals and not any(a["dimension"] == "intent" for f in block["items"] for a in f["also"])
    html = write_report(out, ReportConfig()).read_text()
    assert ("The intent taxonomy does not fit this data" in html) is (not fits)
    assert ("voc intents suggest" in html) is (not fits)
    # topics lead when the taxonomy does not fit: the topic section comes before the intent section
    assert (html.index('id="topics"') < html.index('id="intent"')) is (not fits)
    import io

    from rich.console import Console

    from voc.report import summary_table

    con = Console(width=250, record=True, file=io.StringIO())
    con.print(summary_table(out))
    text = con.export_text()
    assert ("does not fit this data" in text) is (not fits)
    assert ("top topics" in text) is (not fits) and ("top intents" in text) is fits   # intents not headlined
    # refreshing twice keeps one warning
    findings_store.refresh(out)
    assert [w["code"] for w in json.loads((out / "run.json").read_text())["warnings"]].count("E412") == (0 if fits else 1)


def test_findings_identical_in_run_json_json_summary_and_report(tmp_path):
    out = _folder(tmp_path, 0.1)
    stored = findings_store.refresh(out)["items"]
    assert stored, "the planted negative topic must be a finding"
    assert json.loads(json.dumps(stored)) == stored                               # JSON-ready
    assert summary_dict(out)["findings"] == stored
    html = write_report(out, ReportConfig()).read_text()
    act = html[html.index('id="act"'):html.index("</section>", html.index('id="act"'))]
    positions = [act.index(str(escape(f["title"]))) for f in stored]
    assert positions == sorted(positions)                                          # same items, same order
    top = stored[0]
    ev = top["evidence"]
    assert set(ev) >= {"n", "hits", "rate", "overall", "lift", "excess", "p_value", "q_value"}
    assert ev["rate"] == pytest.approx(ev["hits"] / ev["n"]) and ev["q_value"] <= 0.05
    assert 1 <= len(top["quotes"]) <= 2 and "[EMAIL]" in top["quotes"][0]["text"]  # redacted text, as stored
    # a folder whose tables changed since: recomputed on load, not the stale list
    c = pd.read_parquet(out / "contacts.parquet")
    c["sentiment"] = "neutral"
    datasets.write_table(c, out / "contacts.parquet", dataset="contacts")
    from voc.report.inputs import load_inputs

    assert findings_store.load(load_inputs(out))["items"] == []


def test_event_logs_without_contacts_list_friction_kinds_by_journeys(tmp_path):
    fr = pd.DataFrame({"journey_id": ["j1", "j1", "j2", "j3", "j3", "j4"],
                       "kind": ["long_wait", "loop", "long_wait", "long_wait", "long_wait", "loop"],
                       "contact_id": [None] * 6, "severity": [0.5] * 6})
    jn = pd.DataFrame({"journey_id": [f"j{i}" for i in range(1, 11)], "friction_score": [10.0] * 10})
    datasets.write_table(fr, datasets.table_path(tmp_path, "friction", "parquet"), dataset="friction")
    datasets.write_table(jn, datasets.table_path(tmp_path, "journeys", "parquet"), dataset="journeys")
    found = summary_dict(tmp_path)["findings"]
    assert [(f["value"], f["evidence"]["hits"], f["evidence"]["n"]) for f in found] == [("long_wait", 3, 10), ("loop", 2, 10)]
    html = write_report(tmp_path, ReportConfig()).read_text()
    assert "Friction: long wait" in html and "3 of 10 journeys" in html and "No finding stands out" not in html


@pytest.mark.slow
def test_end_to_end_on_the_fixtures(tmp_path, fixtures_dir):
    """`voc analyze fixtures/transcripts --json`: run.json holds the findings and the taxonomy verdict, --json
    carries the same list, the report renders it (about a minute: embeddings, intents, sentiment, topics)."""
    from typer.testing import CliRunner

    from voc.cli import _wire, app

    _wire()
    out = tmp_path / "out"
    r = CliRunner().invoke(app, ["analyze", str(fixtures_dir), "--out", str(out), "--json"])
    assert r.exit_code == 0, r.output[-3000:]
    summary = json.loads(r.stdout[r.stdout.index("{"):])
    run = json.loads((out / "run.json").read_text())
    assert summary["findings"] == run["findings"]["items"]
    assert run["findings"]["taxonomy_fit"]["fits"] is True              # the fixtures are e-commerce support
    assert run["findings"]["taxonomy_fit"]["unknown_share"] < 0.4
    html = (out / "report.html").read_text()
    for f in run["findings"]["items"]:
        assert str(escape(f["title"])) in html
    assert "Topics: what contacts are about" not in html and 'id="topics"' in html


def test_a_friction_kind_defined_by_the_outcome_is_no_finding():
    # 'negative end' friction is a conversation that ends negative: its contacts being negative is circular
    n = 200
    contacts = pd.DataFrame({"contact_id": [f"c{i}" for i in range(n)], "intent": ["x"] * n,
                             "channel": ["chat"] * n,
                             "sentiment": ["negative" if i < 60 else "neutral" for i in range(n)]})
    friction = pd.DataFrame({"contact_id": [f"c{i}" for i in range(50)] + [f"c{i}" for i in range(100, 150)],
                             "kind": ["negative_end"] * 50 + ["loop"] * 50})
    cands = F.candidates(F.contact_frame(contacts, friction=friction), min_contacts=5)
    cells = set(zip(cands["dimension"], cands["value"], cands["outcome"]))
    assert ("friction_kind", "negative_end", "negative_share") not in cells
    assert ("friction_kind", "loop", "negative_share") in cells   # other kinds are still tested against it
