"""Accounts: list, get, set with settings (merge, validation), and the sysadmin-only add/delete."""

from __future__ import annotations

from ambraconf.sandbox.harness import SandboxHandle


def test_list_shows_the_callers_accounts(sandbox: SandboxHandle, acc: str) -> None:
    listed = sandbox.ok("/account/list")
    assert [a["uuid"] for a in listed["accounts"]] == [acc]
    assert listed["page"] == {"more": 0, "rows": 100, "number": 1}


def test_get_returns_documented_fields_and_effective_settings(
    sandbox: SandboxHandle, acc: str
) -> None:
    account = sandbox.ok("/account/get", uuid=acc)
    assert account["name"] == "Sandbox Hospital"
    assert account["namespace_id"]
    assert account["role_name"] == "User"
    assert account["settings"]["namespace_names_globally_unique"] == "0"


def test_permissions_flag_adds_the_callers_role(sandbox: SandboxHandle, acc: str) -> None:
    account = sandbox.ok("/account/get", uuid=acc, permissions=1)
    assert account["role_name"] == "Admin"
    assert account["default_role_name"] == "User"
    assert account["permissions"]["account_edit"] == 1
    listed = sandbox.ok("/account/list", permissions=1)["accounts"][0]
    assert listed["role_name"] == "Admin"


def test_settings_merge_a_subset(sandbox: SandboxHandle, acc: str) -> None:
    sandbox.ok("/account/set", uuid=acc, settings={"ui_json": '{"a":1}', "allow_phr_upload": "1"})
    sandbox.ok("/account/set", uuid=acc, setting_allow_phr_upload="0")
    settings = sandbox.ok("/account/get", uuid=acc)["settings"]
    assert (settings["ui_json"], settings["allow_phr_upload"]) == ('{"a":1}', "0")


def test_settings_are_validated_against_the_table(sandbox: SandboxHandle, acc: str) -> None:
    unknown = sandbox.call("/account/set", uuid=acc, settings={"no_such_setting": "1"})
    assert (unknown.error_type, unknown.error_subtype) == ("INVALID_SETTING", "no_such_setting")
    flag = sandbox.call("/account/set", uuid=acc, setting_allow_phr_upload="maybe")
    assert (flag.error_type, flag.error_subtype) == ("INVALID_SETTING_VALUE", "allow_phr_upload")
    number = sandbox.call("/account/set", uuid=acc, settings={"max_match_study_hl7": "many"})
    assert number.error_type == "INVALID_SETTING_VALUE"
    nested = sandbox.call("/account/set", uuid=acc, settings={"ui_json": {"a": 1}})
    assert (nested.error_type, nested.error_subtype) == ("INVALID_SETTING_VALUE", "ui_json")
    not_hash = sandbox.call("/account/set", uuid=acc, settings="[1]")
    assert (not_hash.error_type, not_hash.error_subtype) == ("INVALID_JSON", "settings")


def test_set_fields(sandbox: SandboxHandle, acc: str) -> None:
    sandbox.ok("/account/set", uuid=acc, session_expire=60, must_approve=1, vendor="Acme")
    account = sandbox.ok("/account/get", uuid=acc)
    assert (account["session_expire"], account["must_approve"], account["vendor"]) == (
        60,
        1,
        "Acme",
    )


def test_default_role_must_exist_and_allow_accounts(sandbox: SandboxHandle, acc: str) -> None:
    missing = sandbox.call("/account/set", uuid=acc, role_id="6f1c1f0e-0000-4000-8000-000000000000")
    assert (missing.error_type, missing.error_subtype) == ("NOT_FOUND", "role_id")
    group_only = sandbox.ok("/role/add", account_id=acc, name="G", for_account=0)["uuid"]
    mismatch = sandbox.call("/account/set", uuid=acc, role_id=group_only)
    assert (mismatch.error_type, mismatch.error_subtype) == (
        "ROLE_NAMESPACE_MISMATCH",
        "INCOMPATIBLE_ROLE",
    )
    assert mismatch["error_data"]["role_id"] == group_only


