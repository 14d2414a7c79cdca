"""ambraconf as a package a team pins: its licence, the wheel CI builds and installs, and
the pre-commit hook other repositories use."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CLINIC = ROOT / "tests" / "e2e" / "clinic"


def test_the_licence_file_is_the_mit_licence_pyproject_names():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["license"] == {"text": "MIT"}
    assert "License :: OSI Approved :: MIT License" in project["classifiers"]
    licence = (ROOT / "LICENSE").read_text()
    assert licence.startswith("MIT License\n")
    assert "Permission is hereby granted, free of charge" in licence


def test_the_wheel_ships_every_file_the_package_reads_and_the_licence(tmp_path: Path):
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = tmp_path.glob("ambraconf-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    tracked = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "ambraconf"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert tracked and set(tracked) <= names
    assert any(name.endswith(".dist-info/licenses/LICENSE") for name in names)
    assert not any(name.startswith(("tests/", "examples/")) for name in names)


def test_ci_installs_the_built_wheel_after_the_tests():
    steps = (ROOT / ".ci" / "run").read_text().splitlines()
    assert steps.index(".ci/wheel-check") > steps.index("python3 -m pytest -q")
    check = (ROOT / ".ci" / "wheel-check").read_text()
    assert "pip wheel" in check and "venv" in check
    assert 'ambraconf" --version' in check and "validate" in check


def run_hook(repo: Path) -> subprocess.CompletedProcess[str]:
    """Run the hook as pre-commit does in a config repository (entry, then args; no file
    names), with this checkout's ambraconf standing in for the one pre-commit installs."""
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    program, *entry = hook["entry"].split()
    assert program == "ambraconf" and hook["pass_filenames"] is False
    return subprocess.run(
        [sys.executable, "-c", "from ambraconf.cli import main; main()", *entry, *hook["args"]],
        cwd=repo,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_pre_commit_hook_validates_the_config_directory(tmp_path: Path):
    shutil.copytree(CLINIC, tmp_path / "config")
    passed = run_hook(tmp_path)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "config: valid (1 file, 1 account)" in passed.stdout

    broken = tmp_path / "config" / "clinic.yaml"
    broken.write_text(broken.read_text().replace("role: Radiologist", "role: Radiologists"))
    failed = run_hook(tmp_path)
    assert failed.returncode == 1
    assert "config/clinic.yaml:" in failed.stdout and "Radiologists" in failed.stdout
