"""`voc config show`: print every setting with its value (defaults merged with a pipeline config)."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
import yaml

from voc import config as cfg
from voc.cli import app
from voc.cli.common import handle_errors

config_app = typer.Typer(help="Inspect pipeline configuration.", no_args_is_help=True)
app.add_typer(config_app, name="config")


@config_app.command("show")
@handle_errors
def show(config: Optional[Path] = typer.Option(None, "--config", "-c", help="Pipeline config YAML (see pipelines/).")) -> None:
    """Print the effective configuration as YAML."""
    c = cfg.load(config)
    typer.echo(yaml.safe_dump(c.model_dump(mode="json"), sort_keys=False))
