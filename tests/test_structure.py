"""The package's structure: imports point one way (no circle), so a module can be read from the bottom up."""

from __future__ import annotations

import ast
from pathlib import Path

import kzlib

PACKAGE = Path(kzlib.__file__).parent


def imports_of(path: Path) -> set[str]:
    """The kzlib modules one module imports, at any place in it."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "kzlib":
            parts = node.module.split(".")
            found |= {a.name for a in node.names} if len(parts) == 1 else {parts[1]}
        elif isinstance(node, ast.Import):
            found |= {a.name.split(".")[1] for a in node.names if a.name.startswith("kzlib.")}
        elif isinstance(node, ast.Call) and getattr(node.func, "id", "") == "_lazy" and node.args:
            name = getattr(node.args[0], "value", "")
            if isinstance(name, str) and name.startswith("kzlib."):
                found.add(name.split(".")[1])
    return found


def graph() -> dict[str, set[str]]:
    modules = {p.stem for p in PACKAGE.glob("*.py")}
    return {p.stem: (imports_of(p) & modules) - {p.stem} for p in PACKAGE.glob("*.py")}


def test_the_import_graph_has_no_circle():
    edges = graph()
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        assert module not in path, "import circle: " + " -> ".join((*path, module))
        if module in done:
            return
        for dep in sorted(edges.get(module, ())):
            visit(dep, (*path, module))
        done.add(module)

    for module in sorted(edges):
        visit(module, ())


def test_the_graph_finds_known_edges():
    edges = graph()
    assert "context" in edges["brief"] and "trajectory" in edges["assess"] and "context" in edges["cli"]
