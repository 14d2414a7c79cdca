"""Roles that grant exactly what the files say (``exact: true``), against the sandbox."""

from __future__ import annotations

import json
from pathlib import Path

from ambraconf.sandbox.harness import SandboxHandle

ACCOUNT = "Sandbox Hospital"
ROLE = f"{ACCOUNT}/role/Radiologist"


def exact(clinic: Path, where: str = "role") -> None:
    """Mark the clinic's Radiologist exact, on the role or as the account's default."""
    config = clinic / "clinic.yaml"
    text = config.read_text()
    if where == "role":
        text = text.replace(
            "        description: Reads studies\n",
            "        description: Reads studies\n        exact: true\n",
        )
    else:
        text = text.replace(f"  - name: {ACCOUNT}\n", f"  - name: {ACCOUNT}\n    exact: true\n")
    config.write_text(text)


def live_permissions(sandbox: SandboxHandle) -> dict:
    roles = sandbox.ok("/role/list", account_id=sandbox.account_id)["roles"]
    role = next(r for r in roles if r["name"] == "Radiologist")
    permissions = role["permissions"]
    return json.loads(permissions) if isinstance(permissions, str) else permissions


def granted(permissions: dict) -> set[str]:
    return {k for k, v in permissions.items() if v in (1, "1", True)}


def role_uuid(sandbox: SandboxHandle) -> str:
    roles = sandbox.ok("/role/list", account_id=sandbox.account_id)["roles"]
    return next(r["uuid"] for r in roles if r["name"] == "Radiologist")


def test_in_merge_mode_a_new_role_keeps_the_default_column(ambraconf, with_pacs, clinic: Path):
    assert ambraconf("apply", str(clinic), "--auto-approve").code == 0
    assert len(granted(live_permissions(with_pacs))) > 2  # study_view, study_download and more


def test_an_exact_role_is_created_with_exactly_its_permissions(ambraconf, with_pacs, clinic: Path):
    exact(clinic)
    run = ambraconf("apply", str(clinic), "--auto-approve")
    assert run.code == 0, run.out + run.err
    assert "exact: keys of permissions that the files do not list are turned off" in run.out
    permissions = live_permissions(with_pacs)
    assert granted(permissions) == {"study_view", "study_download"}
    plan = ambraconf("plan", str(clinic), "--detailed-exitcode")
    assert plan.code == 0, plan.out


def test_a_hand_grant_to_an_exact_role_is_drift_and_apply_turns_it_off(
    ambraconf, with_pacs, sandbox: SandboxHandle, clinic: Path
):
    exact(clinic, where="account")
    assert ambraconf("apply", str(clinic), "--auto-approve").code == 0
    sandbox.ok("/role/set", uuid=role_uuid(sandbox), permissions=json.dumps({"study_delete": 1}))

    plan = ambraconf("plan", str(clinic), "--format", "json")
    action = next(a for a in json.loads(plan.out)["actions"] if a["address"] == ROLE)
    assert action["op"] == "update"
    assert [(c["path"], c["before"], c["after"]) for c in action["changes"]] == [
        ("permissions.study_delete", True, False)
    ]
    drift = ambraconf("drift", str(clinic), "--format", "json")
    assert drift.code == 2
    [item] = [
        o for a in json.loads(drift.out)["accounts"] for o in a["objects"] if o["address"] == ROLE
    ]
    assert item["cause"] == "outside"  # changed outside ambraconf, not pending apply

    assert ambraconf("apply", str(clinic), "--auto-approve").code == 0
    assert "study_delete" not in granted(live_permissions(sandbox))
    assert ambraconf("plan", str(clinic), "--detailed-exitcode").code == 0


def test_a_hand_grant_to_a_role_in_merge_mode_is_left_alone(
    ambraconf, with_pacs, sandbox: SandboxHandle, clinic: Path
):
    assert ambraconf("apply", str(clinic), "--auto-approve").code == 0
    sandbox.ok("/role/set", uuid=role_uuid(sandbox), permissions=json.dumps({"study_delete": 1}))
    assert ambraconf("plan", str(clinic), "--detailed-exitcode").code == 0


def test_exact_is_refused_where_a_kind_has_nothing_to_turn_off(ambraconf, clinic: Path):
    config = clinic / "clinic.yaml"
    config.write_text(
        config.read_text().replace(
            "      - name: Notify EHR\n", "      - name: Notify EHR\n        exact: true\n"
        )
    )
    run = ambraconf("validate", str(clinic))
    assert run.code == 1
    assert "unknown key 'exact'" in run.out
