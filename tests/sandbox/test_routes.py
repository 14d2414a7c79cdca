"""Routing rules: documented enumerations, references that must exist, linkage, read shapes."""

from __future__ import annotations

from typing import Any

import pytest

from ambraconf.sandbox.harness import SandboxHandle

MISSING = "6f1c1f0e-0000-4000-8000-000000000000"


@pytest.fixture
def base(acc: str) -> dict[str, Any]:
    return {
        "account_id": acc,
        "name": "Rule",
        "on_share": 1,
        "on_harvest": 0,
        "conditions": [{"lv": "modality", "op": "equals", "rv": "CT"}],
        "actions": [{"share_code": "ABC"}],
    }


@pytest.fixture
def destination(sandbox: SandboxHandle, acc: str, node_id: str) -> str:
    return sandbox.ok(
        "/destination/add",
        account_id=acc,
        node_id=node_id,
        name="PACS",
        aetitle="PACS",
        address="10.1.1.1",
        port=104,
    )["uuid"]


@pytest.fixture
def webhook(sandbox: SandboxHandle, acc: str) -> str:
    return sandbox.ok(
        "/webhook/add",
        account_id=acc,
        name="Hook",
        event="ROUTE_RULE",
        url="https://h.example.com",
        method="POST",
    )["uuid"]


def error_of(sandbox: SandboxHandle, params: dict[str, Any]) -> tuple[str | None, Any]:
    reply = sandbox.call("/route/add", **params)
    return reply.error_type, reply.error_subtype


def test_get_returns_structures_and_read_only_fields(
    sandbox: SandboxHandle, base: dict[str, Any], destination: str, webhook: str
) -> None:
    params = {
        **base,
        "actions": [{"destination": destination}, {"webhook": webhook}],
        "options": {"bypass_approval": 1},
        "schedule": {"start": "08:00", "stop": "17:00", "mon": 1, "tz": "US/Eastern"},
    }
    uuid = sandbox.ok("/route/add", **params)["uuid"]
    route = sandbox.ok("/route/get", uuid=uuid)
    assert route["conditions"] == base["conditions"]
    assert route["actions"] == [
        {"destination": destination, "name": "PACS"},
        {"webhook": webhook, "name": "Hook"},
    ]
    assert route["options"] == {"bypass_approval": 1}
    assert route["schedule"]["tz"] == "US/Eastern"
    assert route["namespace_name"] == "Sandbox Hospital"
    assert route["capture_email"] == 0


def test_the_echoed_action_name_is_accepted_back(
    sandbox: SandboxHandle, base: dict[str, Any], destination: str
) -> None:
    uuid = sandbox.ok("/route/add", **{**base, "actions": [{"destination": destination}]})["uuid"]
    actions = sandbox.ok("/route/get", uuid=uuid)["actions"]
    assert sandbox.call("/route/set", uuid=uuid, actions=actions).status == 200


def test_on_share_and_on_harvest_are_required_on_add(
    sandbox: SandboxHandle, base: dict[str, Any]
) -> None:
    params = {k: v for k, v in base.items() if k not in ("on_share", "on_harvest")}
    assert error_of(sandbox, params) == ("MISSING_FIELDS", ["on_share", "on_harvest"])


def test_linkage_is_required_and_checked(sandbox: SandboxHandle, base: dict[str, Any]) -> None:
    params = {k: v for k, v in base.items() if k != "account_id"}
    assert error_of(sandbox, params) == (
        "MISSING_FIELDS",
        ["account_id", "group_id", "location_id", "namespace_id"],
    )
    assert error_of(sandbox, {**params, "group_id": MISSING})[0] == "INVALID_LINKAGE"
    assert error_of(sandbox, {**params, "account_id": MISSING})[0] == "ACCOUNT_NOT_FOUND"


def test_linkage_cannot_be_changed(sandbox: SandboxHandle, base: dict[str, Any], acc: str) -> None:
    uuid = sandbox.ok("/route/add", **base)["uuid"]
    group = sandbox.ok("/group/add", account_id=acc, name="G")
    sandbox.ok("/route/set", uuid=uuid, group_id=group["uuid"], namespace_id=group["namespace_id"])
    assert sandbox.ok("/route/get", uuid=uuid)["namespace_name"] == "Sandbox Hospital"


@pytest.mark.parametrize(
    "condition",
    [
        {"lv": "favourite_colour", "op": "equals", "rv": "x"},
        {"lv": "modality", "op": "sounds_like", "rv": "x"},
        {"lv": "study_date", "op": "greater_than", "rv": "1", "lv_transform": "weeks_old"},
        {"lv": "modality", "op": "equals", "rv": ["CT"]},
        {"lv": "modality", "op": "in", "rv": "CT"},
        {"lv": "referring_physician", "op": "contains", "rv": "PHYSICIAN_ALIAS"},
        {"lv": "modality", "op": "equals"},
        "modality equals CT",
    ],
)
def test_invalid_conditions(sandbox: SandboxHandle, base: dict[str, Any], condition: Any) -> None:
    assert error_of(sandbox, {**base, "conditions": [condition]})[0] == "INVALID_CONDITION"


