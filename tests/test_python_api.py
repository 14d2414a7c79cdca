"""The Python API as docs/python-api.md shows it: its example runs as written against a
sandbox seeded like the try-it script's, and the names it documents are importable."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import ambraconf
from ambraconf.sandbox.harness import SandboxHandle

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "python-api.md"


def example() -> str:
    [code] = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)
    return code


def test_the_documented_example_plans_applies_and_converges(
    tmp_path: Path, sandbox_factory: Callable[..., SandboxHandle]
) -> None:
    sandbox = sandbox_factory(seed=str(ROOT / "examples" / "sandbox" / "northshore.seed.yaml"))
    shutil.copytree(ROOT / "examples" / "northshore", tmp_path / "examples" / "northshore")
    env = {
        **os.environ,
        "AMBRA_URL": sandbox.url,
        "AMBRA_LOGIN": sandbox.admin_login,
        "AMBRA_PASSWORD": sandbox.admin_password,
        "NORTHSHORE_REPORTING_TOKEN": "demo-token",
    }
    env.pop("AMBRA_SID", None)

    done = subprocess.run(
        [sys.executable, "-c", example()],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "Plan: 86 to create, 2 to update, 0 to delete." in done.stdout
    assert "Apply complete: 86 created, 2 updated, 0 deleted" in done.stdout
    assert (tmp_path / "plan.json").is_file()


def test_the_documented_functions_are_exported() -> None:
    documented = ("load", "plan", "apply", "drift", "export", "compare", "adopt")
    for name in (*documented, "Connection", "EXPORTABLE"):
        assert name in ambraconf.__all__ and getattr(ambraconf, name) is not None
    assert ambraconf.__version__
    assert (Path(ambraconf.__file__).parent / "py.typed").is_file()
