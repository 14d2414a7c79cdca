"""The command line as a user meets it: help, version, and mistakes in the command itself."""

from __future__ import annotations

import subprocess
import sys


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from ambraconf.cli import main; main()", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_help_lists_the_tool_purpose() -> None:
    result = run("--help")
    assert result.returncode == 0
    assert "Ambra Health account configuration as code" in result.stdout


def test_unknown_command_is_a_message_not_a_traceback() -> None:
    result = run("frobnicate")
    assert result.returncode == 1  # 2 would read as "changes present" in CI
    assert "No such command 'frobnicate'" in result.stderr
    assert "Traceback" not in result.stderr
