"""Issue 12: each leak and each over-redaction the issue names, as a test (all failed before the change)."""
from __future__ import annotations

import json
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from voc import config as cfg
from voc.config import RedactConfig
from voc.errors import ConfigError
from voc.redact.guard import redact_records, terminal_safe
from voc.redact.redactor import Redactor


@pytest.fixture(scope="module")
def red() -> Redactor:
    return Redactor(RedactConfig(company_names=["Northwind"]))


def _left(red: Redactor, text: str) -> str:
    return red.redact(text).text


# ---- leaks -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, secret", [
    ("hi this is maria garcia, my order never arrived", "maria garcia"),
    ("ok thanks, priya", "priya"),
    ("Kind regards,\nahmed al-farsi", "al-farsi"),
    ("Hello, my name is Иван Петров", "Иван Петров"),
    ("Customer 王伟 (VIP) asked for a refund", "王伟"),
    ("Bonjour, je m'appelle Chloé Dubois", "Chloé Dubois"),
    ("email me at john dot doe at gmail dot com", "john dot doe"),
    ("email me at john.doe[at]gmail.com", "john.doe"),
    ("email me at john.doe(at)gmail.com", "john.doe"),
    ("call me on 0044 20 7946 0958", "7946 0958"),
    ("my mobile is 07700 900123", "900123"),
    ("my number is four one five five five five zero one three four", "zero one three four"),
    ("my ssn is 123-45-6789", "123-45-6789"),
    ("date of birth 12/03/1985", "12/03/1985"),
    ("I moved to 5 Rue des Lilas, 75019 Paris", "Rue des Lilas"),
    ("new address: Müllerstraße 5, 80331 München", "Müllerstraße 5"),
    ("ship to 1600 Pennsylvania Avenue NW, Washington, DC 20500", "1600 Pennsylvania"),
    ("my postcode is SW1A 1AA", "SW1A 1AA"),
    ("login from 203.0.113.42 failed", "203.0.113.42"),
    ("my username is jdoe_1988", "jdoe_1988"),
    ("passport number 912803456", "912803456"),
    ("driving licence MORGA753116SM9IJ", "MORGA753116SM9IJ"),
    ("card 4111 1111 1111 1111 cvv 123", "cvv 123"),
])
def test_named_leaks_are_redacted(red, text, secret) -> None:
    assert secret not in _left(red, text)


def test_passport_number_is_not_split_into_a_phone(red) -> None:
    out = _left(red, "passport number X12345678 please")
    assert "[PHONE]" not in out and "X1" not in out and "[PASSPORT]" in out


# ---- over-redaction ----------------------------------------------------------------------------------
@pytest.mark.parametrize("text, kept", [
    ("I paid with Apple Pay on my Google Pixel", "Apple Pay"),
    ("I paid with Apple Pay on my Google Pixel", "Google Pixel"),
    ("The Dr. Bronner's soap bottle leaked", "Dr. Bronner's"),
    ("dzień dobry, mieszkam w Warszawa, zamówienie 12345", "Warszawa"),
    ("I work as a Baker so I can only call after 6", "Baker"),
    ("Thanks for contacting Northwind! How can I help?", "Northwind"),
    ("Die Adresse hat sich geändert, bitte aktualisieren.", "Adresse"),
    ("Your Intercom conversation id is 215468899271234", "215468899271234"),
    ("order 112-4567890-1234567 of $1,234.56, invoice INV-2024-00123", "112-4567890-1234567"),
    ("tracking number is 9400 1000 0000 0000 0000 00", "9400 1000 0000 0000 0000 00"),
    ("I ordered on 12/03/2024 and it arrived 03/15/2024", "12/03/2024"),
])
def test_named_over_redactions_survive(red, text, kept) -> None:
    assert kept in _left(red, text)


