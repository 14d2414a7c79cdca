"""Account users end to end: existing grid users added to the account with their roles,
plan, drift, export, prune (from the account only), missing grid users, ignore patterns."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from ambraconf.sandbox.harness import SandboxHandle

ACCOUNT = "Sandbox Hospital"
RAD = {"email": "rad@clinic.example", "password": "radiology12", "name": "Dr Rad"}
TECH = {"email": "tech@clinic.example", "password": "technician12", "name": "Tech"}
SSO = {"email": "sam@sso.example", "password": "provisioned12", "name": "Sam"}


def config(folder: Path, users: list[dict[str, Any]], **account: Any) -> Path:
    """A config of the seeded account with a Radiologist role and ``users``."""
    folder.mkdir(exist_ok=True)
    body = {"name": ACCOUNT, "roles": [{"name": "Radiologist"}], "users": users, **account}
    (folder / "account.yaml").write_text(yaml.safe_dump({"accounts": [body]}, sort_keys=False))
    return folder


def members(sandbox: SandboxHandle) -> dict[str, dict[str, Any]]:
    """The account's users as the API lists them, by email."""
    users = sandbox.ok("/account/user/list", uuid=sandbox.account_id)["users"]
    return {u["user_email"]: u for u in users}


def applied(ambraconf, folder: Path) -> str:
    run = ambraconf("apply", str(folder), "--auto-approve")
    assert run.code == 0, run.out + run.err
    return run.out


def planned(ambraconf, folder: Path) -> dict[str, Any]:
    run = ambraconf("plan", str(folder), "--format", "json")
    assert run.code == 0, run.out + run.err
    return json.loads(run.out)


RAD_USER = {
    "email": "RAD@clinic.example",  # emails compare without case, as the API's do
    "role": "Radiologist",
    "account_alias": "Dr Rad",
    "event_share": True,
    "settings": {"viewer_enable_mpr": True},
}


def test_apply_adds_existing_grid_users_with_their_roles(ambraconf, sandbox, tmp_path):
    sandbox.seed({"users": [RAD, TECH]})
    hook = {"name": "Notify", "event": "MANUAL", "url": "https://ehr.example/h", "method": "POST"}
    folder = config(
        tmp_path / "cfg",
        [RAD_USER, {"email": TECH["email"], "role": "User"}],
        webhooks=[
            {**hook, "sid_user": RAD["email"]},  # added in the same apply
            {**hook, "name": "As a user no file lists", "sid_user": sandbox.user_login},
        ],
    )
    assert "Apply complete: 5 created, 0 updated, 0 deleted." in applied(ambraconf, folder)
    live = members(sandbox)
    rad, tech = live[RAD["email"]], live[TECH["email"]]
    assert (rad["role_name"], rad["account_alias"], rad["event_share"]) == (
        "Radiologist",
        "Dr Rad",
        1,
    )
    assert rad["settings"] == {"viewer_enable_mpr": "1"}
    assert tech["role_name"] == "User"
    hooks = {
        h["name"]: h["sid_user_id"]
        for h in sandbox.ok("/webhook/list", account_id=sandbox.account_id)["webhooks"]
    }
    assert hooks == {
        "Notify": rad["user_id"],
        "As a user no file lists": live[sandbox.user_login]["user_id"],
    }
    run = ambraconf("plan", str(folder), "--detailed-exitcode")
    assert run.code == 0, run.out + run.err
    assert "No changes." in run.out


def test_a_role_changed_by_hand_is_drift(ambraconf, sandbox, tmp_path):
    sandbox.seed({"users": [TECH]})
    folder = config(tmp_path / "cfg", [{"email": TECH["email"], "role": "User"}])
    applied(ambraconf, folder)
    roles = sandbox.ok("/role/list", account_id=sandbox.account_id)["roles"]
    radiologist = next(r["uuid"] for r in roles if r["name"] == "Radiologist")
    user = members(sandbox)[TECH["email"]]["user_id"]
    sandbox.ok("/account/user/set", uuid=sandbox.account_id, user_id=user, role_id=radiologist)

    run = ambraconf("drift", str(folder), "--format", "json")
    assert run.code == 2, run.err
    [account] = json.loads(run.out)["accounts"]
    drifted = {o["address"]: o for o in account["objects"] if o["differences"]}
    tech = drifted.pop(f"{ACCOUNT}/account_user/{TECH['email']}")
    assert drifted == {}  # the sandbox's own users are only reported as unmanaged
    assert [(d["field"], d["git"], d["live"]) for d in tech["differences"]] == [
        ("role", "User", "Radiologist")
    ]


