"""Config and CLI mistakes are coded errors a person can act on (issue 9, point 4): every config mistake
at once with its YAML line and a did-you-mean, unreadable files, roles, and options that would be ignored."""
from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel
from typer.testing import CliRunner

from voc import config as cfg
from voc.cli import _wire, app
from voc.errors import ConfigError

_wire()
runner = CliRunner()


def _show(path: Path):
    return runner.invoke(app, ["config", "show", "--config", str(path)])


def _text(res) -> str:
    """The output with the terminal's line wrapping undone."""
    return " ".join(res.output.split())


def _no_traceback(res) -> None:
    assert "Traceback" not in res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)


def test_every_mistake_is_listed_with_its_line_and_a_suggestion(tmp_path: Path) -> None:
    c = tmp_path / "c.yaml"
    c.write_text("redact:\n"
                 "  entites: [EMAIL]\n"             # line 2: misspelt key
                 "topics:\n"
                 "  min_topic_sise: 5\n"            # line 4: misspelt key
                 "  nr_topics: 1\n"                 # line 5: out of range
                 "sentiment:\n"
                 "  aggregate: length_weigted\n"    # line 7: misspelt choice
                 "repot:\n"                         # line 8: misspelt section
                 "  title: x\n", encoding="utf-8")
    res = _show(c)
    assert res.exit_code == 2 and "E105" in _text(res) and "5 mistakes" in _text(res), res.output
    flat = " ".join(res.output.split())
    for line, key, hint in ((2, "redact.entites", "did you mean 'redact.entities'?"),
                            (4, "topics.min_topic_sise", "did you mean 'topics.min_topic_size'?"),
                            (5, "topics.nr_topics", "greater than or equal to 2"),
                            (7, "sentiment.aggregate", "did you mean 'length_weighted'?"),
                            (8, "repot", "did you mean 'report'?")):
        assert f"c.yaml line {line}: {key}: " in flat and hint in flat, (key, flat)
    _no_traceback(res)


def test_one_mistake_names_key_and_line() -> None:
    with pytest.raises(ConfigError) as e:
        cfg.from_dict({"topics": {"min_topic_size": 1}}, lines={("topics", "min_topic_size"): 9}, source="p.yaml")
    assert e.value.code == "E102" and "p.yaml line 9: topics.min_topic_size" in e.value.cause


def test_yaml_syntax_error_gives_the_line(tmp_path: Path) -> None:
    c = tmp_path / "c.yaml"
    c.write_text("topics:\n  enabled: true\n  stop_words: [acme\n  nr_topics: 3\n", encoding="utf-8")
    res = _show(c)
    assert res.exit_code == 2 and "E101" in _text(res) and "line 4" in _text(res), res.output


def test_config_not_utf8_is_a_coded_error(tmp_path: Path) -> None:
    c = tmp_path / "c.yaml"
    c.write_bytes("report:\n  title: Café\n".encode("latin-1"))
    res = _show(c)
    assert res.exit_code == 2 and "E101" in _text(res) and "UTF-8" in _text(res) and "line 2" in _text(res), res.output
    _no_traceback(res)


@pytest.mark.parametrize("text", ["a: " + "[" * 5000 + "]" * 5000,
                                  "".join(" " * i + f"k{i}:\n" for i in range(2500))],
                         ids=["flow", "block"])
def test_deeply_nested_config_is_a_coded_error(tmp_path: Path, text: str) -> None:
    c = tmp_path / "c.yaml"
    c.write_text(text, encoding="utf-8")
    res = _show(c)
    assert res.exit_code == 2 and "E101" in _text(res) and "nested more than" in _text(res), res.output
    _no_traceback(res)


@pytest.mark.parametrize("value", ["lots", "100", "10KB", "150%", "1GB'; SET threads=1; --"])
def test_invalid_duckdb_memory_limit_is_a_config_error(value: str) -> None:
    with pytest.raises(ConfigError) as e:
        cfg.from_dict({"journey": {"duckdb_memory_limit": value}})
    assert e.value.code == "E102" and "journey.duckdb_memory_limit" in e.value.cause