# ---- redaction is off only with the flag ---------------------------------------------------------
def test_config_file_cannot_turn_redaction_off(tmp_path: Path) -> None:
    p = tmp_path / "c.yaml"
    p.write_text("redact:\n  enabled: false\n", encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        cfg.load(p)
    assert e.value.code == "E107"
    assert cfg.load(None, {"redact.enabled": False}).redact.enabled is False     # the flag's path


def test_cli_rejects_enabled_false_in_config(tmp_path: Path, fixtures_dir: Path) -> None:
    from voc.cli import _wire, app

    _wire()
    p = tmp_path / "c.yaml"
    p.write_text("redact:\n  enabled: false\n", encoding="utf-8")
    res = CliRunner().invoke(app, ["analyze", str(fixtures_dir / "zendesk"), "--out", str(tmp_path / "o"), "--config", str(p)])
    assert res.exit_code == 2 and "E107" in res.output and "--no-redact" in res.output


def test_no_redact_flag_warns_in_terminal_run_json_and_report(tmp_path: Path, fixtures_dir: Path) -> None:
    from voc.cli import _wire, app

    _wire()
    c = tmp_path / "cheap.yaml"
    c.write_text("pipeline: [sentiment]\nsentiment:\n  backend: vader\n", encoding="utf-8")
    out = tmp_path / "o"
    res = CliRunner().invoke(app, ["analyze", str(fixtures_dir / "zendesk"), "--out", str(out), "--config", str(c),
                                   "--no-redact", "--no-topics"])
    assert res.exit_code == 0, res.output
    assert res.output.count("redaction is OFF") >= 2            # at the start and after the summary
    run = json.loads((out / "run.json").read_text())
    assert run["redaction"]["enabled"] is False and "OFF" in run["redaction"]["warning"]
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Redaction OFF" in html


def test_rejects_pass_through_unchanged_only_when_redaction_is_off() -> None:
    rows = [{"reason": "bad line: call (415) 555-0134", "fix": "x", "location": "line 3"}]
    assert "[PHONE]" in redact_records(rows, RedactConfig())[0]["reason"]
    assert redact_records(rows, RedactConfig(enabled=False)) == rows


# ---- terminal ---------------------------------------------------------------------------------
@pytest.mark.parametrize("raw", ["\x1b[2J\x1b[Hcleared", "label\x07bell", "\x1b]0;title\x07x", "a\rb", "[bold]x[/bold]",
                                 "\x9b31mred"])
def test_terminal_safe_neutralises_control_sequences(raw) -> None:
    from rich.console import Console

    safe = terminal_safe(raw)
    assert not any(ord(c) < 32 and c not in "\n\t" or 0x7f <= ord(c) <= 0x9f for c in safe)
    console = Console(record=True, width=200, force_terminal=False)
    console.print(safe)
    assert "\x1b" not in console.export_text()


def test_log_lines_are_redacted_and_safe(caplog) -> None:
    import logging

    from voc.redact.guard import install_log_filter

    flt = install_log_filter()          # on the root handlers: here pytest's capture handler
    try:
        with caplog.at_level(logging.WARNING):
            logging.getLogger("voc.nlp.topics.component").warning("could not read '%s'\x1b[2J",
                                                                  "call (415) 555-0134 or maria@example.com")
        err = caplog.text
        assert "555-0134" not in err and "maria@example.com" not in err and "\x1b" not in err
        assert "[PHONE]" in err and "[EMAIL]" in err
    finally:
        for h in list(logging.getLogger().handlers) + [logging.lastResort]:
            if h is not None and flt in h.filters:
                h.removeFilter(flt)


def test_summary_table_neutralises_escapes_in_labels(tmp_path: Path) -> None:
    from rich.console import Console

    from voc.report import summary_table

    out = tmp_path / "o"
    out.mkdir()
    (out / "run.json").write_text(json.dumps({"counts": {}}), encoding="utf-8")
    import pandas as pd

    pd.DataFrame({"contact_id": ["1", "2"], "channel": ["chat\x1b[31m", "chat\x1b[31m"],
                  "intent": ["refund\x1b[2J", "refund\x1b[2J"]}
                 ).to_parquet(out / "contacts.parquet")
    console = Console(record=True, width=200, force_terminal=True)
    console.print(summary_table(out))
    raw = console.export_text(styles=False)
    assert "\x1b[2J" not in raw and "\x1b[31m" not in raw and "\\x1b[2J" in raw


def test_topics_show_prints_no_raw_personal_data_nor_escapes(tmp_path: Path) -> None:
    import pandas as pd

    from voc.cli import _wire, app

    _wire()
    out = tmp_path / "o"
    out.mkdir()
    pd.DataFrame({
        "topic_id": [0], "label": ["delivery \x1b[2J address"], "size": [3], "share": [1.0],
        "keywords": [["delivery", "muellerstrasse", "address"]],
        "representative_docs": [["please send it to Müllerstraße 5, 80331 München or mail maria@example.com"]],
    }).to_parquet(out / "topics.parquet")
    res = CliRunner().invoke(app, ["topics", "show", str(out), "--docs", "1"])
    assert res.exit_code == 0, res.output
    assert "Müllerstraße 5" not in res.output and "maria@example.com" not in res.output
    assert "[ADDRESS]" in res.output and "\x1b[2J" not in res.output


@pytest.mark.parametrize("text, card", [
    ("Your conversation id is 628676043135796", None),            # passes Luhn and a UnionPay prefix
    ("tracking number is 9400 6627 6227 8849 9355 20", None),       # a Luhn-valid card hides inside
    ("Bitte die Bestellung 355-1684991-7083126 prüfen", None),
    ("order 4111 1111 1111 1111 was paid", "4111 1111 1111 1111"),  # grouped like a card: a card, whatever the cue
    ("ID 4000000000000002", "4000000000000002"),
])
def test_identifiers_that_pass_luhn_are_not_cards(text, card) -> None:
    from voc.redact.patterns import find_cards

    assert [text[s.start:s.end] for s in find_cards(text)] == ([card] if card else [])


def test_a_cue_belongs_to_the_first_number_so_a_second_pass_changes_nothing() -> None:
    # found by the hypothesis idempotence test: on the second pass the placeholders are shorter than the
    # numbers, the phone cue came within reach of the bare '0000000000' and redacted it
    r = Redactor(RedactConfig(entities=["EMAIL", "PHONE", "CARD", "IBAN"]))
    once = r.redact("call me 3348917502 A A AAAA 415-555-0134 0000000000").text
    assert once == "call me [PHONE] A A AAAA [PHONE] 0000000000"
    assert r.redact(once).text == once


# ---- idempotence over the new entities and name cues ------------------------------------------------
_fragments = st.one_of(
    st.text(string.ascii_letters, min_size=1, max_size=8), st.text(string.digits, min_size=1, max_size=5),
    st.sampled_from(["cvv 123", "456", "born 12/03/1985", "12/04/1990", "ssn 123-45-6789", "passport number C01X00T47",
                     "X12345678", "username is jdoe_88", "@maria", "5 Rue des Lilas, 75019 Paris", "Müllerstraße 5",
                     "zip code 94107", "SW1A 1AA", "call me 3348917502", "07700 900123", "0044 20 7946 0958",
                     "john dot doe at gmail dot com", "x[at]web.de", "four one five five five five zero one three four",
                     "licence D1234567", "1600 Pennsylvania Avenue NW, Washington, DC 20500", "order", "tracking number",
                     "4111 1111 1111 1111", "DE89 3704 0044 0532 0130 00", "203.0.113.42", "[PHONE]", "[CVV]",
                     "hi this is maria garcia", "thanks, priya", "Kind regards,\nJohn Smith", "my name is Иван Петров",
                     "Customer Jane Doe (", "I paid with Apple Pay", "Hi Lidia,", "Northwind", "Dr. Bronner's", "a Baker"]),
    st.sampled_from([",", ".", ":", "(", ")", "\n", "-", "?"]))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.lists(_fragments, max_size=20).map(" ".join))
def test_redaction_with_new_entities_and_name_cues_is_idempotent(red, text) -> None:
    # the statistical model is left out (ner=False): its answer on redacted text may differ (see redactor.py)
    once = red.redact_many([text], ner=False)[0].text
    assert red.redact_many([once], ner=False)[0].text == once
