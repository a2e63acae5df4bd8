"""Helpers shared by the CLI commands: error display and exit codes."""
from __future__ import annotations

import functools
import sys
from typing import Any, Callable

import typer
from rich.console import Console

from voc.errors import Errors, VocError

console = Console(stderr=True)


def handle_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Show a VocError as 'error[E001]: cause' + 'fix: ...' and exit 2, never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except VocError as e:
            cause, fix = safe_texts([e.cause, e.fix])
            console.print(f"[bold red]error[{e.code}][/]: {cause}", highlight=False, markup=True)
            console.print(f"[bold]fix[/]: {fix}", highlight=False)
            raise typer.Exit(2) from None

    return wrapper


def load_config(path: Any = None, overrides: dict[str, Any] | None = None):
    """The pipeline config (voc.config.load) of a command; its own warnings (E108: a deprecated key was read) are
    printed here, once, and the run records them (run.json / journey_run.json "warnings", the report)."""
    from voc import config as cfg

    conf = cfg.load(path, overrides)
    print_warnings(conf.warnings(), console)
    return conf


def safe_texts(texts: list[str], *, names: bool = False) -> list[str]:
    """Texts made fit for the terminal: personal data redacted (patterns and name cues; the NER model too when
    ``names``) and control characters / escape sequences made visible (voc.redact.guard)."""
    from voc.redact.guard import terminal_safe
    from voc.redact.redactor import Redactor

    done = Redactor().redact_many(["" if t is None else str(t) for t in texts], ner=names)
    return [terminal_safe(r.text) for r in done]


def warn_no_redact() -> None:
    console.print("[bold white on red] WARNING [/] [bold red]--no-redact: redaction is OFF.[/] Personal data is "
                  "stored, embedded and shown as found in every output of this run (run.json and the report say so too).",
                  highlight=False)


def is_interactive() -> bool:
    return sys.stderr.isatty()


def progress_for(console: Console):
    """Progress bars on a terminal, log lines on stderr otherwise (see voc/cli/progress.py)."""
    from voc.cli.progress import LogProgress, TerminalProgress

    return TerminalProgress(console) if is_interactive() else LogProgress()


def parse_weight(value: str, *, command: str) -> float | str:
    """``--tfidf-weight``: 'auto' or a number >= 0."""
    if value.strip().lower() == "auto":
        return "auto"
    try:
        w = float(value)
    except ValueError:
        w = -1.0
    if not w >= 0:
        raise VocError(Errors.E104, option="--tfidf-weight", value=value, detail="use 'auto' or a number >= 0", command=command)
    return w


def print_warnings(found, console: Console) -> None:
    """Each data-quality warning of the journeys run, with its code and fix (also in journey_run.json)."""
    from rich.markup import escape

    for w in found or []:
        console.print(f"[yellow]warning[/] \\[{w['code']}] {escape(str(w['message']))} [dim]Fix: {escape(str(w['fix']))}[/]",
                      highlight=False)
