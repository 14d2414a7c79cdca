"""Groups and locations (namespaces, default roles, custom fields) and their members."""

from __future__ import annotations

import pytest

from ambraconf.sandbox.harness import SandboxHandle

LEVELS = ["group", "location"]


@pytest.fixture(params=LEVELS)
def level(request: pytest.FixtureRequest) -> str:
    return request.param


def user_id(sandbox: SandboxHandle) -> str:
    sid = sandbox.login(sandbox.user_login, sandbox.user_password)
    return sandbox.ok("/session/user", sid=sid)["uuid"]


def test_add_creates_a_namespace(sandbox: SandboxHandle, acc: str, level: str) -> None:
    added = sandbox.ok(f"/{level}/add", account_id=acc, name="Cardiology")
    assert added["namespace_id"] and added["namespace_id"] != added["uuid"]
    got = sandbox.ok(f"/{level}/get", uuid=added["uuid"])
    assert got["namespace_id"] == added["namespace_id"]
    settings = sandbox.ok("/namespace/settings", uuid=added["namespace_id"])
    assert settings["no_dup_share"] is None


def test_default_role_and_its_name(sandbox: SandboxHandle, acc: str, level: str) -> None:
    role = sandbox.ok("/role/add", account_id=acc, name="Reader")["uuid"]
    uuid = sandbox.ok(f"/{level}/add", account_id=acc, name="X", role_id=role)["uuid"]
    assert sandbox.ok(f"/{level}/get", uuid=uuid)["role_name"] == "Reader"
    missing = sandbox.call(
        f"/{level}/set", uuid=uuid, role_id="6f1c1f0e-0000-4000-8000-000000000000"
    )
    assert (missing.error_type, missing.error_subtype) == ("NOT_FOUND", "role_id")
    barred = sandbox.ok("/role/add", account_id=acc, name="No", **{f"for_{level}": 0})["uuid"]
    mismatch = sandbox.call(f"/{level}/set", uuid=uuid, role_id=barred)
    assert mismatch.error_type == "ROLE_NAMESPACE_MISMATCH"


def test_namespace_names_unique_only_when_the_account_says_so(
    sandbox: SandboxHandle, acc: str
) -> None:
    sandbox.ok("/group/add", account_id=acc, name="Same")
    sandbox.ok("/location/add", account_id=acc, name="Same")
    sandbox.ok("/account/set", uuid=acc, setting_namespace_names_globally_unique="1")
    assert (
        sandbox.call("/group/add", account_id=acc, name="same").error_type == "DUP_NAMESPACE_NAME"
    )


def test_rename_shows_in_routes_namespace_name(
    sandbox: SandboxHandle, acc: str, level: str
) -> None:
    owner = sandbox.ok(f"/{level}/add", account_id=acc, name="Old")["uuid"]
    route = sandbox.ok(
        "/route/add",
        **{f"{level}_id": owner},
        name="R",
        on_share=1,
        on_harvest=1,
        conditions=[],
        actions=[{"share_code": "X"}],
    )["uuid"]
    assert sandbox.ok("/route/get", uuid=route)["namespace_name"] == "Old"
    sandbox.ok(f"/{level}/set", uuid=owner, name="New")
    assert sandbox.ok("/route/get", uuid=route)["namespace_name"] == "New"


def test_delete_takes_linked_routes_and_members(
    sandbox: SandboxHandle, acc: str, level: str
) -> None:
    owner = sandbox.ok(f"/{level}/add", account_id=acc, name="Gone")
    route = sandbox.ok(
        "/route/add",
        namespace_id=owner["namespace_id"],
        name="R",
        on_share=1,
        on_harvest=1,
        conditions=[],
        actions=[{"share_code": "X"}],
    )["uuid"]
    sandbox.ok(f"/{level}/delete", uuid=owner["uuid"])
    assert sandbox.call("/route/get", uuid=route).error_type == "NOT_FOUND"
    assert sandbox.call("/namespace/settings", uuid=owner["namespace_id"]).error_type == "NOT_FOUND"


