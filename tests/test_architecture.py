"""Layers import only downward: cli > pipeline/engines > nlp/redact/journey/sequences/report/enrich/trends > ingest > core.
Checked on the source (every import statement, also those inside functions)."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "voc"

LAYER = {
    "__main__": 5,  # voc/__main__.py: `python -m voc`, the CLI's entry
    "cli": 4,
    "pipeline": 3, "engines": 3,
    "nlp": 2, "redact": 2, "journey": 2, "sequences": 2, "report": 2, "enrich": 2, "trends": 2, "metrics": 2,
    "ingest": 1,
}
CORE = 0  # voc/errors.py, config.py, schema.py, registry.py, datasets.py, component.py


def layer_of(module: str) -> int:
    parts = module.split(".")
    if parts[0] != "voc" or len(parts) == 1:
        return CORE
    return LAYER.get(parts[1], CORE)


def imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names if a.name.startswith("voc")]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0 and node.module.startswith("voc"):
            out.append((node.lineno, node.module))
    return out


def test_every_package_has_a_layer() -> None:
    for d in PKG.iterdir():
        if d.is_dir() and (d / "__init__.py").exists():
            assert d.name in LAYER, f"voc/{d.name}/ has no layer in tests/test_architecture.py"


@pytest.mark.parametrize("path", sorted(PKG.rglob("*.py")), ids=lambda p: str(p.relative_to(PKG)))
def test_imports_only_downward(path: Path) -> None:
    rel = path.relative_to(PKG.parent).with_suffix("")
    me = ".".join(rel.parts).removesuffix(".__init__")
    mine = layer_of(me)
    bad = [f"line {ln}: {mod}" for ln, mod in imports(path) if layer_of(mod) > mine]
    assert not bad, f"{me} (layer {mine}) imports upward: {bad}"
