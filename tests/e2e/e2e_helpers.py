"""What the end-to-end tests of every kind do again and again: apply, then plan nothing."""

from __future__ import annotations

import json
from pathlib import Path


def applied(ambraconf, folder: Path, *options: str) -> str:
    """Apply the config at ``folder`` (with ``options``), which must succeed; its output."""
    run = ambraconf("apply", str(folder), "--auto-approve", *options)
    assert run.code == 0, run.out + run.err
    return run.out


def config_folder(folder: Path, text: str) -> Path:
    """``folder``, made, with ``text`` as its account.yaml: the config a test starts from."""
    folder.mkdir(parents=True)
    (folder / "account.yaml").write_text(text)
    return folder


def no_changes(ambraconf, folder: Path) -> None:
    """Plan the config at ``folder``: live state matches it."""
    run = ambraconf("plan", str(folder), "--detailed-exitcode")
    assert run.code == 0, run.out + run.err
    assert "No changes." in run.out


def apply_order(ambraconf, folder: Path) -> list[str]:
    """``kind name`` of each action in the order apply runs them: the JSON plan's order
    (the text plan is in the order a reviewer reads, not the order apply runs)."""
    run = ambraconf("plan", str(folder), "--format", "json")
    assert run.code == 0, run.out + run.err
    return [f"{a['kind']} {a['name']}" for a in json.loads(run.out)["actions"]]