def test_custom_field_values(sandbox: SandboxHandle, acc: str, level: str) -> None:
    field = sandbox.ok(
        "/customfield/add", account_id=acc, name="Cost centre", object=level.capitalize()
    )["uuid"]
    date = sandbox.ok(
        "/customfield/add", account_id=acc, name="Opened", object=level.capitalize(), type="date"
    )["uuid"]
    uuid = sandbox.ok(f"/{level}/add", account_id=acc, name="X", **{f"customfield-{field}": "42"})[
        "uuid"
    ]
    fields = {f["name"]: f for f in sandbox.ok(f"/{level}/get", uuid=uuid)["customfields"]}
    assert fields["Cost centre"]["value"] == "42"
    assert fields["Opened"]["value"] is None
    bad_date = sandbox.call(f"/{level}/set", uuid=uuid, **{f"customfield-{date}": "01/02/2024"})
    assert bad_date.error_type == "INVALID_CUSTOMFIELD"
    study = sandbox.ok("/customfield/add", account_id=acc, name="S", object="Study")["uuid"]
    wrong_object = sandbox.call(f"/{level}/set", uuid=uuid, **{f"customfield-{study}": "x"})
    assert wrong_object.error_type == "INVALID_CUSTOMFIELD"
    assert f"customfield-{study}" in wrong_object.error_subtype[0]


def test_member_add_is_an_upsert(sandbox: SandboxHandle, acc: str, level: str) -> None:
    owner = sandbox.ok(f"/{level}/add", account_id=acc, name="Team")["uuid"]
    member = user_id(sandbox)
    sandbox.ok(f"/{level}/user/add", uuid=owner, user_id=member)
    users = sandbox.ok(f"/{level}/user/list", uuid=owner)["users"]
    assert [(u["user_id"], u["role_name"]) for u in users] == [(member, "User")]
    reader = sandbox.ok("/role/add", account_id=acc, name="Reader")["uuid"]
    sandbox.ok(f"/{level}/user/add", uuid=owner, user_id=member, role_id=reader, event_share=1)
    users = sandbox.ok(f"/{level}/user/list", uuid=owner)["users"]
    assert [(u["role_name"], u["event_share"]) for u in users] == [("Reader", 1)]
    sandbox.ok(f"/{level}/user/delete", uuid=owner, user_id=member)
    assert sandbox.ok(f"/{level}/user/list", uuid=owner)["users"] == []


def test_member_errors(sandbox: SandboxHandle, acc: str, level: str) -> None:
    owner = sandbox.ok(f"/{level}/add", account_id=acc, name="Team")["uuid"]
    stranger = sandbox.call(
        f"/{level}/user/add", uuid=owner, user_id="6f1c1f0e-0000-4000-8000-000000000000"
    )
    assert stranger.error_type == "USER_NOT_FOUND"
    no_role = sandbox.call(
        f"/{level}/user/add",
        uuid=owner,
        user_id=user_id(sandbox),
        role_id="6f1c1f0e-0000-4000-8000-000000000000",
    )
    assert no_role.error_type == "ROLE_NOT_FOUND"
    flag = sandbox.call(f"/{level}/user/add", uuid=owner, user_id=user_id(sandbox), event_share="2")
    assert (flag.error_type, flag.error_subtype) == ("INVALID_FLAG", "event_share")
    nowhere = sandbox.call(f"/{level}/user/list", uuid="6f1c1f0e-0000-4000-8000-000000000000")
    assert nowhere.error_type == "NOT_FOUND"


def test_nobody_promotes_themselves_to_admin(sandbox: SandboxHandle, acc: str) -> None:
    roles = {r["name"]: r["uuid"] for r in sandbox.ok("/role/list", account_id=acc)["roles"]}
    sandbox.ok("/role/set", uuid=roles["User"], permission_group_edit="1")
    group = sandbox.ok("/group/add", account_id=acc, name="Team")["uuid"]
    sid = sandbox.login(sandbox.user_login, sandbox.user_password)
    me = user_id(sandbox)
    reply = sandbox.call("/group/user/add", sid=sid, uuid=group, user_id=me, role_id=roles["Admin"])
    assert reply.error_type == "CAN_NOT_PROMOTE"
    assert sandbox.call("/group/user/add", sid=sid, uuid=group, user_id=me).status == 200


def test_global_users_join_every_group_and_location(sandbox: SandboxHandle, acc: str) -> None:
    before = sandbox.ok("/group/add", account_id=acc, name="Before")["uuid"]
    sandbox.seed({"users": [{"email": "g@sandbox.local", "password": "global12"}]})
    reader = sandbox.ok("/role/add", account_id=acc, name="Reader")["uuid"]
    added = sandbox.ok(
        "/account/user/add",
        uuid=acc,
        email="g@sandbox.local",
        **{"global": 1, "global_role_id": reader},
    )["uuid"]
    after = sandbox.ok("/location/add", account_id=acc, name="After")["uuid"]
    for path, owner in (("/group/user/list", before), ("/location/user/list", after)):
        users = sandbox.ok(path, uuid=owner)["users"]
        assert [(u["user_id"], u["role_name"]) for u in users] == [(added, "Reader")]


