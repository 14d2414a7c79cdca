"""Two applies never interleave silently: an apply locks the accounts it changes."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ambraconf.sandbox.harness import SandboxHandle

ACCOUNT = "Sandbox Hospital"


def lock_key(sandbox: SandboxHandle) -> str:
    return f"ambraconf.lock.{sandbox.account_id}"


def hold(sandbox: SandboxHandle, *, expires_in: timedelta) -> None:
    """A lock as another apply (killed, or still running elsewhere) leaves it."""
    now = datetime.now(UTC)
    lock = {
        "holder": "ci@runner-7 pid 4242",
        "token": "0123456789abcdef",
        "taken_at": now.isoformat(timespec="seconds"),
        "expires_at": (now + expires_in).isoformat(),
    }
    sandbox.ok("/setting/set", key=lock_key(sandbox), value=json.dumps(lock))


def roles(sandbox: SandboxHandle) -> set[str]:
    return {r["name"] for r in sandbox.ok("/role/list", account_id=sandbox.account_id)["roles"]}


def test_an_apply_takes_the_lock_and_leaves_none_behind(
    ambraconf, with_pacs, sandbox: SandboxHandle, clinic: Path
):
    assert ambraconf("apply", str(clinic), "--auto-approve").code == 0
    assert sandbox.ok("/setting/get", key=lock_key(sandbox)).get("value") in (None, "")


def test_a_held_lock_stops_the_apply_naming_its_holder_and_changes_nothing(
    ambraconf, with_pacs, sandbox: SandboxHandle, clinic: Path
):
    hold(sandbox, expires_in=timedelta(minutes=30))
    before = roles(sandbox)
    run = ambraconf("apply", str(clinic), "--auto-approve")
    assert run.code == 1
    assert "another apply holds the lock of this account" in run.err
    assert f"{ACCOUNT}: by ci@runner-7 pid 4242 since" in run.err
    assert f"ambraconf force-unlock --account '{ACCOUNT}'" in run.err
    assert roles(sandbox) == before


def test_an_expired_lock_does_not_stop_an_apply(
    ambraconf, with_pacs, sandbox: SandboxHandle, clinic: Path
):
    hold(sandbox, expires_in=-timedelta(minutes=1))
    assert ambraconf("apply", str(clinic), "--auto-approve").code == 0


def test_force_unlock_removes_a_lock_left_behind(
    ambraconf, with_pacs, sandbox: SandboxHandle, clinic: Path
):
    hold(sandbox, expires_in=timedelta(minutes=30))
    run = ambraconf("force-unlock", "--account", ACCOUNT)
    assert run.code == 0, run.err
    assert "removed the lock held by Sandbox Hospital: ci@runner-7 pid 4242" in run.out
    assert ambraconf("apply", str(clinic), "--auto-approve").code == 0
