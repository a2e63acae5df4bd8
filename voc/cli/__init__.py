"""The `voc` command line (Typer). Each command lives in its own module; this file only wires them."""
from __future__ import annotations

import os

import typer

from voc.cli import helpfmt

helpfmt.install()                                      # option types a person reads: no <bool>, no <list[Path]>

os.environ.setdefault("HF_HUB_OFFLINE", "1")          # never reach a model hub at run time
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")  # voc draws its own progress bars
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")

app = typer.Typer(
    name="voc",
    help="Voice-of-customer analyzer: read help-desk exports, redact, classify intent/sentiment/topics, join to journeys.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


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
