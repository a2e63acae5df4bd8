"""The Typer application every command module registers on (``from voc.cli.app import app``), and the process
settings of the command line: readable option types, no model hub, voc's own progress bars."""
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
