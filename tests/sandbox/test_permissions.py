"""Role permissions gate the endpoints as documented; a sysadmin passes every check."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from ambraconf.sandbox.harness import SandboxHandle

ROUTE = {
    "name": "R",
    "on_share": 1,
    "on_harvest": 0,
    "conditions": [],
    "actions": [{"share_code": "X"}],
}

# (endpoint, parameters, permission that unlocks it)
GATED = [
    ("/role/list", {}, "role_view"),
    ("/role/add", {"name": "R"}, "role_edit"),
    ("/group/list", {}, "group_view"),
    ("/group/add", {"name": "G"}, "group_edit"),
    ("/location/list", {}, "location_view"),
    ("/location/add", {"name": "L"}, "location_edit"),
    ("/route/list", {}, "route_view"),
    ("/route/add", ROUTE, "route_edit"),
    ("/webhook/list", {}, "webhook_view"),
    (
        "/webhook/add",
        {"name": "W", "event": "STUDY_SYNC", "url": "https://h.example.com", "method": "GET"},
        "webhook_edit",
    ),
    ("/customfield/list", {}, "customfield_view"),
    ("/customfield/add", {"name": "F", "object": "Study"}, "customfield_edit"),
    ("/destination/list", {}, "destination_view"),
    ("/hl7/template/list", {}, "hl7_template_view"),
    (
        "/hl7/template/add",
        {"name": "T", "body": "MSH|^~\\&|A|B|||1||ORU^R01|1|P|2.3"},
        "hl7_template_edit",
    ),
    ("/radreport/template/list", {}, "radreport_view"),
    ("/node/list", {}, "node_view"),
]


@pytest.mark.parametrize(("endpoint", "params", "permission"), GATED, ids=[g[0] for g in GATED])
def test_needs_its_documented_permission(
    sandbox: SandboxHandle,
    acc: str,
    limited_sid: Callable[..., str],
    endpoint: str,
    params: dict[str, Any],
    permission: str,
) -> None:
    without = limited_sid()
    reply = sandbox.call(endpoint, sid=without, account_id=acc, **params)
    assert (reply.status, reply.error_type) == (412, "NOT_PERMITTED")
    roles = {r["name"]: r["uuid"] for r in sandbox.ok("/role/list", account_id=acc)["roles"]}
    sandbox.ok("/role/set", uuid=roles["Limited"], **{f"permission_{permission}": "1"})
    assert sandbox.call(endpoint, sid=without, account_id=acc, **params).status == 200


def test_custom_fields_are_readable_with_role_view(
    sandbox: SandboxHandle, acc: str, limited_sid: Callable[..., str]
) -> None:
    sid = limited_sid(role_view=1)
    assert sandbox.call("/customfield/list", sid=sid, account_id=acc).status == 200


def test_object_endpoints_check_the_objects_account(
    sandbox: SandboxHandle, acc: str, limited_sid: Callable[..., str]
) -> None:
    sid = limited_sid(route_view=1)
    route = sandbox.ok("/route/add", account_id=acc, **ROUTE)["uuid"]
    assert sandbox.call("/route/get", sid=sid, uuid=route).status == 200
    assert sandbox.call("/route/set", sid=sid, uuid=route, name="X").error_type == "NOT_PERMITTED"
    assert sandbox.call("/route/delete", sid=sid, uuid=route).error_type == "NOT_PERMITTED"


def test_members_of_other_accounts_are_not_permitted(sandbox: SandboxHandle) -> None:
    other = sandbox.ok("/account/add", name="Elsewhere")["uuid"]
    sid = sandbox.login(sandbox.user_login, sandbox.user_password)
    assert sandbox.call("/role/list", sid=sid, account_id=other).error_type == "NOT_PERMITTED"


def test_a_sysadmin_needs_no_membership(sandbox: SandboxHandle, acc: str) -> None:
    other = sandbox.ok("/account/add", name="Elsewhere")["uuid"]
    admin_member = sandbox.ok("/account/user/list", uuid=other)["users"][0]["user_id"]
    sandbox.ok("/account/user/delete", uuid=other, user_id=admin_member)
    assert sandbox.call("/webhook/list", account_id=other).status == 200