def test_valid_condition_forms(sandbox: SandboxHandle, base: dict[str, Any], acc: str) -> None:
    field = sandbox.ok("/customfield/add", account_id=acc, name="Prio", object="Study")["uuid"]
    conditions = [
        {"lv": "modality", "op": "in", "rv": ["CT", "MR"]},
        {"lv": "modality", "op": "in", "rv": '["CT"]'},
        {"lv": "study_date", "op": "greater_than", "rv": "2", "lv_transform": "days_old"},
        {"lv": "hl7_PID_3", "op": "equals", "rv": "hl7_OBR_5_2"},
        {"lv": f"customfield-{field}", "op": "begins_with", "rv": "urgent"},
        {"lv": "referring_physician", "op": "equals", "rv": "PHYSICIAN_ALIAS"},
    ]
    assert sandbox.call("/route/add", **{**base, "conditions": conditions}).status == 200


def test_condition_on_a_missing_custom_field(sandbox: SandboxHandle, base: dict[str, Any]) -> None:
    condition = {"lv": f"customfield-{MISSING}", "op": "equals", "rv": "x"}
    assert error_of(sandbox, {**base, "conditions": [condition]}) == (
        "INVALID_CONDITION",
        condition,
    )


@pytest.mark.parametrize(
    "action",
    [
        {"destination": MISSING},
        {"webhook": MISSING},
        {"first_working_destination": [MISSING]},
        {"namespace": MISSING},
        {"teleport": "now"},
        {"share_code": "A", "webhook": MISSING},
        {"share_email": "not an address"},
        {"share_email": "USER_ENTRY"},
        {"namespace": "PERSONAL"},
    ],
)
def test_invalid_actions(
    sandbox: SandboxHandle, base: dict[str, Any], action: dict[str, Any]
) -> None:
    assert error_of(sandbox, {**base, "actions": [action]})[0] == "INVALID_ACTION"


def test_thin_rules_cannot_push(
    sandbox: SandboxHandle, base: dict[str, Any], destination: str
) -> None:
    params = {**base, "on_thin": 1, "actions": [{"destination": destination}]}
    assert error_of(sandbox, params)[0] == "INVALID_ACTION"


def test_valid_action_forms(
    sandbox: SandboxHandle, base: dict[str, Any], destination: str, acc: str
) -> None:
    namespace = sandbox.ok("/group/add", account_id=acc, name="G")["namespace_id"]
    actions = [
        {"first_working_destination": [destination]},
        {"destination_hl7_orm": destination},
        {"namespace": namespace},
        {"share_email": "doc@example.com"},
        {"share_email": "USER_ENTRY"},
    ]
    params = {**base, "on_manual_route": 1, "actions": actions}
    uuid = sandbox.ok("/route/add", **params)["uuid"]
    assert sandbox.ok("/route/get", uuid=uuid)["capture_email"] == 1
    alias = {
        **base,
        "conditions": [{"lv": "referring_physician", "op": "equals", "rv": "PHYSICIAN_ALIAS"}],
        "actions": [{"namespace": "GROUP"}],
    }
    assert sandbox.call("/route/add", **alias).status == 200


def test_open_rule_and_empty_actions(sandbox: SandboxHandle, base: dict[str, Any]) -> None:
    assert sandbox.call("/route/add", **{**base, "conditions": [], "actions": []}).status == 200


@pytest.mark.parametrize(
    "options",
    [{"speed": 1}, {"round_robin": "always"}, {"bypass_approval": 5}, ["bypass_approval"]],
)
def test_invalid_options(sandbox: SandboxHandle, base: dict[str, Any], options: Any) -> None:
    assert error_of(sandbox, {**base, "options": options})[0] == "INVALID_OPTION"


@pytest.mark.parametrize(
    "schedule",
    [{"start": "8am"}, {"tz": "Mars/Olympus"}, {"mon": 2}, {"lunch": "12:00"}, ["mon"]],
)
def test_invalid_schedules(sandbox: SandboxHandle, base: dict[str, Any], schedule: Any) -> None:
    assert error_of(sandbox, {**base, "schedule": schedule})[0] == "INVALID_SCHEDULE"


def test_other_namespaces_and_manual_roles(
    sandbox: SandboxHandle, base: dict[str, Any], acc: str
) -> None:
    namespace = sandbox.ok("/location/add", account_id=acc, name="L")["namespace_id"]
    role = sandbox.ok("/role/add", account_id=acc, name="Router")["uuid"]
    uuid = sandbox.ok("/route/add", **base, other_namespaces=namespace, manual_roles=role)["uuid"]
    route = sandbox.ok("/route/get", uuid=uuid)
    assert (route["other_namespaces"], route["manual_roles"]) == (namespace, role)
    bad_namespace = sandbox.call("/route/set", uuid=uuid, other_namespaces=f"{namespace},{MISSING}")
    assert (bad_namespace.error_type, bad_namespace.error_subtype) == (
        "INVALID_OTHER_NAMESPACES",
        MISSING,
    )
    assert (
        sandbox.call("/route/set", uuid=uuid, manual_roles=MISSING).error_type
        == "INVALID_MANUAL_ROLES"
    )


def test_set_replaces_whole_lists(sandbox: SandboxHandle, base: dict[str, Any]) -> None:
    uuid = sandbox.ok("/route/add", **base)["uuid"]
    conditions = [{"lv": "study_description", "op": "contains", "rv": "HEAD"}]
    sandbox.ok("/route/set", uuid=uuid, conditions=conditions)
    route = sandbox.ok("/route/get", uuid=uuid)
    assert route["conditions"] == conditions
    assert route["actions"] == base["actions"]


def test_conditions_must_be_json(sandbox: SandboxHandle, base: dict[str, Any]) -> None:
    assert error_of(sandbox, {**base, "conditions": "[{"}) == ("INVALID_JSON", "conditions")
