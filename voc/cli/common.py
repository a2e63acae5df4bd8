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
            console.print(f"[bold red]error[{e.code}][/]: {e.cause}", highlight=False, markup=True)
            console.print(f"[bold]fix[/]: {e.fix}", highlight=False)
            raise typer.Exit(2) from None

    return wrapper


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
