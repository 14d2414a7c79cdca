"""Reads at scale: a plan of several accounts sends its round of list bundles several at a
time (the sandbox's ``max_in_flight`` shows it), one at a time with ``--concurrency 1``,
waits out the 429s of a server rate limit without a wrong plan, and lets go of the raw
rows of what a plan leaves alone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ambraconf.api import AmbraClient, ClientSettings
from ambraconf.config.validate import load_config
from ambraconf.engine.apply import Applier
from ambraconf.engine.workflow import make_plan
from ambraconf.kinds import BY_NAME
from ambraconf.sandbox.harness import SandboxHandle

SITES = [f"Site {n}" for n in range(1, 7)]


@pytest.fixture
def sites(sandbox: SandboxHandle, tmp_path: Path) -> Path:
    """Six accounts in the sandbox, and a config giving each two roles (one exists)."""
    sandbox.seed({"accounts": [{"name": name, "roles": [{"name": "Reader"}]} for name in SITES]})
    lines = ["accounts:"]
    for name in SITES:
        lines += [
            f"  - name: {name}",
            "    roles:",
            "      - name: Reader",
            "      - name: Radiologist",
            "        permissions: {study_view: true}",
        ]
    config = tmp_path / "sites"
    config.mkdir()
    (config / "sites.yaml").write_text("\n".join(lines) + "\n")
    return config


def plan(ambraconf, config: Path, *options: str):
    run = ambraconf("plan", str(config), "--bundle-size", "2", "--format", "json", *options)
    assert run.code == 0, run.err
    return run


def creates(run) -> list[tuple[str, str]]:
    actions = json.loads(run.out)["actions"]
    return sorted((a["account"], a["name"]) for a in actions if a["op"] == "create")


WANTED = sorted((name, "Radiologist") for name in SITES)


def test_a_plan_sends_its_list_bundles_concurrently(ambraconf, sandbox, sites: Path):
    sandbox.configure(latency_ms=100)  # each chunk stays in flight long enough to overlap
    sandbox.reset_stats()
    run = plan(ambraconf, sites, "--concurrency", "4")
    assert creates(run) == WANTED
    assert sandbox.stats()["max_in_flight"] > 1


def test_concurrency_one_sends_one_bundle_at_a_time(ambraconf, sandbox, sites: Path):
    sandbox.configure(latency_ms=100)
    sandbox.reset_stats()
    run = plan(ambraconf, sites, "--concurrency", "1")
    assert creates(run) == WANTED
    assert sandbox.stats()["max_in_flight"] == 1


def test_429s_under_concurrency_are_waited_out(ambraconf, sandbox, sites: Path):
    sandbox.configure(rate_limit=5)  # per session and second; the plan's 4 threads burst past it
    sandbox.reset_stats()
    run = plan(ambraconf, sites, "--concurrency", "4", "--bundle-size", "1")
    assert sandbox.stats()["rate_limited"] > 0, "the server did limit the plan"
    assert creates(run) == WANTED


def test_an_unchanged_plan_costs_the_list_round_and_nothing_per_account(
    ambraconf, sandbox, sites: Path
):
    assert ambraconf("apply", str(sites), "--auto-approve").code == 0
    run = ambraconf("plan", str(sites), "--detailed-exitcode", "--verbose")
    assert run.code == 0, run.err
    # login, the account list, one bundle with every list and apply record, logout
    assert "HTTP requests: 4 (/account/list 1, /bundle 1, /session/login 1, /session/logout 1)" in (
        run.err
    )


def test_the_concurrency_option_is_checked(ambraconf, sites: Path):
    run = ambraconf("plan", str(sites), "--concurrency", "0")
    assert run.code == 1
    assert "--concurrency" in run.err and "1<=x<=64" in run.err


def test_a_plan_keeps_the_rows_of_what_it_changes_and_applies(ambraconf, sandbox, sites: Path):
    """Once an account is planned, the raw rows of the objects the plan leaves alone are
    let go (a plan of 100,000 objects held some 300 MB of them); the objects it changes
    keep theirs, and the plan applies."""
    assert ambraconf("apply", str(sites), "--auto-approve").code == 0
    text = (sites / "sites.yaml").read_text()
    edited = text.replace("permissions: {study_view: true}", "permissions: {study_view: false}", 1)
    (sites / "sites.yaml").write_text(edited)
    settings = ClientSettings(sandbox.url, sandbox.admin_login, sandbox.admin_password)
    with AmbraClient(settings) as client:
        run = make_plan(load_config(sites), client)
        changed = [a for a in run.plan.actions if a.op != "noop"]
        assert [(a.account, a.name, a.op) for a in changed] == [("Site 1", "Radiologist", "update")]
        rows = {
            (account, obj.values["name"]): obj.raw
            for account, live in run.live.items()
            for obj in live.of_kind("role")
        }
        assert rows[("Site 1", "Radiologist")]["permissions"]
        assert all(set(raw) <= {"type"} for key, raw in rows.items() if key[1] == "Reader")
        result = Applier(client, run.live, BY_NAME).apply(run.plan)
        assert not result.failed
    run = ambraconf("plan", str(sites), "--detailed-exitcode")
    assert run.code == 0, run.out
