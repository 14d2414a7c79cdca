"""Roles: permissions validated against the documented table, merge on set, in-use guard."""

from __future__ import annotations

from ambraconf.sandbox.harness import SandboxHandle


def add_role(sandbox: SandboxHandle, acc: str, **params: object) -> str:
    return sandbox.ok("/role/add", account_id=acc, name=params.pop("name", "Reader"), **params)[
        "uuid"
    ]


def test_stock_roles_carry_the_documented_defaults(sandbox: SandboxHandle, acc: str) -> None:
    roles = {r["name"]: r for r in sandbox.ok("/role/list", account_id=acc)["roles"]}
    assert sorted(roles) == ["Admin", "Anonymous", "PHR", "User"]
    assert roles["Admin"]["permissions"]["role_edit"] == 1
    assert roles["User"]["permissions"]["role_edit"] == 0
    assert roles["PHR"]["permissions"]["study_delete"] == 1
    assert roles["Anonymous"]["permissions"]["study_view"] == 1
    assert roles["Admin"]["permissions"]["webhook_edit"] == 0
    assert roles["Admin"]["type"] == "admin"
    assert roles["User"]["type"] == "user"
    assert roles["Admin"]["permissions"]["study_field_patient_name"] == "F"


def test_permissions_hash_includes_role_id(sandbox: SandboxHandle, acc: str) -> None:
    uuid = add_role(sandbox, acc)
    assert sandbox.ok("/role/get", uuid=uuid)["permissions"]["role_id"] == uuid


def test_a_role_without_permissions_gets_the_default_set(sandbox: SandboxHandle, acc: str) -> None:
    permissions = sandbox.ok("/role/get", uuid=add_role(sandbox, acc))["permissions"]
    assert permissions["study_view"] == 1
    assert permissions["account_edit"] == 0


def test_given_permissions_are_kept(sandbox: SandboxHandle, acc: str) -> None:
    uuid = add_role(sandbox, acc, permissions={"route_view": 1, "study_field_patientid": "H"})
    permissions = sandbox.ok("/role/get", uuid=uuid)["permissions"]
    assert (permissions["route_view"], permissions["study_field_patientid"]) == (1, "H")


def test_set_merges_a_subset_of_permissions(sandbox: SandboxHandle, acc: str) -> None:
    uuid = add_role(sandbox, acc, permissions={"route_view": 1, "group_view": 1})
    sandbox.ok("/role/set", uuid=uuid, permissions={"route_view": 0})
    sandbox.ok("/role/set", uuid=uuid, permission_route_edit="1")
    permissions = sandbox.ok("/role/get", uuid=uuid)["permissions"]
    assert (permissions["route_view"], permissions["group_view"], permissions["route_edit"]) == (
        0,
        1,
        1,
    )


def test_unknown_permission(sandbox: SandboxHandle, acc: str) -> None:
    reply = sandbox.call("/role/add", account_id=acc, name="R", permissions={"fly": 1})
    assert (reply.error_type, reply.error_subtype) == ("INVALID_PERMISSION", "fly")
    uuid = add_role(sandbox, acc)
    reply = sandbox.call("/role/set", uuid=uuid, permission_teleport="1")
    assert (reply.error_type, reply.error_subtype) == ("INVALID_PERMISSION", "teleport")


def test_bad_permission_values(sandbox: SandboxHandle, acc: str) -> None:
    for permissions, name in (
        ({"route_view": 2}, "route_view"),
        ({"route_view": "yes"}, "route_view"),
        ({"study_field_modality": "X"}, "study_field_modality"),
    ):
        reply = sandbox.call("/role/add", account_id=acc, name="R", permissions=permissions)
        assert (reply.error_type, reply.error_subtype) == ("INVALID_PERMISSION_VALUE", name)


def test_permissions_must_be_a_hash(sandbox: SandboxHandle, acc: str) -> None:
    reply = sandbox.call("/role/add", account_id=acc, name="R", permissions=["route_view"])
    assert (reply.error_type, reply.error_subtype) == ("INVALID_JSON", "permissions")


