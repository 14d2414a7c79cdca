"""End-to-end fixtures: the CLI run in-process against the sandbox, as a user runs it."""

from __future__ import annotations

import contextlib
import io
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from ambraconf.cli import main
from ambraconf.sandbox.harness import SandboxHandle

CLINIC = Path(__file__).parent / "clinic"


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def clinic(tmp_path: Path) -> Path:
    """A private copy of the clinic config that a test may edit."""
    target = tmp_path / "clinic"
    shutil.copytree(CLINIC, target)
    return target


PACS = {
    "name": "PACS",
    "node": "Sandbox Gateway",
    "aetitle": "PACS",
    "address": "10.0.0.5",
    "port": 104,
}


def seed_pacs(sandbox: SandboxHandle, **account: object) -> SandboxHandle:
    """The seeded account plus the destination ambraconf does not manage (and more)."""
    sandbox.seed({"accounts": [{"name": "Sandbox Hospital", "destinations": [PACS], **account}]})
    return sandbox


@pytest.fixture
def with_pacs(sandbox: SandboxHandle) -> SandboxHandle:
    return seed_pacs(sandbox)


@pytest.fixture
def pacs_seeder() -> Callable[..., SandboxHandle]:
    """``seed_pacs`` for tests that start their own sandboxes."""
    return seed_pacs


@pytest.fixture
def ambraconf(sandbox: SandboxHandle, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Run]:
    """Run ``ambraconf ARGS`` with the sandbox's credentials in the environment."""
    monkeypatch.setenv("AMBRA_URL", sandbox.url)
    monkeypatch.setenv("AMBRA_LOGIN", sandbox.admin_login)
    monkeypatch.setenv("AMBRA_PASSWORD", sandbox.admin_password)
    monkeypatch.delenv("AMBRA_SID", raising=False)

    def run(*args: str) -> Run:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main([*args, "--rate", "1000"] if _takes_rate(args) else list(args))
                code = 0
            except SystemExit as exit_:
                code = int(exit_.code or 0)
        return Run(code, out.getvalue(), err.getvalue())

    return run


def _takes_rate(args: tuple[str, ...]) -> bool:
    return bool(args) and args[0] in (
        "plan",
        "apply",
        "drift",
        "export",
        "compare",
        "adopt",
        "clone",
    )
