"""`--help` of every command, at 80 columns, names types a person understands."""
from __future__ import annotations

import pytest
import typer
from typer.testing import CliRunner

from voc.cli import _wire, app

_wire()


def _commands() -> list[list[str]]:
    root = typer.main.get_command(app)
    out: list[list[str]] = [[]]

    def walk(cmd: object, path: list[str]) -> None:
        for name, sub in (getattr(cmd, "commands", None) or {}).items():   # Typer 0.29 groups are not click.Group
            out.append(path + [name])
            walk(sub, path + [name])

    walk(root, [])
    return out


COMMANDS = _commands()


def test_every_command_is_checked() -> None:
    assert ["analyze"] in COMMANDS and ["journeys"] in COMMANDS and ["config", "show"] in COMMANDS


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "voc")
def test_help_reads_as_words_at_80_columns(path: list[str], monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    res = CliRunner().invoke(app, path + ["--help"], terminal_width=80)
    assert res.exit_code == 0, res.output
    text = res.output
    assert max(len(line) for line in text.splitlines()) <= 80
    for python_type in ("<bool>", "list[", "<str>", "<int>", "<float>", "<Path>"):
        assert python_type not in text, f"{python_type} in `voc {' '.join(path)} --help`"
    assert "…" not in text, f"a name is cut in `voc {' '.join(path)} --help`:\n{text}"


def test_flags_show_no_type_and_repeatable_options_say_so(monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    text = CliRunner().invoke(app, ["analyze", "--help"], terminal_width=80).output
    line = next(ln for ln in text.splitlines() if "--no-topics" in ln)
    assert "<" not in line
    assert "<path>..." in next(ln for ln in text.splitlines() if "--events" in ln)
    assert "INPUT_PATH" in text


def test_hidden_role_named_column_options_still_work() -> None:
    """E301 tells the user to pass --<role>-col (e.g. --customer_id-col): the alias is accepted, not shown."""
    text = CliRunner().invoke(app, ["journeys", "--help"], terminal_width=80).output
    assert "--customer_id-col" not in text and "--customer-col" in text