def test_add_creates_roles_namespace_and_membership(sandbox: SandboxHandle) -> None:
    added = sandbox.ok("/account/add", name="Second Clinic")
    roles = sandbox.ok("/role/list", account_id=added["uuid"])["roles"]
    assert sorted(r["name"] for r in roles) == ["Admin", "Anonymous", "PHR", "User"]
    account = sandbox.ok("/account/get", uuid=added["uuid"], permissions=1)
    assert account["namespace_id"] == added["namespace_id"]
    assert account["role_name"] == "Admin"
    assert len(sandbox.ok("/account/list")["accounts"]) == 2


def test_account_names_are_unique_without_case(sandbox: SandboxHandle, acc: str) -> None:
    assert sandbox.call("/account/add", name="sandbox HOSPITAL").error_type == "DUPLICATE_NAME"
    other = sandbox.ok("/account/add", name="Other")["uuid"]
    assert (
        sandbox.call("/account/set", uuid=other, name="Sandbox hospital").error_type
        == "DUPLICATE_NAME"
    )


def test_add_and_delete_need_a_sysadmin(sandbox: SandboxHandle) -> None:
    sid = sandbox.login(sandbox.user_login, sandbox.user_password)
    assert sandbox.call("/account/add", sid=sid, name="Mine").error_type == "NOT_PERMITTED"
    other = sandbox.ok("/account/add", name="Other")["uuid"]
    assert sandbox.call("/account/delete", sid=sid, uuid=other).error_type == "NOT_PERMITTED"
    assert sandbox.call("/account/delete", uuid=other).status == 200
    assert sandbox.call("/account/get", uuid=other).error_type == "NOT_FOUND"
    assert sandbox.call("/role/list", account_id=other).error_type == "NOT_FOUND"


def test_a_plain_member_cannot_edit_the_account(sandbox: SandboxHandle, acc: str) -> None:
    sid = sandbox.login(sandbox.user_login, sandbox.user_password)
    assert sandbox.call("/account/get", sid=sid, uuid=acc).status == 200
    assert sandbox.call("/account/set", sid=sid, uuid=acc, vendor="x").error_type == "NOT_PERMITTED"


def test_vanity_is_checked_and_unique(sandbox: SandboxHandle, acc: str) -> None:
    assert sandbox.call("/account/set", uuid=acc, vanity="bad host!").error_type == "INVALID_VANITY"
    sandbox.ok("/account/set", uuid=acc, vanity="hospital.example.com,h2.example.com")
    other = sandbox.ok("/account/add", name="Other")["uuid"]
    reply = sandbox.call("/account/set", uuid=other, vanity="H2.example.com")
    assert reply.error_type == "DUPLICATE_VANITY"


def test_share_codes_are_unique_across_accounts_groups_locations(
    sandbox: SandboxHandle, acc: str
) -> None:
    sandbox.ok("/account/set", uuid=acc, share_code="SHARE1")
    reply = sandbox.call("/group/add", account_id=acc, name="G", share_code="share1")
    assert reply.error_type == "DUP_SHARE_CODE"
    location = sandbox.ok("/location/add", account_id=acc, name="L", share_code="SHARE2")["uuid"]
    assert (
        sandbox.call("/account/set", uuid=acc, share_code="SHARE2").error_type == "DUP_SHARE_CODE"
    )
    assert sandbox.call("/location/set", uuid=location, share_code="SHARE2").status == 200


def test_account_user_list(sandbox: SandboxHandle, acc: str) -> None:
    users = sandbox.ok("/account/user/list", uuid=acc)["users"]
    by_email = {u["user_email"]: u for u in users}
    assert by_email[sandbox.admin_login]["role_name"] == "Admin"
    assert by_email[sandbox.user_login]["role_name"] == "User"
    assert "groups" not in by_email[sandbox.user_login]
