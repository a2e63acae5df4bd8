"""`voc config show`: print every setting with its value (defaults merged with a pipeline config),
each preceded by its description as a YAML comment (the output is itself a valid config)."""
from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any, Optional

import typer
import yaml
from pydantic import BaseModel

from voc.cli.app import app
from voc.cli.common import handle_errors, load_config

config_app = typer.Typer(help="Inspect pipeline configuration.", no_args_is_help=True)
app.add_typer(config_app, name="config")

WIDTH = 100


def _scalar(value: Any) -> str:
    """One value as inline YAML (flow style), e.g. [a, b] or {k: v}."""
    return yaml.safe_dump(value, default_flow_style=True, sort_keys=False, width=10_000).strip().removesuffix("\n...").strip()


def describe(model: BaseModel, indent: int = 0, descriptions: bool = True) -> list[str]:
    """YAML lines of ``model``: each key preceded by '# description' (comments wrapped at WIDTH)."""
    pad = " " * indent
    lines: list[str] = []
    values = model.model_dump(mode="json")
    for name, field in type(model).model_fields.items():
        if field.exclude:   # a copy carried from another setting (e.g. redact.default_region from phone_region)
            continue
        if descriptions and field.description:
            lines += textwrap.wrap(field.description, width=WIDTH - indent - 2,
                                   initial_indent=pad + "# ", subsequent_indent=pad + "# ")
        sub = getattr(model, name)
        if isinstance(sub, BaseModel):
            lines.append(f"{pad}{name}:")
            lines += describe(sub, indent + 2, descriptions)
            if indent == 0:
                lines.append("")
        else:
            lines.append(f"{pad}{name}: {_scalar(values[name])}")
    return lines


@config_app.command("show")
@handle_errors
def show(
    config: Optional[Path] = typer.Option(None, "--config", "-c", help="Pipeline config YAML (see pipelines/)."),
    no_descriptions: bool = typer.Option(False, "--no-descriptions", help="Print the values only, without "
                                                                          "the description comments."),
) -> None:
    """Print the effective configuration as YAML, each key with its description."""
    c = load_config(config)
    typer.echo("\n".join(describe(c, descriptions=not no_descriptions)).rstrip() + "\n")
