"""Fixtures of the GitHub Action tests (the runner and the GitHub stand-in are in
action_harness.py)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from action_harness import ActionRunner, FakeGitHub
from werkzeug.serving import make_server

from ambraconf.sandbox.harness import SandboxHandle


@pytest.fixture
def github_api() -> Iterator[FakeGitHub]:
    fake = FakeGitHub()
    server = make_server("127.0.0.1", 0, fake, threaded=True)
    fake.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield fake
    server.shutdown()
    thread.join(5)


@pytest.fixture
def run_action(tmp_path: Path, github_api: FakeGitHub) -> ActionRunner:
    return ActionRunner(tmp_path, github_api)


@pytest.fixture
def ambra_env(sandbox: SandboxHandle) -> dict[str, str]:
    """The job's env: the sandbox's credentials as secrets, and the config's webhook secret."""
    return {
        "AMBRA_URL": sandbox.url,
        "AMBRA_LOGIN": sandbox.admin_login,
        "AMBRA_PASSWORD": sandbox.admin_password,
        "EHR_TOKEN": "ehr-webhook-token",
    }
