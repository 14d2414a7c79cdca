"""Helpers: write config files into a temporary directory and validate them."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from ambraconf.config.diagnostics import Diagnostic
from ambraconf.config.validate import ValidationResult, validate_path

Write = Callable[..., Path]


@pytest.fixture
def write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Write:
    """write("roles.yaml", text) → the file, in a temporary config directory (the cwd)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cfg").mkdir()

    def _write(name: str, text: str) -> Path:
        path = tmp_path / "cfg" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return _write


def check(path: str = "cfg", env: dict[str, str] | None = None) -> ValidationResult:
    return validate_path(path, env=env or {})


def only_error(result: ValidationResult) -> Diagnostic:
    """The one error of ``result`` (tests of one error class expect exactly one)."""
    assert len(result.errors) == 1, "\n".join(map(str, result.errors))
    return result.errors[0]


def at(diagnostic: Diagnostic, file: str, line: int, column: int) -> str:
    """Assert ``diagnostic`` is printed at file:line:column; return its text."""
    text = str(diagnostic)
    assert text.startswith(f"{file}:{line}:{column}: "), text
    return text


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The installed entry point, as a user runs it (tracebacks would show here)."""
    return subprocess.run(
        [sys.executable, "-c", "from ambraconf.cli import main; main()", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
    )
