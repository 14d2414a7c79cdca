"""Share rules end to end: created after the groups, locations and users they name, stopped
by hand and seen by drift, exported and planned as no changes, and a changed rule is the old
one stopped (under prune) and the new one added."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from e2e_helpers import applied, no_changes

from ambraconf.sandbox.harness import SandboxHandle

ACCOUNT = "Sandbox Hospital"
DOCTOR = "dr.lee@clinic.example"
ED_TO_MAIN = {"by": {"group": "ED"}, "with": {"location": "Main Campus"}}
LEE_TO_PARTNER = {"by": {"user": DOCTOR}, "with": {"account": "Partner Imaging"}}

SHARING = ("--allow-dangerous", "phi-sharing")
"""A new share rule widens who sees PHI, a dangerous change: these applies acknowledge it."""


def config(folder: Path, rules: list[dict[str, Any]], head: str = "") -> Path:
    """The seeded account with group ED, location Main Campus, the doctor, and ``rules``."""
    folder.mkdir(exist_ok=True)
    account: dict[str, Any] = {
        "name": ACCOUNT,
        **yaml.safe_load(head or "{}"),
        "groups": [{"name": "ED"}],
        "locations": [{"name": "Main Campus"}],
        "users": [{"email": DOCTOR}],
        "share_rules": rules,
    }
    (folder / "account.yaml").write_text(yaml.safe_dump({"accounts": [account]}, sort_keys=False))
    return folder


def seed_grid(sandbox: SandboxHandle) -> None:
    """The doctor exists on the grid, and so does a partner organisation's account."""
    sandbox.seed(
        {
            "users": [{"email": DOCTOR, "password": "pass-word1", "name": "Dr Lee"}],
            "accounts": [{"name": "Partner Imaging"}],
        }
    )


def rules(sandbox: SandboxHandle) -> list[tuple[str, str, str, str]]:
    """The account's rules as (by_type, by_name, with_type, with_name)."""
    listed = sandbox.ok("/account/can/share/list", account_id=sandbox.account_id)["rules"]
    return sorted((r["by_type"], r["by_name"], r["with_type"], r["with_name"]) for r in listed)


def test_apply_adds_rules_after_what_they_name_and_plans_empty_after(ambraconf, sandbox, tmp_path):
    seed_grid(sandbox)
    folder = config(tmp_path / "cfg", [ED_TO_MAIN, LEE_TO_PARTNER])
    assert "Apply complete: 5 created, 0 updated, 0 deleted." in applied(
        ambraconf, folder, *SHARING
    )
    assert rules(sandbox) == [
        ("group", "ED", "location", "Main Campus"),
        ("user", "Dr Lee", "account", "Partner Imaging"),
    ]
    no_changes(ambraconf, folder)
    plan = ambraconf("plan", str(folder), "--format", "json")
    shown = {a["name"] for a in json.loads(plan.out)["actions"] if a["kind"] == "share_rule"}
    assert shown == {"group ED/location Main Campus", f"user {DOCTOR}/account Partner Imaging"}


def test_a_rule_stopped_by_hand_is_drift_and_apply_adds_it_again(ambraconf, sandbox, tmp_path):
    seed_grid(sandbox)
    folder = config(tmp_path / "cfg", [ED_TO_MAIN])
    applied(ambraconf, folder, *SHARING)
    [rule] = sandbox.ok("/account/can/share/list", account_id=sandbox.account_id)["rules"]
    stop = {k: rule[k] for k in ("by_type", "by_id", "with_type", "with_id")}
    sandbox.ok("/account/can/share/stop", account_id=sandbox.account_id, **stop)

    run = ambraconf("drift", str(folder))
    assert run.code == 2, run.err
    assert 'share rule "group ED/location Main Campus" is missing live' in run.out
    assert "1 created" in applied(ambraconf, folder, *SHARING)
    assert rules(sandbox) == [("group", "ED", "location", "Main Campus")]


