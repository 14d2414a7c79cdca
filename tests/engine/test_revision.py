"""Which config revision a plan names: the git commit, marked when the files differ."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from ambraconf.engine.workflow import config_revision

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(folder: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(folder), *args], capture_output=True, text=True, check=True
    ).stdout.strip()


def test_committed_config_names_its_commit_and_edits_are_marked(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    config = tmp_path / "config"
    config.mkdir()
    (config / "a.yaml").write_text("accounts: []\n")
    git(tmp_path, "add", ".")
    git(tmp_path, "-c", "user.email=t@e", "-c", "user.name=t", "commit", "-qm", "c")
    commit = git(tmp_path, "rev-parse", "--short", "HEAD")
    assert config_revision(config) == commit
    (tmp_path / "elsewhere.txt").write_text("not part of the config\n")
    assert config_revision(config) == commit
    (config / "a.yaml").write_text("accounts: [] # edited\n")
    assert config_revision(config) == f"{commit}+dirty"


def test_config_outside_git_has_no_revision(tmp_path: Path) -> None:
    assert config_revision(tmp_path) is None
    assert config_revision(None) is None
