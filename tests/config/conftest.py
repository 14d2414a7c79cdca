"""Helpers: write config files into a temporary directory and validate them."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from config_helpers import Write


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