@pytest.mark.parametrize("value", ["2GB", "512MB", "1.5GiB", "4 GB", "50%"])
def test_valid_duckdb_memory_limits_are_accepted_by_duckdb(value: str) -> None:
    import duckdb

    cfg.from_dict({"journey": {"duckdb_memory_limit": value}})
    duckdb.connect().execute(f"SET memory_limit = '{value}'")


def test_unknown_journey_column_role_is_an_error_with_a_suggestion() -> None:
    with pytest.raises(ConfigError) as e:
        cfg.from_dict({"journey": {"columns": {"custmer_id": "cid", "event": "activity"}}})
    assert "journey.columns.custmer_id" in e.value.cause and "did you mean 'customer_id'?" in e.value.cause
    ok = cfg.from_dict({"journey": {"columns": {"actor": "resource", "customer_id": "cid"}}})
    assert ok.journey.columns == {"actor": "resource", "customer_id": "cid"}


def test_every_role_the_event_readers_know_can_be_configured() -> None:
    from voc.journey.columns import ROLES

    assert set(ROLES) <= set(cfg.JOURNEY_COLUMN_ROLES)


def _undocumented(model: type[BaseModel], prefix: str = "") -> list[str]:
    out = []
    for name, field in model.model_fields.items():
        if not (field.description or "").strip():
            out.append(prefix + name)
        sub = field.annotation
        if isinstance(sub, type) and issubclass(sub, BaseModel):
            out += _undocumented(sub, f"{prefix}{name}.")
    return out


def test_every_config_key_has_a_description() -> None:
    assert _undocumented(cfg.VocConfig) == []


def test_config_show_prints_each_description_and_reads_back(tmp_path: Path) -> None:
    res = runner.invoke(app, ["config", "show"])
    assert res.exit_code == 0, res.output
    assert "repeat_window_days: 7" in res.stdout
    flat = " ".join(line.strip().lstrip("# ") for line in res.stdout.splitlines())
    desc = cfg.JourneyConfig.model_fields["pattern_outcomes"].description
    assert " ".join(desc.split()) in flat
    out = tmp_path / "shown.yaml"
    out.write_text(res.stdout, encoding="utf-8")
    assert cfg.load(out) == cfg.VocConfig()          # the printout is itself a valid config


def test_report_on_a_folder_without_voc_outputs(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    res = runner.invoke(app, ["report", str(tmp_path)])
    assert res.exit_code == 2 and "E411" in _text(res) and "no voc outputs" in _text(res), res.output
    assert not (tmp_path / "report.html").exists()
    res = runner.invoke(app, ["report", str(tmp_path / "missing")])
    assert res.exit_code == 2 and "E411" in _text(res) and "does not exist" in _text(res)


def test_wrong_events_path_is_described_as_an_event_log(tmp_path: Path, fixtures_dir: Path) -> None:
    missing = tmp_path / "events.csv"
    for args in (["analyze", str(fixtures_dir), "--out", str(tmp_path / "o"), "--events", str(missing)],
                 ["journeys", str(missing), "--out", str(tmp_path / "o")]):
        res = runner.invoke(app, args)
        assert res.exit_code == 2 and "E315" in _text(res) and "Event log" in _text(res), res.output
        assert "help-desk" not in _text(res)
    assert not (tmp_path / "o").exists()             # checked before the long text pipeline runs


def test_intents_without_an_intent_step_is_an_error(tmp_path: Path, fixtures_dir: Path) -> None:
    c = tmp_path / "c.yaml"
    c.write_text("pipeline: [embed, sentiment]\n", encoding="utf-8")
    res = runner.invoke(app, ["analyze", str(fixtures_dir), "--config", str(c), "--intents", str(tmp_path / "m"),
                              "--out", str(tmp_path / "o")])
    assert res.exit_code == 2 and "E106" in _text(res) and "--intents" in _text(res), res.output
