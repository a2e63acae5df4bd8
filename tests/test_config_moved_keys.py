"""One setting per meaning: ``phone_region`` (was redact.default_region and journey.default_region) and ``batch_size``
(was spark.batch_size beside the local engine's own 512). The old keys are still read, each with warning E108 naming
the new key (terminal, run.json, journey_run.json, the report); old and new keys set to different values are a config
error."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from voc import config as cfg
from voc.component import Batch
from voc.errors import ConfigError
from voc.identifiers import hash_value
from voc.schema import contacts_frame, messages_frame

UK_MOBILE = "07700 900123"        # a UK number written nationally: +447700900123 in GB, no number in US
UK_E164 = "+447700900123"


def codes(config: cfg.VocConfig) -> list[str]:
    return [w["code"] for w in config.warnings()]


@pytest.mark.parametrize("old", ["redact", "journey"])
def test_an_old_region_key_sets_the_one_region_everywhere_with_a_warning(old):
    c = cfg.from_dict({old: {"default_region": "gb"}})
    assert c.phone_region == "GB"
    assert c.redact.default_region == c.journey.default_region == "GB"    # before: only the section that named it
    [w] = c.warnings()
    assert w["code"] == "E108" and w["source"] == "config" and w["level"] == "warning"
    assert f"{old}.default_region" in w["message"] and "phone_region" in w["message"]
    assert "phone_region: GB" in w["fix"]


def test_the_new_keys_give_no_warning_and_are_not_written_twice():
    c = cfg.from_dict({"phone_region": "DE", "batch_size": 64})
    assert c.warnings() == [] and c.redact.default_region == c.journey.default_region == "DE"
    dumped = c.model_dump(mode="json")     # what run.json records: the one key, not the carried copies
    assert dumped["phone_region"] == "DE" and dumped["batch_size"] == 64
    assert "default_region" not in dumped["redact"] and "default_region" not in dumped["journey"]
    assert "batch_size" not in dumped["spark"]
    again = cfg.VocConfig.model_validate_json(c.model_dump_json())     # how Spark workers rebuild it
    assert again.warnings() == [] and again.journey.default_region == "DE" and again.batch_size == 64


@pytest.mark.parametrize("data", [
    {"redact": {"default_region": "GB"}, "journey": {"default_region": "US"}},
    {"phone_region": "GB", "journey": {"default_region": "DE"}},
    {"batch_size": 100, "spark": {"batch_size": 64}},
])
def test_disagreeing_old_and_new_keys_are_a_config_error(data):
    with pytest.raises(ConfigError) as e:
        cfg.from_dict(data)
    assert "disagree" in e.value.cause and ("phone_region" in e.value.cause or "'batch_size'" in e.value.cause)


def test_agreeing_old_and_new_keys_still_warn_about_the_old_one():
    c = cfg.from_dict({"phone_region": "gb", "redact": {"default_region": "GB"}, "journey": {"default_region": "gb"}})
    assert c.phone_region == "GB" and codes(c) == ["E108", "E108"]


def test_a_bad_old_value_names_the_old_key():
    with pytest.raises(ConfigError) as e:
        cfg.from_dict({"redact": {"default_region": "XX"}})
    assert "redact.default_region" in e.value.cause and "XX" in e.value.cause
    with pytest.raises(ConfigError):
        cfg.from_dict({"phone_region": "XX"})
    with pytest.raises(ConfigError):
        cfg.from_dict({"spark": {"batch_size": 0}})


def test_spark_batch_size_is_the_one_batch_size_of_both_engines():
    from voc.engines.local import LocalEngine

    c = cfg.from_dict({"spark": {"batch_size": 64}})
    assert c.batch_size == 64 and codes(c) == ["E108"] and "'batch_size'" in c.warnings()[0]["message"]
    assert LocalEngine(c).batch_size == 64                      # before: the local engine always cut 512
    assert LocalEngine(cfg.from_dict({})).batch_size == cfg.DEFAULT_BATCH_SIZE == 512


def test_redaction_hashing_and_journey_matching_read_phones_in_the_one_region():
    from voc.journey.identity import resolve
    from voc.pipeline.components import build

    c = cfg.from_dict({"phone_region": "GB", "redact": {"identifiers": "hash", "entities": ["PHONE"]}})
    rows = [{"contact_id": "k1", "channel": "ticket", "phone": UK_MOBILE}]
    batch = build("redact", c)(Batch(contacts=contacts_frame(rows), messages=messages_frame([])))
    assert batch.contacts["phone"].iloc[0] == hash_value(UK_E164)
    contacts = pd.DataFrame({"contact_id": ["k"], "customer_id": [None], "phone": [UK_MOBILE]})
    imap = pd.DataFrame({"customer_id": ["CUST"], "phone": ["+44 7700 900123"]})
    assert resolve(contacts, c.journey, imap).identity["customer_id"].iloc[0] == "CUST"


def test_config_show_prints_the_warning_and_the_one_key(tmp_path):
    from voc.cli import _wire, app

    _wire()
    y = tmp_path / "c.yaml"
    y.write_text("journey:\n  default_region: GB\n")
    res = CliRunner().invoke(app, ["config", "show", "-c", str(y), "--no-descriptions"])
    assert res.exit_code == 0, res.output
    assert "E108" in res.output and "journey.default_region" in res.output
    assert "phone_region: GB" in res.stdout and "default_region:" not in res.stdout    # the YAML: the one key


@pytest.mark.slow
def test_deprecation_reaches_run_json_journey_run_json_and_the_report(tmp_path, root: Path):
    from voc.cli import _wire, app
    from voc.enrich.rows import phone_region

    _wire()
    y = tmp_path / "c.yaml"
    y.write_text("pipeline: [redact]\ntrends: {enabled: false}\nredact: {default_region: GB}\n"
                 "journey: {predict: {enabled: false}, segments: {enabled: false}, unusual: {enabled: false}}\n")
    out = tmp_path / "o"
    runner = CliRunner()
    res = runner.invoke(app, ["analyze", str(root / "fixtures" / "transcripts" / "zendesk"), "--out", str(out),
                              "--config", str(y), "--no-topics"])
    assert res.exit_code == 0, res.output
    assert "E108" in res.output                                               # the terminal
    run = json.loads((out / "run.json").read_text())
    assert [w["code"] for w in run["warnings"]].count("E108") == 1            # run.json
    assert run["config"]["phone_region"] == "GB" and phone_region(out) == "GB"  # what the CDP hashes phones in
    assert "E108" in (out / "report.html").read_text()                        # the report
    res = runner.invoke(app, ["journeys", str(root / "fixtures" / "events" / "web_events.csv"), "--contacts", str(out),
                              "--out", str(out), "--config", str(y)])
    assert res.exit_code == 0, res.output
    journey_run = json.loads((out / "journey_run.json").read_text())
    assert [w["code"] for w in journey_run["warnings"]].count("E108") == 1
    assert "E108" in (out / "report.html").read_text()