def test_customfield_permissions_need_an_existing_field(sandbox: SandboxHandle, acc: str) -> None:
    field = sandbox.ok("/customfield/add", account_id=acc, name="Prio", object="Study")["uuid"]
    ok = add_role(sandbox, acc, permissions={f"study_field_customfield_{field}": "O"})
    assert (
        sandbox.ok("/role/get", uuid=ok)["permissions"][f"study_field_customfield_{field}"] == "O"
    )
    missing = "study_field_customfield_6f1c1f0e-0000-4000-8000-000000000000"
    reply = sandbox.call("/role/add", account_id=acc, name="R", permissions={missing: "O"})
    assert (reply.error_type, reply.error_subtype) == ("INVALID_PERMISSION", missing)


def test_names_are_not_unique(sandbox: SandboxHandle, acc: str) -> None:
    assert add_role(sandbox, acc, name="Twin") != add_role(sandbox, acc, name="twin")


def test_role_in_use_cannot_be_deleted(sandbox: SandboxHandle, acc: str) -> None:
    uuid = add_role(sandbox, acc)
    group = sandbox.ok("/group/add", account_id=acc, name="G", role_id=uuid)["uuid"]
    reply = sandbox.call("/role/delete", uuid=uuid)
    assert reply.error_type == "IN_USE"
    assert {"object": "group", "uuid": group} in reply.error_subtype
    sandbox.ok("/group/delete", uuid=group)
    assert sandbox.call("/role/delete", uuid=uuid).status == 200


def test_role_held_by_a_user_or_the_account_is_in_use(sandbox: SandboxHandle, acc: str) -> None:
    roles = {r["name"]: r["uuid"] for r in sandbox.ok("/role/list", account_id=acc)["roles"]}
    reply = sandbox.call("/role/delete", uuid=roles["User"])
    objects = {entry["object"] for entry in reply.error_subtype}
    assert reply.error_type == "IN_USE"
    assert {"account", "account_user"} <= objects
    assert sandbox.call("/role/delete", uuid=roles["PHR"]).status == 200


def test_the_last_role_edit_cannot_be_dropped(sandbox: SandboxHandle, acc: str) -> None:
    roles = {r["name"]: r["uuid"] for r in sandbox.ok("/role/list", account_id=acc)["roles"]}
    reply = sandbox.call("/role/set", uuid=roles["Admin"], permission_role_edit="0")
    assert reply.error_type == "NO_OTHER_ROLE_EDIT"
    add_role(sandbox, acc, permissions={"role_edit": 1})
    assert sandbox.call("/role/set", uuid=roles["Admin"], permission_role_edit="0").status == 200


def test_flags_for_levels_default_on_and_are_settable(sandbox: SandboxHandle, acc: str) -> None:
    uuid = add_role(sandbox, acc)
    role = sandbox.ok("/role/get", uuid=uuid)
    assert (role["for_account"], role["for_group"], role["for_location"]) == (1, 1, 1)
    sandbox.ok("/role/set", uuid=uuid, for_group=0, description="Read only")
    role = sandbox.ok("/role/get", uuid=uuid)
    assert (role["for_group"], role["description"]) == (0, "Read only")


def test_role_settings_only_take_role_overridable_settings(
    sandbox: SandboxHandle, acc: str
) -> None:
    uuid = add_role(sandbox, acc, settings={"ip_whitelist": "10.0.0.0/8"})
    assert sandbox.ok("/role/get", uuid=uuid)["settings"] == {"ip_whitelist": "10.0.0.0/8"}
    reply = sandbox.call("/role/set", uuid=uuid, settings={"ui_json": "{}"})
    assert (reply.error_type, reply.error_subtype) == ("NO_ROLE_OVERRIDE", "ui_json")
    reply = sandbox.call("/role/set", uuid=uuid, setting_made_up="1")
    assert (reply.error_type, reply.error_subtype) == ("INVALID_SETTING", "made_up")


def test_role_settings_endpoint_reads_and_merges(sandbox: SandboxHandle, acc: str) -> None:
    uuid = add_role(sandbox, acc, settings={"ip_whitelist": "10.0.0.0/8"})
    assert sandbox.ok("/role/settings", uuid=uuid)["ip_whitelist"] == "10.0.0.0/8"
    after = sandbox.ok("/role/settings", uuid=uuid, setting_pacs_config_customized="1")
    assert after["ip_whitelist"] == "10.0.0.0/8"
    assert after["pacs_config_customized"] == "1"
    bad = sandbox.call("/role/settings", uuid=uuid, settings={"pacs_config_customized": {"a": 1}})
    assert (bad.error_type, bad.error_subtype) == (
        "INVALID_SETTING_VALUE",
        "pacs_config_customized",
    )