def test_account_users(sandbox: SandboxHandle, acc: str) -> None:
    sandbox.seed({"users": [{"email": "new@sandbox.local", "password": "newpass12"}]})
    reader = sandbox.ok("/role/add", account_id=acc, name="Reader")["uuid"]
    user = sandbox.ok("/account/user/add", uuid=acc, email="NEW@sandbox.local", role_id=reader)[
        "uuid"
    ]
    again = sandbox.call("/account/user/add", uuid=acc, user_id=user)
    assert again.error_type == "ALREADY_EXISTS"
    nobody = sandbox.call("/account/user/add", uuid=acc, email="nobody@sandbox.local")
    assert nobody.error_type == "USER_NOT_FOUND"
    group = sandbox.ok("/group/add", account_id=acc, name="Team")["uuid"]
    sandbox.ok("/group/user/add", uuid=group, user_id=user)
    got = sandbox.ok("/account/user/get", uuid=acc, user_id=user)
    assert (got["role_name"], got["user_email"]) == ("Reader", "new@sandbox.local")
    assert [g["name"] for g in got["groups"]] == ["Team"]
    sandbox.ok(
        "/account/user/set",
        uuid=acc,
        user_id=user,
        account_alias="Dr New",
        settings={"ui_json": "{}"},
    )
    got = sandbox.ok("/account/user/get", uuid=acc, user_id=user)
    assert (got["account_alias"], got["settings"]) == ("Dr New", {"ui_json": "{}"})
    sandbox.ok("/account/user/delete", uuid=acc, user_id=user)
    assert sandbox.ok("/group/user/list", uuid=group)["users"] == []
    gone = sandbox.call("/account/user/get", uuid=acc, user_id=user)
    assert gone.error_type == "USER_NOT_FOUND"


def test_a_webhook_sid_user_cannot_leave_the_account(sandbox: SandboxHandle, acc: str) -> None:
    member = user_id(sandbox)
    sandbox.ok(
        "/webhook/add",
        account_id=acc,
        name="W",
        event="STUDY_SYNC",
        url="https://h.example.com",
        method="POST",
        sid_user_id=member,
    )
    reply = sandbox.call("/account/user/delete", uuid=acc, user_id=member)
    assert reply.error_type == "IN_USE"


def test_namespace_settings_get_and_set(sandbox: SandboxHandle, acc: str) -> None:
    namespace = sandbox.ok("/group/add", account_id=acc, name="G")["namespace_id"]
    after = sandbox.ok(
        "/namespace/settings",
        uuid=namespace,
        no_dup_share=1,
        study_field_flags={"study_field_modality": "O"},
        enable_dicom_wrapping="1",
    )
    assert after["no_dup_share"] == 1
    assert after["study_field_flags"] == {"study_field_modality": "O"}
    assert after["enable_dicom_wrapping"] == "1"
    read = sandbox.ok("/namespace/settings", uuid=namespace)
    assert read["enable_dicom_wrapping"] == "1"
    unknown = sandbox.call("/namespace/settings", uuid=namespace, made_up="1")
    assert (unknown.error_type, unknown.error_subtype) == ("INVALID_SETTING", "made_up")
    not_overridable = sandbox.call("/namespace/settings", uuid=namespace, allow_phr_upload="1")
    assert not_overridable.error_type == "INVALID_SETTING"
    bad = sandbox.call("/namespace/settings", uuid=namespace, enable_dicom_wrapping="2")
    assert (bad.error_type, bad.error_subtype) == ("INVALID_SETTING_VALUE", "enable_dicom_wrapping")
    flags = sandbox.call("/namespace/settings", uuid=namespace, study_field_flags={"fly": "O"})
    assert flags.error_type == "INVALID_SETTING_VALUE"


