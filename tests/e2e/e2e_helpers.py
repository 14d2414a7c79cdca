"""What the end-to-end tests of every kind do again and again: apply, then plan nothing."""

from __future__ import annotations

from pathlib import Path


def applied(ambraconf, folder: Path) -> str:
    """Apply the config at ``folder``, which must succeed; its output."""
    run = ambraconf("apply", str(folder), "--auto-approve")
    assert run.code == 0, run.out + run.err
    return run.out


def no_changes(ambraconf, folder: Path) -> None:
    """Plan the config at ``folder``: live state matches it."""
    run = ambraconf("plan", str(folder), "--detailed-exitcode")
    assert run.code == 0, run.out + run.err
    assert "No changes." in run.out
