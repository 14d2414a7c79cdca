"""Terraform's terminal habits: NO_COLOR and --color, and an apply prompt that names where
the changes go and takes only ``yes``."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from ambraconf.cli import cli
from ambraconf.cli import confirm as confirm_module
from ambraconf.cli.output import colour
from ambraconf.sandbox.harness import SandboxHandle

ROOT = Path(__file__).parents[2]
ESC = "\x1b["


def on_a_terminal(sandbox: SandboxHandle, args: list[str], **env: str) -> str:
    """What ``ambraconf ARGS`` prints with its standard output on a pseudo-terminal."""
    leader, follower = pty.openpty()
    environment = {
        **{k: v for k, v in os.environ.items() if k != "NO_COLOR"},
        "PYTHONPATH": str(ROOT),
        "AMBRA_URL": sandbox.url,
        "AMBRA_LOGIN": sandbox.admin_login,
        "AMBRA_PASSWORD": sandbox.admin_password,
        **env,
    }
    code = "import sys; from ambraconf.cli import main; main(sys.argv[1:])"
    process = subprocess.Popen(
        [sys.executable, "-c", code, *args, "--rate", "1000"],
        stdout=follower,
        stderr=subprocess.PIPE,
        env=environment,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed: the command ended
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=60)
    os.close(leader)
    return b"".join(chunks).decode()


def test_no_color_on_a_terminal_prints_no_escape_codes(
    with_pacs: SandboxHandle, clinic: Path
) -> None:
    assert ESC in on_a_terminal(with_pacs, ["plan", str(clinic)])
    plain = on_a_terminal(with_pacs, ["plan", str(clinic)], NO_COLOR="1")
    assert "Plan: 5 to create" in plain
    assert ESC not in plain
    assert ESC not in on_a_terminal(with_pacs, ["plan", str(clinic), "--color", "never"])
    forced = on_a_terminal(with_pacs, ["drift", str(clinic), "--color", "always"], NO_COLOR="1")
    assert "Drift: " in forced
    assert ESC in forced


def test_the_colour_decision() -> None:
    assert colour("auto", {}, terminal=True)
    assert not colour("auto", {}, terminal=False)
    assert not colour("auto", {"NO_COLOR": "1"}, terminal=True)
    assert colour("auto", {"NO_COLOR": ""}, terminal=True)
    assert colour("always", {"NO_COLOR": "1"}, terminal=False)
    assert not colour("never", {}, terminal=True)


def test_color_always_colours_a_report_written_to_a_pipe(
    ambraconf, with_pacs: SandboxHandle, clinic: Path
) -> None:
    assert ESC in ambraconf("plan", str(clinic), "--color", "always").out
    assert ESC not in ambraconf("plan", str(clinic)).out


def apply_answering(
    sandbox: SandboxHandle, clinic: Path, answer: str, monkeypatch: pytest.MonkeyPatch
) -> tuple[int, str]:
    monkeypatch.setattr(confirm_module, "on_terminal", lambda: True)
    env = {
        "AMBRA_URL": sandbox.url,
        "AMBRA_LOGIN": sandbox.admin_login,
        "AMBRA_PASSWORD": sandbox.admin_password,
    }
    result = CliRunner().invoke(
        cli, ["apply", str(clinic), "--rate", "1000"], input=answer, env=env
    )
    return result.exit_code, result.output


def test_the_prompt_names_url_and_account_and_y_cancels(
    with_pacs: SandboxHandle, clinic: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, output = apply_answering(with_pacs, clinic, "y\n", monkeypatch)
    assert code == 0
    assert f"Apply these changes to account Sandbox Hospital at {with_pacs.url}?" in output
    assert "Only 'yes' applies; anything else cancels." in output
    assert "Apply cancelled; nothing was changed." in output
    roles = with_pacs.ok("/role/list", account_id=with_pacs.account_id)["roles"]
    assert "Radiologist" not in [r["name"] for r in roles]


def test_the_prompt_applies_on_yes(
    with_pacs: SandboxHandle, clinic: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, output = apply_answering(with_pacs, clinic, "yes\n", monkeypatch)
    assert code == 0, output
    assert "Apply cancelled" not in output
    roles = with_pacs.ok("/role/list", account_id=with_pacs.account_id)["roles"]
    assert "Radiologist" in [r["name"] for r in roles]


def test_a_level_of_several_bundles_reports_its_progress(ambraconf, with_pacs, clinic: Path):
    run = ambraconf("apply", str(clinic), "--auto-approve", "--bundle-size", "1")
    assert run.code == 0, run.out + run.err
    lines = run.err.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("Level 1/"))
    assert lines[first + 1].strip().startswith("1/")
    assert lines[first + 1].endswith("calls sent")


def test_a_level_of_one_bundle_says_only_its_level(ambraconf, with_pacs, clinic: Path):
    run = ambraconf("apply", str(clinic), "--auto-approve")
    assert run.code == 0, run.out + run.err
    assert "calls sent" not in run.err
