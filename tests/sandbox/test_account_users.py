"""Account users in the sandbox: what /account/user/* documents beyond the basics that
``test_groups_members.py`` covers (add, ALREADY_EXISTS, USER_NOT_FOUND, the group cascade,
IN_USE for a webhook's sid user)."""

from __future__ import annotations

from ambraconf.sandbox.harness import SandboxHandle

GRID_USER = {"email": "grid@sandbox.local", "password": "gridpass12", "name": "Grid User"}


def added(sandbox: SandboxHandle, acc: str, **params: object) -> str:
    sandbox.seed({"users": [GRID_USER]})
    return str(
        sandbox.ok("/account/user/add", uuid=acc, email=GRID_USER["email"], **params)["uuid"]
    )


def test_a_plain_user_may_not_add_or_remove_account_users(sandbox: SandboxHandle, acc: str) -> None:
    sandbox.seed({"users": [GRID_USER]})
    sid = sandbox.login(sandbox.user_login, sandbox.user_password)
    refused = sandbox.call("/account/user/add", sid=sid, uuid=acc, email=GRID_USER["email"])
    assert refused.error_type == "NOT_PERMITTED"
    member = sandbox.ok("/account/user/list", uuid=acc)["users"][0]["user_id"]
    refused = sandbox.call("/account/user/delete", sid=sid, uuid=acc, user_id=member)
    assert refused.error_type == "NOT_PERMITTED"
    assert member in {u["user_id"] for u in sandbox.ok("/account/user/list", uuid=acc)["users"]}


def test_set_refuses_a_role_of_another_account_and_settings_users_cannot_override(
    sandbox: SandboxHandle, acc: str
) -> None:
    user = added(sandbox, acc)
    other = sandbox.ok("/account/add", name="Elsewhere")["uuid"]
    foreign = sandbox.ok("/role/add", account_id=other, name="Theirs")["uuid"]
    reply = sandbox.call("/account/user/set", uuid=acc, user_id=user, role_id=foreign)
    assert (reply.error_type, reply.error_subtype) == ("ROLE_NOT_FOUND", "role_id")
    reply = sandbox.call(
        "/account/user/set", uuid=acc, user_id=user, settings={"enable_dicom_wrapping": "1"}
    )
    assert (reply.error_type, reply.error_subtype) == ("NO_USER_OVERRIDE", "enable_dicom_wrapping")
    sandbox.ok("/account/user/set", uuid=acc, user_id=user, settings={"viewer_enable_mpr": "1"})
    sandbox.ok("/account/user/set", uuid=acc, user_id=user, setting_viewer_enable_mpr="__DELETE__")
    assert sandbox.ok("/account/user/get", uuid=acc, user_id=user)["settings"] == {}


def test_delete_removes_the_user_from_the_account_and_its_locations_not_from_the_grid(
    sandbox: SandboxHandle, acc: str
) -> None:
    user = added(sandbox, acc, account_alias="Dr Grid")
    location = sandbox.ok("/location/add", account_id=acc, name="Main Street")["uuid"]
    sandbox.ok("/location/user/add", uuid=location, user_id=user)
    sandbox.ok("/account/user/delete", uuid=acc, user_id=user)
    assert sandbox.ok("/location/user/list", uuid=location)["users"] == []
    assert user not in {u["user_id"] for u in sandbox.ok("/account/user/list", uuid=acc)["users"]}
    # still a grid user: they log in, and the account can add them again
    assert sandbox.login(GRID_USER["email"], GRID_USER["password"])
    again = sandbox.ok("/account/user/add", uuid=acc, email=GRID_USER["email"])
    assert again["uuid"] == user
    assert sandbox.ok("/account/user/get", uuid=acc, user_id=user)["account_alias"] is None


def test_the_list_finds_users_by_email_without_case(sandbox: SandboxHandle, acc: str) -> None:
    user = added(sandbox, acc)
    found = sandbox.ok(
        "/account/user/list", uuid=acc, **{"filter.user_email.equals": "GRID@sandbox.local"}
    )["users"]
    assert [u["user_id"] for u in found] == [user]
