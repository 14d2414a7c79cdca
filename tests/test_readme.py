"""The README's first command works as written: the try-it script plans, applies, and
plans again to no changes, against a sandbox it starts and stops itself."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(shutil.which("ambraconf") is None, reason="ambraconf is not installed")
def test_try_it_script_converges() -> None:
    env = {**os.environ, "AMBRACONF_SANDBOX_PORT": str(free_port())}
    done = subprocess.run(
        [str(ROOT / "examples" / "try-it.sh")],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "Apply complete: 86 created, 2 updated, 0 deleted." in done.stdout
    # the plan shown first is the plan of what is then applied: the same accounts
    first_plan = done.stdout.split("$ ambraconf apply")[0]
    assert "Plan: 86 to create, 2 to update, 0 to delete." in first_plan
    assert done.stdout.rstrip().endswith("No changes. Live state matches the configuration.")


def test_readme_holds_the_two_newcomer_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "pip install -e . && examples/try-it.sh" in readme
    assert "pip install -e '.[test]' && pytest" in readme
    assert "python3 -m pytest" in (ROOT / ".ci" / "run").read_text()
