"""The sandbox is an independent oracle: it imports nothing of the client's idea of the API."""

from __future__ import annotations

import ast
from pathlib import Path

import ambraconf.sandbox

FORBIDDEN = ("ambraconf.kinds", "ambraconf.engine", "ambraconf.api", "ambraconf.config")


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_sandbox_imports_nothing_from_the_client() -> None:
    package = Path(ambraconf.sandbox.__file__).parent
    offenders = {
        f"{path.name}: {module}"
        for path in package.glob("*.py")
        for module in imported_modules(path)
        if module.startswith(FORBIDDEN)
    }
    assert not offenders