def test_a_rule_added_by_hand_is_unmanaged_and_pruned_only_when_asked(ambraconf, sandbox, tmp_path):
    seed_grid(sandbox)
    folder = config(tmp_path / "cfg", [ED_TO_MAIN])
    applied(ambraconf, folder, *SHARING)
    groups = sandbox.ok("/group/list", account_id=sandbox.account_id)["groups"]
    group = next(g["uuid"] for g in groups if g["name"] == "ED")
    own = sandbox.account_id
    by_hand = {"by_type": "group", "by_id": group, "with_type": "account", "with_id": own}
    sandbox.ok("/account/can/share", account_id=own, **by_hand)
    drift = ambraconf("drift", str(folder), "--format", "json", "--include-unmanaged")
    assert drift.code == 2
    [account] = json.loads(drift.out)["accounts"]
    unmanaged = [o["name"] for o in account["objects"] if o["kind"] == "share_rule"]
    assert unmanaged == [f"group ED/account {ACCOUNT}"]
    pruned = config(tmp_path / "pruned", [ED_TO_MAIN], head="prune: {share_rules: true}")
    assert "0 created, 0 updated, 1 deleted" in applied(ambraconf, pruned, *SHARING)
    assert rules(sandbox) == [("group", "ED", "location", "Main Campus")]


def test_a_changed_rule_is_the_old_one_stopped_and_the_new_one_added(ambraconf, sandbox, tmp_path):
    seed_grid(sandbox)
    applied(ambraconf, config(tmp_path / "before", [ED_TO_MAIN], head="prune: true"), *SHARING)
    changed = {"by": {"group": "ED"}, "with": {"user": DOCTOR}}
    folder = config(tmp_path / "after", [changed], head="prune: true")
    plan = ambraconf("plan", str(folder), "--format", "json")
    ops = sorted((a["op"], a["name"]) for a in json.loads(plan.out)["actions"] if a["op"] != "noop")
    assert ops == [
        ("create", f"group ED/user {DOCTOR}"),
        ("delete", "group ED/location Main Campus"),
    ]
    assert "1 created, 0 updated, 1 deleted" in applied(ambraconf, folder, *SHARING)
    assert rules(sandbox) == [("group", "ED", "user", "Dr Lee")]
    no_changes(ambraconf, folder)


def test_export_writes_rules_by_name_and_plans_as_no_changes(ambraconf, sandbox, tmp_path):
    seed_grid(sandbox)
    applied(ambraconf, config(tmp_path / "cfg", [ED_TO_MAIN, LEE_TO_PARTNER]), *SHARING)
    out = tmp_path / "exported"
    run = ambraconf("export", "--account", ACCOUNT, "--out", str(out))
    assert run.code == 0, run.err
    exported = yaml.safe_load((out / "share_rules.yaml").read_text())["accounts"][0]
    assert exported["share_rules"] == [ED_TO_MAIN, LEE_TO_PARTNER]
    no_changes(ambraconf, out)


def test_a_side_names_one_object_that_exists(ambraconf, sandbox, tmp_path):
    both = {"by": {"group": "ED", "location": "Main Campus"}, "with": {"group": "ED"}}
    run = ambraconf("validate", str(config(tmp_path / "two", [both])))
    assert run.code == 1
    assert "a side of a share rule takes only one of: group, location" in run.out + run.err
    nowhere = {"by": {"group": "ED"}, "with": {"account": "Nowhere Health"}}
    plan = ambraconf("plan", str(config(tmp_path / "nowhere", [nowhere])))
    assert plan.code == 1
    text = plan.out + plan.err
    assert f"account 'Nowhere Health' does not exist live in {ACCOUNT}" in text
    assert "Traceback" not in text


def test_a_new_share_rule_is_a_dangerous_change_apply_refuses_unacknowledged(
    ambraconf, sandbox: SandboxHandle, tmp_path: Path
) -> None:
    folder = config(tmp_path / "cfg", [ED_TO_MAIN])
    run = ambraconf("apply", str(folder), "--auto-approve")
    assert run.code == 1
    assert (
        f"{ACCOUNT}/share_rule/group ED/location Main Campus: lets one side share studies"
        in run.err
    )
    assert not sandbox.ok("/account/can/share/list", account_id=sandbox.account_id)["rules"]
