"""Issue 12, side doors: broken files full of personal data go through `voc analyze` (the real CLI, real
redactor, report on) and no raw personal-data string appears in any file of the output folder (parquet
contents included, report.html, rejects.jsonl, run.json) nor on the terminal."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from voc.cli import _wire, app

_wire()
runner = CliRunner()

CARD, EMAIL, PHONE = "4111 1111 1111 1111", "maria.garcia@example.com", "(415) 555-0134"
PII = [CARD, "4111111111111111", EMAIL, PHONE, "415-555-0134", "078-05-1121", "john dot doe at gmail dot com",
       "07700 900123", "Müllerstraße 5", "priya", "jdoe_1988", "912803456", "DE89 3704 0044 0532 0130 00",
       "DE89370400440532013000"]

# an SRT that opens with a stray line: the srt parser fails and its message quotes that line (card, e-mail, phone)
BROKEN_SRT = f"""Customer: my card is {CARD}, email {EMAIL}, call {PHONE}
1
00:00:01,000 --> 00:00:04,000
Agent: Thank you for calling, how can I help?

"""
BAD_CSV = f"""id,subject,description,requester_email,status,created_at
201,Refund,"hi this is priya, ssn 078-05-1121, call 07700 900123",{EMAIL},open,2026-03-01T10:00:00Z
202,Moved,"new address Müllerstraße 5, 80331 München; username jdoe_1988",x@example.com,open,not-a-date {EMAIL}
203,Card,"card {CARD} passport number 912803456 iban DE89 3704 0044 0532 0130 00",y@example.com,open,2026-03-02T10:00:00Z,extra {PHONE}
204,Email,"email me: john dot doe at gmail dot com, thanks, priya",z@example.com,open,2026-03-03T10:00:00Z
"""  # noqa: E501  (CSV rows as a help desk writes them)
BROKEN_JSON = '{"tickets": [{"id": 1, "subject": "card ' + CARD + '", "description": "' + EMAIL + ' call ' + PHONE + '", '


@pytest.fixture(scope="module")
def leaky_run(tmp_path_factory):
    d = tmp_path_factory.mktemp("leaky")
    inp = d / "in"
    inp.mkdir()
    (inp / "call.srt").write_text(BROKEN_SRT, encoding="utf-8")
    (inp / "tickets.csv").write_text(BAD_CSV, encoding="utf-8")
    (inp / "broken.json").write_text(BROKEN_JSON, encoding="utf-8")
    (inp / "ok.txt").write_text(f"Agent: Hello\nCustomer: this is priya, reach me at {EMAIL} or {PHONE}\n", encoding="utf-8")
    cfg = d / "cheap.yaml"
    # identifier columns (contacts.email/phone) are kept by default for identity resolution: hash them here,
    # so that every other door is what the test looks at
    cfg.write_text("pipeline: [sentiment]\nsentiment:\n  backend: vader\nredact:\n  identifiers: hash\n", encoding="utf-8")
    out = d / "out"
    res = runner.invoke(app, ["analyze", str(inp), "--out", str(out), "--config", str(cfg), "--no-topics"])
    return res, out


def _all_output_text(out: Path) -> str:
    parts = []
    for p in sorted(out.rglob("*")):
        if not p.is_file():
            continue
        if p.suffix == ".parquet":
            df = pd.read_parquet(p)
            parts.append(df.astype(str).to_csv(index=False))
        else:
            parts.append(p.read_bytes().decode("utf-8", "replace"))
    return "\n".join(parts)


def test_run_succeeds_and_rejects_exist(leaky_run) -> None:
    res, out = leaky_run
    assert res.exit_code == 0, res.output
    rejects = [json.loads(x) for x in (out / "rejects.jsonl").read_text().splitlines()]
    assert rejects, "the broken files must be rejected"
    assert (out / "report.html").exists()


@pytest.mark.parametrize("raw", PII)
def test_no_raw_personal_data_in_any_output_file(leaky_run, raw) -> None:
    res, out = leaky_run
    text = _all_output_text(out)
    assert raw.lower() not in text.lower(), f"{raw!r} leaked into the output folder"


@pytest.mark.parametrize("raw", PII)
def test_no_raw_personal_data_on_the_terminal(leaky_run, raw) -> None:
    res, _ = leaky_run
    assert raw.lower() not in res.output.lower()


def test_rejects_are_redacted_but_keep_their_reason(leaky_run) -> None:
    _, out = leaky_run
    rejects = [json.loads(x) for x in (out / "rejects.jsonl").read_text().splitlines()]
    assert all(r["reason"] and r["fix"] and r["code"] for r in rejects)
    srt = [r for r in rejects if r["file"].endswith("call.srt")]
    # the reason names the problem and where it is; it quotes none of the file's content (which held the PII)
    assert srt and "SRT" in srt[0]["reason"] and "cue" in srt[0]["reason"]
    run = json.loads((out / "run.json").read_text())
    assert run["redaction"]["enabled"] is True
