"""Option types in `--help` that a person reads without knowing Python.

Typer (0.29) labels every parameter with its Python annotation: flags show ``<bool>``, repeatable
options ``<list[Path]>``, text ``<str>``. ``install()`` rewrites those labels once, for every
command (also the ones a plugin registers): a flag shows no type (it takes no value), a repeatable
parameter ``<path>...``, and Python names become words (text, integer, number, path). Argument
names are shown in capitals, as the command descriptions write them (INPUT_PATH).
"""
from __future__ import annotations

import re
from typing import Any

from typer import core

WORDS = {"str": "text", "int": "integer", "float": "number", "Path": "path", "bool": "yes|no"}
_installed = False


def human_label(label: str) -> str:
    """'<list[Path]>' -> '<path>...', '<str>' -> '<text>'; other labels (choices: parquet|csv) unchanged."""
    inner = label[1:-1] if label.startswith("<") and label.endswith(">") else label
    many = re.fullmatch(r"list\[(.*)\]", inner)
    if many:
        return human_label(f"<{many.group(1)}>") + "..."
    return f"<{WORDS.get(inner, inner)}>"


def install() -> None:
    global _installed
    if _installed:
        return
    _installed = True
    base_display_type = core._TyperParameter.display_type
    option_display_type_rich = core.TyperOption.display_type_rich
    base_name = core.TyperArgument.display_name_raw

    def display_type(self: Any, ctx: Any) -> str:
        return human_label(base_display_type(self, ctx))

    def option_type_rich(self: Any, ctx: Any) -> str | None:
        if getattr(self, "is_flag", False) and self.metavar is None:
            return None                       # a flag takes no value: no type to show
        label = option_display_type_rich(self, ctx)
        if label and label.endswith("]>..."):  # Typer adds '...' to list options itself
            label = label[:-3]
        return label

    def argument_name(self: Any) -> str:
        return self.metavar if self.metavar is not None else str(base_name.fget(self)).upper()

    core._TyperParameter.display_type = display_type
    core.TyperOption.display_type_rich = option_type_rich
    core.TyperArgument.display_name_raw = property(argument_name)
