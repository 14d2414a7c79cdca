"""Group and location members end to end: account users by email with a role and flags,
plan, drift of hand-added members, global and ignored users left alone, missing users,
export round trip (groups and roles have no add-only field: nothing a member names is
ever replaced)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from e2e_helpers import applied, no_changes

from ambraconf.sandbox.harness import SandboxHandle

ACCOUNT = "Sandbox Hospital"
RAD = {"email": "rad@clinic.example", "password": "radiology12", "name": "Dr Rad"}
TECH = {"email": "tech@clinic.example", "password": "technician12", "name": "Tech"}
SSO = {"email": "sam@sso.example", "password": "provisioned12", "name": "Sam"}
GLOBAL = {"email": "chief@clinic.example", "password": "everywhere12", "name": "Chief"}


def config(folder: Path, **account: Any) -> Path:
    folder.mkdir(exist_ok=True)
    body = {"name": ACCOUNT, "roles": [{"name": "Radiologist"}], **account}
    (folder / "account.yaml").write_text(yaml.safe_dump({"accounts": [body]}, sort_keys=False))
    return folder


def listed(sandbox: SandboxHandle, kind: str, name: str) -> dict[str, dict[str, Any]]:
    """The members of the ``kind`` called ``name`` as the API lists them, by email."""
    owners = sandbox.ok(f"/{kind}/list", account_id=sandbox.account_id)[f"{kind}s"]
    owner = next(o["uuid"] for o in owners if o["name"] == name)
    emails = {
        u["user_id"]: u["user_email"]
        for u in sandbox.ok("/account/user/list", uuid=sandbox.account_id)["users"]
    }
    rows = sandbox.ok(f"/{kind}/user/list", uuid=owner)["users"]
    return {emails[row["user_id"]]: row for row in rows}


def user_id(sandbox: SandboxHandle, email: str) -> str:
    users = sandbox.ok("/account/user/list", uuid=sandbox.account_id)["users"]
    return next(u["user_id"] for u in users if u["user_email"] == email)


CARDIOLOGY = {
    "name": "Cardiology",
    "members": [
        {"email": "RAD@clinic.example", "role": "Radiologist", "event_share": True},
        {"email": TECH["email"]},
    ],
}
NORTH = {"name": "North Clinic", "members": [{"email": TECH["email"], "event_upload": True}]}


def test_apply_creates_memberships_and_plans_nothing_after(ambraconf, sandbox, tmp_path):
    sandbox.seed({"users": [RAD, TECH]})
    folder = config(
        tmp_path / "cfg",
        users=[{"email": RAD["email"]}],  # added in the same apply, before the group
        groups=[CARDIOLOGY],
        locations=[NORTH],
    )
    # the tech is live in the account already: a member may be a user no file lists
    sandbox.ok("/account/user/add", uuid=sandbox.account_id, email=TECH["email"])
    assert "Apply complete: 4 created, 0 updated, 0 deleted." in applied(ambraconf, folder)
    group = listed(sandbox, "group", "Cardiology")
    assert (group[RAD["email"]]["role_name"], group[RAD["email"]]["event_share"]) == (
        "Radiologist",
        1,
    )
    assert group[TECH["email"]]["role_name"] == "User"  # the default role
    location = listed(sandbox, "location", "North Clinic")
    assert set(location) == {TECH["email"]} and location[TECH["email"]]["event_upload"] == 1
    no_changes(ambraconf, folder)


def test_a_member_added_by_hand_is_drift_and_apply_removes_it(ambraconf, sandbox, tmp_path):
    sandbox.seed({"users": [RAD, TECH]})
    folder = config(
        tmp_path / "cfg",
        users=[{"email": RAD["email"]}, {"email": TECH["email"]}],
        groups=[{"name": "Cardiology", "members": [{"email": RAD["email"]}]}, {"name": "Other"}],
    )
    applied(ambraconf, folder)
    groups = sandbox.ok("/group/list", account_id=sandbox.account_id)["groups"]
    uuid = {g["name"]: g["uuid"] for g in groups}
    tech = user_id(sandbox, TECH["email"])
    sandbox.ok("/group/user/add", uuid=uuid["Cardiology"], user_id=tech)
    sandbox.ok("/group/user/add", uuid=uuid["Other"], user_id=tech)  # members not managed

    run = ambraconf("drift", str(folder), "--format", "json")
    assert run.code == 2, run.err
    [account] = json.loads(run.out)["accounts"]
    drifted = {o["address"]: o for o in account["objects"] if o["differences"]}
    assert list(drifted) == [f"{ACCOUNT}/group/Cardiology"]
    [difference] = drifted[f"{ACCOUNT}/group/Cardiology"]["differences"]
    assert (difference["field"], difference["git"]) == (f"members.{TECH['email']}", None)
    assert (difference["live"]["email"], difference["live"]["role"]) == (TECH["email"], "User")

    assert "Apply complete: 0 created, 1 updated, 0 deleted." in applied(ambraconf, folder)
    assert set(listed(sandbox, "group", "Cardiology")) == {RAD["email"]}
    assert set(listed(sandbox, "group", "Other")) == {TECH["email"]}
    no_changes(ambraconf, folder)


def test_a_changed_role_is_an_add_with_the_new_values(ambraconf, sandbox, tmp_path):
    sandbox.seed({"users": [RAD]})
    member = {"email": RAD["email"], "role": "Radiologist"}
    folder = config(
        tmp_path / "cfg",
        users=[{"email": RAD["email"]}],
        groups=[{"name": "Cardiology", "members": [member]}],
    )
    applied(ambraconf, folder)
    config(
        folder,
        users=[{"email": RAD["email"]}],
        groups=[
            {"name": "Cardiology", "members": [{**member, "role": "User", "event_message": True}]}
        ],
    )
    assert "Apply complete: 0 created, 1 updated, 0 deleted." in applied(ambraconf, folder)
    rad = listed(sandbox, "group", "Cardiology")[RAD["email"]]
    assert (rad["role_name"], rad["event_message"]) == ("User", 1)
    no_changes(ambraconf, folder)


def test_global_and_ignored_users_are_never_drift_nor_removed(ambraconf, sandbox, tmp_path):
    sandbox.seed({"users": [RAD, SSO, GLOBAL]})
    for email, extra in ((SSO["email"], {}), (GLOBAL["email"], {"global": 1})):
        sandbox.ok("/account/user/add", uuid=sandbox.account_id, email=email, **extra)
    folder = config(
        tmp_path / "cfg",
        users=[{"email": RAD["email"]}],
        groups=[{"name": "Cardiology", "members": [{"email": RAD["email"]}]}],
        ignore={"users": ["*@sso.example"]},
    )
    applied(ambraconf, folder)
    group = listed(sandbox, "group", "Cardiology")
    assert set(group) == {RAD["email"], GLOBAL["email"]}  # the API added the global user
    groups = sandbox.ok("/group/list", account_id=sandbox.account_id)["groups"]
    sandbox.ok("/group/user/add", uuid=groups[0]["uuid"], user_id=user_id(sandbox, SSO["email"]))

    run = ambraconf("drift", str(folder), "--format", "json")
    assert run.code == 0, run.out + run.err
    no_changes(ambraconf, folder)
    applied(ambraconf, folder)
    assert set(listed(sandbox, "group", "Cardiology")) == {
        RAD["email"],
        GLOBAL["email"],
        SSO["email"],
    }


def test_a_member_who_is_no_account_user_fails_the_plan_naming_every_one(
    ambraconf, sandbox, tmp_path
):
    ghosts = ["ghost.one@clinic.example", "ghost.two@clinic.example"]
    folder = config(
        tmp_path / "cfg",
        groups=[{"name": "Cardiology", "members": [{"email": g} for g in ghosts]}],
    )
    run = ambraconf("plan", str(folder))
    assert run.code == 1, run.out + run.err
    assert all(g in run.err for g in ghosts)
    assert "Traceback" not in run.err


def test_export_writes_members_and_round_trips(ambraconf, sandbox, tmp_path):
    sandbox.seed(
        {
            "users": [RAD, TECH, GLOBAL],
            "accounts": [
                {
                    "name": ACCOUNT,
                    "roles": [{"name": "Radiologist"}],
                    "members": [
                        {"email": RAD["email"]},
                        {"email": TECH["email"]},
                        {"email": GLOBAL["email"], "global": 1},
                    ],
                    "groups": [
                        {
                            "name": "Cardiology",
                            "members": [
                                {"email": RAD["email"], "role": "Radiologist", "event_share": 1},
                                {"email": TECH["email"], "no_physician_alias_share": 1},
                            ],
                        }
                    ],
                    "locations": [{"name": "North Clinic", "members": [{"email": TECH["email"]}]}],
                }
            ],
        }
    )
    out = tmp_path / "exported"
    run = ambraconf("export", "--account", ACCOUNT, "--out", str(out))
    assert run.code == 0, run.err
    [group] = yaml.safe_load((out / "groups.yaml").read_text())["accounts"][0]["groups"]
    assert group["members"] == [  # sorted by email; the global user left out
        {"email": RAD["email"], "role": "Radiologist", "event_share": True},
        {"email": TECH["email"], "role": "User", "no_physician_alias_share": True},
    ]
    [location] = yaml.safe_load((out / "locations.yaml").read_text())["accounts"][0]["locations"]
    assert location["members"] == [{"email": TECH["email"], "role": "User"}]
    no_changes(ambraconf, out)


def test_an_empty_list_removes_every_member_but_the_global_ones(ambraconf, sandbox, tmp_path):
    sandbox.seed({"users": [RAD, GLOBAL]})
    sandbox.ok("/account/user/add", uuid=sandbox.account_id, email=GLOBAL["email"], **{"global": 1})
    folder = config(
        tmp_path / "cfg",
        users=[{"email": RAD["email"]}],
        groups=[{"name": "Cardiology", "members": [{"email": RAD["email"]}]}],
    )
    applied(ambraconf, folder)
    config(folder, users=[{"email": RAD["email"]}], groups=[{"name": "Cardiology", "members": []}])
    assert "Apply complete: 0 created, 1 updated, 0 deleted." in applied(ambraconf, folder)
    assert set(listed(sandbox, "group", "Cardiology")) == {GLOBAL["email"]}
    no_changes(ambraconf, folder)


def test_a_member_role_that_cannot_serve_the_group_fails_validate(ambraconf, sandbox, tmp_path):
    folder = config(
        tmp_path / "cfg",
        roles=[{"name": "Front Desk", "for_group": False}],
        groups=[
            {
                "name": "Cardiology",
                "members": [{"email": "rad@clinic.example", "role": "Front Desk"}],
            }
        ],
    )
    run = ambraconf("validate", str(folder))
    assert run.code == 1, run.out + run.err
    assert "Front Desk" in run.out + run.err and "Traceback" not in run.err
