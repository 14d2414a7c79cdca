"""Why an action is in the plan: a cause scripts can act on, and the same said in words."""

from __future__ import annotations

import json
from pathlib import Path

from ambraconf.sandbox.harness import SandboxHandle

ACCOUNT = "Sandbox Hospital"


def plan_actions(ambraconf, clinic: Path) -> dict[str, dict]:
    run = ambraconf("plan", str(clinic), "--format", "json")
    assert run.code == 0, run.err
    return {a["address"]: a for a in json.loads(run.out)["actions"]}


def role_uuid(sandbox: SandboxHandle, name: str) -> str:
    roles = sandbox.ok("/role/list", account_id=sandbox.account_id)["roles"]
    return next(r["uuid"] for r in roles if r["name"] == name)


def test_first_plan_creates_and_the_account_itself_is_planned_like_any_object(
    ambraconf, with_pacs, clinic: Path
) -> None:
    actions = plan_actions(ambraconf, clinic)
    assert actions[f"{ACCOUNT}/role/Radiologist"]["cause"] == "created"
    account = actions[f"{ACCOUNT}/account/{ACCOUNT}"]
    assert account["kind"] == "account" and account["op"] in ("update", "noop")
    assert account["cause"] in ("changed", "matches")


def test_an_object_deleted_outside_ambraconf_since_the_last_apply_is_recreated(
    ambraconf, with_pacs, sandbox: SandboxHandle, clinic: Path
) -> None:
    assert ambraconf("apply", str(clinic), "--auto-approve").code == 0
    routes = sandbox.ok("/route/list", account_id=sandbox.account_id)["routes"]
    sandbox.ok("/route/delete", uuid=next(r["uuid"] for r in routes if r["name"] == "STAT to PACS"))

    action = plan_actions(ambraconf, clinic)[f"{ACCOUNT}/route/Cardiology/STAT to PACS"]
    assert (action["op"], action["cause"]) == ("create", "recreated")
    text = ambraconf("plan", str(clinic)).out
    assert '"Cardiology/STAT to PACS"  (deleted outside ambraconf since the last apply)' in text


def test_a_declared_rename_is_applied_by_its_cause(
    ambraconf, with_pacs, sandbox: SandboxHandle, clinic: Path
) -> None:
    assert ambraconf("apply", str(clinic), "--auto-approve").code == 0
    config = clinic / "clinic.yaml"
    text = config.read_text()
    renamed = "- name: Reading Radiologist\n        renamed_from: Radiologist\n"
    text = text.replace("- name: Radiologist\n", renamed, 1)
    config.write_text(text.replace("role: Radiologist", "role: Reading Radiologist"))
    action = plan_actions(ambraconf, clinic)[f"{ACCOUNT}/role/Reading Radiologist"]
    assert (action["op"], action["cause"]) == ("update", "renamed")

    assert ambraconf("apply", str(clinic), "--auto-approve").code == 0
    assert role_uuid(sandbox, "Reading Radiologist")


def test_an_action_names_its_object_in_parts_for_programs(ambraconf, with_pacs, clinic: Path):
    action = plan_actions(ambraconf, clinic)[f"{ACCOUNT}/route/Cardiology/STAT to PACS"]
    assert (action["account"], action["kind"]) == (ACCOUNT, "route")
    assert action["key"] == {"group": "Cardiology", "name": "STAT to PACS"}