def test_export_plans_as_no_changes(ambraconf, sandbox, tmp_path):
    sandbox.seed(
        {
            "users": [RAD],
            "accounts": [
                {
                    "name": ACCOUNT,
                    "customfields": [{"name": "Badge", "object": "User_account", "type": "text"}],
                    "roles": [{"name": "Radiologist"}],
                    "members": [
                        {"email": RAD["email"], "role": "Radiologist", "account_alias": "Dr Rad"}
                        | {"event_upload": 1, "global": 1, "global_role": "Radiologist"}
                        | {"settings": {"viewer_enable_mpr": "1"}, "max_sessions": 3}
                    ],
                }
            ],
        }
    )
    badge = sandbox.ok("/customfield/list", account_id=sandbox.account_id)["customfields"][0]
    user = members(sandbox)[RAD["email"]]["user_id"]
    sandbox.ok(
        "/account/user/set",
        uuid=sandbox.account_id,
        user_id=user,
        **{f"customfield-{badge['uuid']}": "B-7"},
    )
    out = tmp_path / "exported"
    run = ambraconf("export", "--account", ACCOUNT, "--out", str(out))
    assert run.code == 0, run.err
    exported = yaml.safe_load((out / "users.yaml").read_text())["accounts"][0]["users"]
    by_email = {u["email"]: u for u in exported}
    assert by_email[RAD["email"]] == {
        "email": RAD["email"],
        "role": "Radiologist",
        "global": True,
        "global_role": "Radiologist",
        "account_alias": "Dr Rad",
        "max_sessions": 3,
        "event_upload": True,
        "settings": {"viewer_enable_mpr": True},
        "customfields": {"Badge": "B-7"},
    }
    assert by_email[sandbox.user_login] == {"email": sandbox.user_login, "role": "User"}
    run = ambraconf("plan", str(out), "--detailed-exitcode")
    assert run.code == 0, run.out + run.err
    assert "No changes." in run.out


def test_prune_removes_a_user_from_the_account_only(ambraconf, sandbox, tmp_path):
    sandbox.seed({"users": [RAD, TECH]})
    both = [RAD_USER, {"email": TECH["email"]}]
    folder = tmp_path / "cfg"
    applied(ambraconf, config(folder, both))
    kept = {"ignore": {"users": ["*@sandbox.local"]}}

    # prune: true leaves users out: a user is named by webhooks no file may list
    config(folder, [{"email": TECH["email"]}], prune=True, **kept)
    plan = planned(ambraconf, folder)
    assert not [a for a in plan["actions"] if a["op"] == "delete"]
    assert plan["unmanaged"][ACCOUNT]["account_user"] == [RAD["email"]]

    config(folder, [{"email": TECH["email"]}], prune={"users": True}, **kept)
    out = applied(ambraconf, folder)
    assert "Apply complete: 0 created, 0 updated, 1 deleted." in out
    assert set(members(sandbox)) == {TECH["email"], sandbox.user_login, sandbox.admin_login}
    # the grid user is still there: they log in, and a config can add them back
    assert sandbox.login(RAD["email"], RAD["password"])
    applied(ambraconf, config(folder, both))
    assert RAD["email"] in members(sandbox)


def test_missing_grid_users_fail_with_one_message_before_any_change(ambraconf, sandbox, tmp_path):
    sandbox.seed({"users": [TECH]})
    before = members(sandbox)
    roles = sandbox.ok("/role/list", account_id=sandbox.account_id)["roles"]
    ghosts = ["ghost.one@clinic.example", "ghost.two@clinic.example"]
    folder = config(
        tmp_path / "cfg",
        [{"email": TECH["email"]}, *({"email": g, "role": "User"} for g in ghosts)],
    )
    plan = ambraconf("plan", str(folder))
    assert plan.code == 0, plan.err
    assert "must already exist outside the account" in plan.out

    run = ambraconf("apply", str(folder), "--auto-approve")
    assert run.code == 1, run.out + run.err
    [message] = [line for line in run.err.splitlines() if "ghost" in line]
    assert all(g in message for g in ghosts)
    assert "USER_NOT_FOUND" in message and "before changing anything" in message
    assert TECH["email"] not in message
    # nothing changed: the existing user added first was taken out again, no role made
    assert members(sandbox) == before
    assert sandbox.ok("/role/list", account_id=sandbox.account_id)["roles"] == roles


def test_ignore_patterns_keep_sso_users_out_of_prune_and_unmanaged(ambraconf, sandbox, tmp_path):
    sandbox.seed(
        {
            "users": [TECH, SSO],
            "accounts": [{"name": ACCOUNT, "members": [{"email": SSO["email"], "role": "User"}]}],
        }
    )
    folder = config(
        tmp_path / "cfg",
        [{"email": TECH["email"]}],
        prune={"users": True},
        ignore={"users": ["*@sso.example", "*@SANDBOX.local"]},
    )
    plan = planned(ambraconf, folder)
    deletes = [a for a in plan["actions"] if a["op"] == "delete"]
    assert deletes == []
    assert "account_user" not in plan.get("unmanaged", {}).get(ACCOUNT, {})
    applied(ambraconf, folder)
    assert set(members(sandbox)) == {
        TECH["email"],
        SSO["email"],
        sandbox.user_login,
        sandbox.admin_login,
    }
