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


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(PKG.parent).with_suffix("").parts).removesuffix(".__init__")


def runtime_nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node of ``tree`` but those under ``if TYPE_CHECKING:`` (imports for type hints only never run)."""
    out, todo = [], [tree]
    while todo:
        node = todo.pop()
        out.append(node)
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                todo.extend(child.orelse)
                continue
            todo.append(child)
    return out


def import_graph() -> dict[str, set[str]]:
    """voc module -> the voc modules it imports when it runs (every import statement, also inside functions; not
    those for type checking). ``from a.b import c`` points at ``a.b.c`` when that is a module, else at ``a.b``."""
    modules = {module_name(p): p for p in PKG.rglob("*.py")}
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for me, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in runtime_nodes(tree):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in modules else node.module
                           for a in node.names]
            for t in targets:
                if t in modules and t != me:
                    graph[me].add(t)
    return graph


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle per strongly connected component of more than one module (Tarjan), as a path a -> ... -> a."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    sccs: list[list[str]] = []

    def visit(v: str) -> None:          # iterative deepening is not needed: the graph is a few hundred modules
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                sccs.append(comp)

    for v in sorted(graph):
        if v not in index:
            visit(v)
    cycles = []
    for comp in sccs:                   # a shortest way round from the component's first module back to itself
        members, start = set(comp), min(comp)
        prev: dict[str, str] = {}
        queue, seen, end = [start], {start}, None
        while queue and end is None:
            v = queue.pop(0)
            for w in sorted(graph[v] & members):
                if w == start:
                    end = v
                    break
                if w not in seen:
                    seen.add(w)
                    prev[w] = v
                    queue.append(w)
        path = [end]
        while path[-1] != start:
            path.append(prev[path[-1]])
        cycles.append([*reversed(path), start])
    return cycles


def test_find_cycles_names_the_cycle() -> None:
    graph = {"voc.a": {"voc.b"}, "voc.b": {"voc.c"}, "voc.c": {"voc.a"}, "voc.d": {"voc.a"}}
    assert find_cycles(graph) == [["voc.a", "voc.b", "voc.c", "voc.a"]]
    assert find_cycles({"voc.a": {"voc.b"}, "voc.b": set()}) == []


def test_no_import_cycles() -> None:
    """Layers import only downward, so a cycle can only form inside a layer (e.g. pipeline <-> engines): none may."""
    cycles = find_cycles(import_graph())
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(c) for c in cycles)
