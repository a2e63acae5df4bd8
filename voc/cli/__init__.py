"""The `voc` command line (Typer). Each command lives in its own module; this file only wires them."""
from __future__ import annotations

from voc.cli.app import app

__all__ = ["app", "main"]


def _wire() -> None:
    import importlib

    from voc.cli import analyze, config_cmd  # noqa: F401  (each module registers its commands on `app`)

    for mod in ("intents", "eval", "sentiment", "topics", "journeys", "enrich", "report"):
        try:
            importlib.import_module(f"voc.cli.{mod}")
        except ModuleNotFoundError as e:
            if e.name != f"voc.cli.{mod}":
                raise


def main() -> None:
    _wire()
    from voc.redact.guard import install_log_filter

    install_log_filter()      # log lines pass the pattern redactor and lose control characters
    app()
