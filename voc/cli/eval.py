"""`voc eval ...`: evaluation commands. Each task's command lives in its own module
(voc/cli/eval_intents.py, voc/cli/eval_sentiment.py) and registers itself on ``eval_app``."""
from __future__ import annotations

import importlib

import typer

from voc.cli.app import app

eval_app = typer.Typer(help="Evaluate intent and sentiment models on labelled data.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")

for _mod in ("eval_intents", "eval_sentiment"):
    try:
        importlib.import_module(f"voc.cli.{_mod}")
    except ModuleNotFoundError as _e:
        if _e.name != f"voc.cli.{_mod}":
            raise
