"""What the config tests share besides fixtures (a module of its own name, so that
``from config_helpers import ...`` works whichever test directories pytest collects)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from ambraconf.config.diagnostics import Diagnostic
from ambraconf.config.validate import ValidationResult, validate_path

Write = Callable[..., Path]


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
