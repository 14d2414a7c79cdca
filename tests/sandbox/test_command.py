"""The real `ambraconf sandbox` command as a user runs it: start, answer, Ctrl-C, --db restart."""

from __future__ import annotations

import os
import queue
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import requests


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Running:
    """`ambraconf sandbox ...` in a subprocess, with its output read as it comes."""

    def __init__(self, *args: str, env: dict[str, str] | None = None) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
        self.process = subprocess.Popen(
            [sys.executable, "-c", "from ambraconf.cli import main; main()", "sandbox", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)

    def wait_for(self, prefix: str, timeout: float = 20) -> str:
        seen = []
        while True:
            try:
                line = self.lines.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError(f"no line starting {prefix!r}; got {seen}") from None
            seen.append(line)
            if line.startswith(prefix):
                return line

    def interrupt(self) -> tuple[int, str]:
        self.process.send_signal(signal.SIGINT)
        _, stderr = self.process.communicate(timeout=20)
        return self.process.returncode, stderr


def env_line(line: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in line.split())


def login(url: str, values: dict[str, str]) -> str:
    reply = requests.post(
        url + "/session/login",
        data={"login": values["AMBRA_LOGIN"], "password": values["AMBRA_PASSWORD"]},
        timeout=10,
    )
    assert reply.status_code == 200, reply.text
    return reply.json()["sid"]


def test_start_answer_stop_and_restart_with_db(tmp_path: Path) -> None:
    port, db = free_port(), tmp_path / "sandbox.db"
    first = Running("--port", str(port), "--db", str(db))
    values = env_line(first.wait_for("AMBRA_URL="))
    url = values["AMBRA_URL"]
    assert url == f"http://127.0.0.1:{port}/api/v3"
    sid = login(url, values)
    account = requests.post(url + "/account/list", data={"sid": sid}, timeout=10).json()
    account_id = account["accounts"][0]["uuid"]
    added = requests.post(
        url + "/group/add", data={"sid": sid, "account_id": account_id, "name": "Kept"}, timeout=10
    )
    assert added.status_code == 200
    code, stderr = first.interrupt()
    assert code == 0
    assert "Traceback" not in stderr
    assert "POST /api/v3/group/add 200" in stderr

    second = Running("--port", str(port), "--db", str(db))
    second.wait_for("AMBRA_URL=")
    sid = login(url, values)
    groups = requests.post(
        url + "/group/list", data={"sid": sid, "account_id": account_id}, timeout=10
    ).json()["groups"]
    assert [g["name"] for g in groups] == ["Kept"]
    code, _ = second.interrupt()
    assert code == 0


def test_port_in_use_is_a_clear_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [
                sys.executable,
                "-c",
                "from ambraconf.cli import main; main()",
                "sandbox",
                "--port",
                str(port),
            ],
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert result.returncode == 1
    assert f"port {port} on 127.0.0.1 is already in use" in result.stderr
    assert "Traceback" not in result.stderr


def test_custom_credentials_are_printed_and_work() -> None:
    port = free_port()
    running = Running(
        "--port", str(port), "--admin-login", "ops@example.com", "--admin-password", "s3cret"
    )
    values = env_line(running.wait_for("AMBRA_URL="))
    assert values["AMBRA_LOGIN"] == "ops@example.com"
    login(values["AMBRA_URL"], values)
    code, _ = running.interrupt()
    assert code == 0


def sandbox_command(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`ambraconf sandbox ARGS` run to its end (for starts that must fail)."""
    return subprocess.run(
        [sys.executable, "-c", "from ambraconf.cli import main; main()", "sandbox", *args],
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, **(env or {})},
    )


def test_the_admin_token_is_printed_at_start_and_required() -> None:
    port = free_port()
    running = Running("--port", str(port))
    token = running.wait_for("  admin token:").split(":", 1)[1].strip()
    curl = running.wait_for("curl ")
    assert f"Authorization: Bearer {token}" in curl
    stats = f"http://127.0.0.1:{port}/_sandbox/stats"
    assert stats in curl
    assert requests.get(stats, timeout=10).status_code == 401
    auth = {"Authorization": f"Bearer {token}"}
    assert requests.get(stats, headers=auth, timeout=10).status_code == 200
    code, _ = running.interrupt()
    assert code == 0

    again = Running("--port", str(port))
    other = again.wait_for("  admin token:").split(":", 1)[1].strip()
    assert other != token
    assert requests.get(stats, headers=auth, timeout=10).status_code == 403
    again.interrupt()


def test_the_admin_token_can_be_given_by_option_or_environment() -> None:
    port = free_port()
    by_env = Running("--port", str(port), env={"AMBRACONF_SANDBOX_TOKEN": "from-the-env-123"})
    assert by_env.wait_for("  admin token:").split(":", 1)[1].strip() == "from-the-env-123"
    stats = f"http://127.0.0.1:{port}/_sandbox/stats"
    auth = {"Authorization": "Bearer from-the-env-123"}
    assert requests.get(stats, headers=auth, timeout=10).status_code == 200
    by_env.interrupt()
    by_option = Running("--port", str(port), "--admin-token", "from-the-option")
    by_option.wait_for("AMBRA_URL=")
    auth = {"Authorization": "Bearer from-the-option"}
    assert requests.get(stats, headers=auth, timeout=10).status_code == 200
    by_option.interrupt()


def test_a_host_other_than_loopback_is_warned_about() -> None:
    port = free_port()
    running = Running("--host", "0.0.0.0", "--port", str(port))
    values = env_line(running.wait_for("AMBRA_URL="))
    login(f"http://127.0.0.1:{port}/api/v3", values)
    code, stderr = running.interrupt()
    assert code == 0
    assert "Warning: --host 0.0.0.0 is not a loopback address" in stderr
    assert "no real security" in stderr
    assert "--host 127.0.0.1" in stderr


def test_loopback_starts_without_a_warning() -> None:
    running = Running("--port", str(free_port()))
    running.wait_for("AMBRA_URL=")
    _, stderr = running.interrupt()
    assert "Warning" not in stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--latency", "nan"], "--latency: must be milliseconds, from 0 to 3600000, not nan"),
        (["--latency", "-1"], "--latency: must be milliseconds"),
        (["--rate-limit", "inf"], "--rate-limit: must be requests per second"),
        (["--fault-rate", "1.5"], "--fault-rate: must be a fraction from 0 to 1"),
        (["--fault-rate", "nan"], "--fault-rate: must be a fraction from 0 to 1"),
        (["--fault-kinds", "404"], "--fault-kinds: must be a non-empty subset of 500, 503, drop"),
        (["--admin-token", ""], "--admin-token: the admin token must not be empty"),
        (["--admin-token", "two words"], "--admin-token: the admin token must be visible ASCII"),
    ],
)
def test_bad_options_stop_the_start_with_a_clear_message(args: list[str], message: str) -> None:
    result = sandbox_command("--port", str(free_port()), *args)
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert "listening on" not in result.stdout
