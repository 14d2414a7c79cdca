"""Apply on a network that fails: repeated applies converge, never duplicate, never prune
what they should not (the sandbox answers a share of requests with errors or drops them,
before or after making the change)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ambraconf.api import AmbraClient, ClientSettings, RetryPolicy, Transport
from ambraconf.config.errors import UserError
from ambraconf.config.validate import load_config
from ambraconf.engine.apply import Applier
from ambraconf.engine.workflow import make_plan
from ambraconf.kinds import BY_NAME
from ambraconf.sandbox.harness import SandboxHandle

CLINIC = Path(__file__).parent / "clinic"
SPECS = BY_NAME


def client_for(sandbox: SandboxHandle) -> AmbraClient:
    settings = ClientSettings(sandbox.url, sandbox.admin_login, sandbox.admin_password)
    transport = Transport(
        settings.url, requests_per_second=None, retry=RetryPolicy(), sleep=lambda _: None
    )
    return AmbraClient(settings, transport=transport)


def apply_once(sandbox: SandboxHandle) -> bool:
    """One ``apply --auto-approve``; True when it had nothing left to do."""
    config = load_config(CLINIC)
    try:
        with client_for(sandbox) as client:
            run = make_plan(config, client)
            if not run.plan.has_changes:
                return True
            Applier(client, run.live, SPECS).apply(run.plan)
    except UserError:
        pass  # a read that failed every retry: the next run starts again
    return False


def live_names(sandbox: SandboxHandle) -> dict[str, list[str]]:
    account = sandbox.account_id
    lists = {
        "customfield": ("/customfield/list", "customfields"),
        "role": ("/role/list", "roles"),
        "group": ("/group/list", "groups"),
        "webhook": ("/webhook/list", "webhooks"),
        "route": ("/route/list", "routes"),
    }
    return {
        kind: sorted(o["name"] for o in sandbox.ok(path, account_id=account)[key])
        for kind, (path, key) in lists.items()
    }


@pytest.mark.parametrize("seed", [3, 11, 29])
def test_repeated_applies_under_faults_converge_to_the_fault_free_state(
    sandbox_factory, pacs_seeder, seed: int
) -> None:
    clean = sandbox_factory()
    faulty = sandbox_factory()
    for sandbox in (clean, faulty):
        pacs_seeder(sandbox, roles=[{"name": "Hand Made"}])
    assert not apply_once(clean) and apply_once(clean)

    faulty.configure(
        fault_rate=0.3,
        fault_seed=seed,
        fault_kinds=["500", "503", "drop"],
        fault_timings=["before", "after"],
    )
    runs = 0
    while not apply_once(faulty):
        runs += 1
        assert runs < 12, "apply did not converge under faults"
    faulty.configure(fault_rate=0.0)
    assert sum(faulty.stats()["faults"].values()) > 0
    assert live_names(faulty) == live_names(clean)
    assert "Hand Made" in live_names(faulty)["role"]