def test_member_endpoints_need_their_fields_and_permissions(
    sandbox: SandboxHandle, acc: str, level: str
) -> None:
    owner = sandbox.ok(f"/{level}/add", account_id=acc, name="Team")["uuid"]
    member = user_id(sandbox)
    for verb in ("add", "delete"):
        missing = sandbox.call(f"/{level}/user/{verb}", uuid=owner)
        assert (missing.error_type, missing.error_subtype) == ("MISSING_FIELDS", ["user_id"])
        gone = sandbox.call(
            f"/{level}/user/{verb}", uuid="6f1c1f0e-0000-4000-8000-000000000000", user_id=member
        )
        assert gone.error_type == "NOT_FOUND"
    assert sandbox.call(f"/{level}/user/list").error_type == "MISSING_FIELDS"
    plain = sandbox.login(sandbox.user_login, sandbox.user_password)  # a User: no {level}_edit
    for verb, params in (
        ("add", {"user_id": member}),
        ("delete", {"user_id": member}),
        ("list", {}),
    ):
        refused = sandbox.call(f"/{level}/user/{verb}", sid=plain, uuid=owner, **params)
        assert refused.error_type == "NOT_PERMITTED", verb


def test_a_member_role_must_serve_the_level(sandbox: SandboxHandle, acc: str, level: str) -> None:
    owner = sandbox.ok(f"/{level}/add", account_id=acc, name="Team")["uuid"]
    barred = sandbox.ok("/role/add", account_id=acc, name="No", **{f"for_{level}": 0})["uuid"]
    reply = sandbox.call(f"/{level}/user/add", uuid=owner, user_id=user_id(sandbox), role_id=barred)
    assert (reply.error_type, reply.error_subtype) == (
        "ROLE_NAMESPACE_MISMATCH",
        "INCOMPATIBLE_ROLE",
    )
    assert sandbox.ok(f"/{level}/user/list", uuid=owner)["users"] == []


def test_a_grid_user_outside_the_account_cannot_be_a_member(
    sandbox: SandboxHandle, acc: str, level: str
) -> None:
    sandbox.seed({"users": [{"email": "out@sandbox.local", "password": "outside12"}]})
    sid = sandbox.login("out@sandbox.local", "outside12")
    outsider = sandbox.ok("/session/user", sid=sid)["uuid"]
    owner = sandbox.ok(f"/{level}/add", account_id=acc, name="Team")["uuid"]
    reply = sandbox.call(f"/{level}/user/add", uuid=owner, user_id=outsider)
    assert reply.error_type == "USER_NOT_FOUND"


def test_member_rows_carry_every_listed_field_and_no_email(
    sandbox: SandboxHandle, acc: str, level: str
) -> None:
    owner = sandbox.ok(f"/{level}/add", account_id=acc, name="Team")["uuid"]
    sandbox.ok(f"/{level}/user/add", uuid=owner, user_id=user_id(sandbox), event_query_add=1)
    [row] = sandbox.ok(f"/{level}/user/list", uuid=owner)["users"]
    documented = {"user_id", "user_name", "role_id", "role_name", "no_physician_alias_share"}
    assert documented <= set(row) and "user_email" not in row
    assert len([k for k in row if k.startswith("event_")]) == 22
    assert (row["event_query_add"], row["event_share"]) == (1, 0)


def test_session_user_and_user_get_return_their_documented_fields(
    sandbox: SandboxHandle, acc: str
) -> None:
    sid = sandbox.login(sandbox.user_login, sandbox.user_password)
    me = sandbox.ok("/session/user", sid=sid)
    got = sandbox.ok("/user/get", sid=sid)
    for field in ("uuid", "name", "email", "first", "last", "mobile_phone", "namespace_id"):
        assert field in me and field in got, field
    assert me["namespace_id"] and me["namespace_id"] == got["namespace_id"]
    assert {"sysadmin", "support", "is_anonymous", "pin_required", "event_share"} <= set(got)
    assert {"time_zone", "npi", "share_code", "ui_json", "last_login", "public_key"} <= set(got)
    assert "event_node" not in got and "password" not in got
    assert {"namespaces", "sid_md5", "session_expire"} <= set(me)
    assert (got["email"], got["sysadmin"]) == (sandbox.user_login, 0)


def test_user_get_of_another_user(sandbox: SandboxHandle, acc: str) -> None:
    sid = sandbox.login(sandbox.user_login, sandbox.user_password)
    me = sandbox.ok("/session/user", sid=sid)["uuid"]
    admin = sandbox.ok("/session/user")["uuid"]
    assert sandbox.ok("/user/get", uuid=me, account_id=acc)["uuid"] == me
    assert sandbox.call("/user/get", sid=sid, uuid=admin).error_type == "NOT_PERMITTED"
    plain = sandbox.call("/user/get", sid=sid, uuid=admin, account_id=acc)
    assert plain.error_type == "NOT_PERMITTED"  # a User may not view the account's users
    nobody = sandbox.call("/user/get", uuid="6f1c1f0e-0000-4000-8000-000000000000")
    assert nobody.error_type == "NOT_FOUND"
