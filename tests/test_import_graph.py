"""The packages of ambraconf import each other without cycles, read from the source.

A cycle between packages (the engine importing reports that import the engine) means
neither can be understood, tested or changed alone; the CLI sits on top and may import
anything, the engine below the reports and the CLI. Every import counts: those inside
functions and under ``TYPE_CHECKING`` too, since they couple the code all the same.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import ambraconf

ROOT = Path(ambraconf.__file__).parent
NODES = {p.name for p in ROOT.iterdir() if (p / "__init__.py").is_file()} | {
    p.stem for p in ROOT.glob("*.py") if p.stem != "__init__"
}
"""The subpackages and top-level modules; ``ambraconf`` itself is one more node."""


def node_of(module: str) -> str | None:
    """``ambraconf.engine.plan`` -> ``engine``; ``ambraconf`` -> ``ambraconf``; else None."""
    parts = module.split(".")
    if parts[0] != "ambraconf":
        return None
    return parts[1] if len(parts) > 1 and parts[1] in NODES else "ambraconf"


def imported(path: Path) -> Iterator[str]:
    """The ambraconf modules ``path`` imports, relative imports resolved."""
    package = ["ambraconf", *path.relative_to(ROOT).parent.parts]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *(node.module.split(".") if node.module else [])])
            for alias in node.names:  # ``from ambraconf import library`` imports a module
                yield f"{module}.{alias.name}"


def import_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in ROOT.rglob("*.py"):
        source = node_of(".".join(["ambraconf", *path.relative_to(ROOT).with_suffix("").parts]))
        assert source is not None
        targets = {node_of(module) for module in imported(path)}
        graph.setdefault(source, set()).update(t for t in targets if t and t != source)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle, as the path around it (first node repeated at the end), or None."""
    done: set[str] = set()

    def visit(node: str, path: list[str]) -> list[str] | None:
        if node in path:
            return path[path.index(node) :] + [node]
        if node in done:
            return None
        for target in sorted(graph.get(node, ())):
            cycle = visit(target, [*path, node])
            if cycle:
                return cycle
        done.add(node)
        return None

    for start in sorted(graph):
        cycle = visit(start, [])
        if cycle:
            return cycle
    return None


def test_packages_import_each_other_without_cycles() -> None:
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle between packages: " + " -> ".join(cycle or [])


def test_the_engine_imports_neither_reports_nor_the_cli() -> None:
    assert not import_graph()["engine"] & {"reports", "cli"}


def test_a_cycle_is_found_and_named() -> None:
    graph = {"engine": {"reports", "api"}, "reports": {"engine"}, "api": set()}
    assert find_cycle(graph) == ["engine", "reports", "engine"]
    assert find_cycle({"cli": {"engine"}, "engine": set()}) is None
