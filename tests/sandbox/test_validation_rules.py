"""Validation rules: the condition format, the regexp limit, permissions, routes naming them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from ambraconf.sandbox.harness import SandboxHandle

MISSING = "6f1c1f0e-0000-4000-8000-000000000000"
EXISTS = {"tag": "(0010,0020)", "check": "exists"}
MATCH = {"tag": "(0008,0050)", "check": "match", "regexp": "^ACC"}


def add_rule(sandbox: SandboxHandle, acc: str, **params: Any) -> str:
    return sandbox.ok("/validate/add", account_id=acc, **{"name": "Complete", **params})["uuid"]


def route_on(sandbox: SandboxHandle, acc: str, rule: str) -> Any:
    condition = {"lv": f"validate-{rule}", "op": "greater_than", "rv": "90"}
    return sandbox.call(
        "/route/add",
        account_id=acc,
        name="Scored",
        on_share=1,
        on_harvest=0,
        conditions=[condition],
        actions=[{"share_code": "ABC"}],
    )


def test_add_get_set_list_delete(sandbox: SandboxHandle, acc: str) -> None:
    uuid = add_rule(sandbox, acc, conditions=[EXISTS])
    assert sandbox.ok("/validate/get", uuid=uuid) == {
        "status": "OK",
        "uuid": uuid,
        "name": "Complete",
        "conditions": [EXISTS],
    }
    unique = {"tag": "(0020,000D)", "check": "unique", "range": "series"}
    sandbox.ok("/validate/set", uuid=uuid, name="Complete study", conditions=[MATCH, unique])
    [listed] = sandbox.ok("/validate/list", account_id=acc)["validates"]
    assert (listed["name"], listed["conditions"]) == ("Complete study", [MATCH, unique])
    sandbox.ok("/validate/delete", uuid=uuid)
    assert sandbox.call("/validate/get", uuid=uuid).error_type == "NOT_FOUND"


def test_add_and_set_need_name_and_conditions(sandbox: SandboxHandle, acc: str) -> None:
    reply = sandbox.call("/validate/add", account_id=acc)
    assert (reply.error_type, reply.error_subtype) == ("MISSING_FIELDS", ["name", "conditions"])
    uuid = add_rule(sandbox, acc, conditions=[EXISTS])
    assert sandbox.call("/validate/set", uuid=uuid, name="Renamed").error_subtype == ["conditions"]
    assert sandbox.call("/validate/set", uuid=uuid, conditions=[EXISTS]).error_subtype == ["name"]
    unknown = sandbox.call("/validate/add", account_id=MISSING, name="X", conditions=[EXISTS])
    assert unknown.error_type == "NOT_FOUND"


@pytest.mark.parametrize(
    ("condition", "subtype"),
    [
        ({"tag": "0010,0020", "check": "exists"}, "tag"),
        ({"tag": "(0010,00zz)", "check": "exists"}, "tag"),
        ({"tag": "(0010,0020)", "check": "present"}, "check"),
        ({"tag": "(0010,0020)", "check": "match"}, "regexp"),
        ({"tag": "(0010,0020)", "check": "unique"}, "range"),
        ({"tag": "(0010,0020)", "check": "identical", "range": "patient"}, "range"),
        ("(0010,0020) exists", "not an object"),
    ],
)
def test_invalid_conditions(sandbox: SandboxHandle, acc: str, condition: Any, subtype: str) -> None:
    reply = sandbox.call("/validate/add", account_id=acc, name="Bad", conditions=[condition])
    assert reply.error_type == "INVALID_CONDITION"
    assert reply.error_subtype.startswith(subtype)
    uuid = add_rule(sandbox, acc, conditions=[EXISTS])
    refused = sandbox.call("/validate/set", uuid=uuid, name="Bad", conditions=[condition])
    assert refused.error_type == "INVALID_CONDITION"
    assert sandbox.ok("/validate/get", uuid=uuid)["conditions"] == [EXISTS]


def test_at_most_ten_regular_expression_conditions(sandbox: SandboxHandle, acc: str) -> None:
    ten = [{**MATCH, "check": "not_match" if n % 2 else "match"} for n in range(10)]
    assert add_rule(sandbox, acc, conditions=[*ten, EXISTS])
    reply = sandbox.call("/validate/add", account_id=acc, name="Too many", conditions=[*ten, MATCH])
    assert reply.error_type == "INVALID_CONDITION"
    assert "more than 10" in reply.error_subtype


def test_permissions(sandbox: SandboxHandle, acc: str, limited_sid: Callable[..., str]) -> None:
    uuid = add_rule(sandbox, acc, conditions=[EXISTS])
    sid = limited_sid(route_view=1)
    assert sandbox.call("/validate/list", sid=sid, account_id=acc).status == 200
    assert sandbox.call("/validate/get", sid=sid, uuid=uuid).status == 200
    add = {"account_id": acc, "name": "Mine", "conditions": [EXISTS]}
    assert sandbox.call("/validate/add", sid=sid, **add).error_type == "NOT_PERMITTED"
    assert sandbox.call("/validate/delete", sid=sid, uuid=uuid).error_type == "NOT_PERMITTED"


def test_only_validate_edit_may_change_rules(
    sandbox: SandboxHandle, acc: str, limited_sid: Callable[..., str]
) -> None:
    sid = limited_sid(validate_edit=1)
    added = sandbox.ok("/validate/add", sid=sid, account_id=acc, name="M", conditions=[EXISTS])
    assert sandbox.call("/validate/delete", sid=sid, uuid=added["uuid"]).status == 200
    assert sandbox.call("/validate/list", sid=sid, account_id=acc).error_type == "NOT_PERMITTED"


def test_a_rule_a_route_names_is_in_use(sandbox: SandboxHandle, acc: str) -> None:
    rule = add_rule(sandbox, acc, conditions=[EXISTS])
    route = route_on(sandbox, acc, rule).body["uuid"]
    reply = sandbox.call("/validate/delete", uuid=rule)
    assert (reply.error_type, reply.error_subtype) == ("IN_USE", [route])
    sandbox.ok("/route/set", uuid=route, conditions=[])
    assert sandbox.call("/validate/delete", uuid=rule).status == 200


def test_route_conditions_must_name_a_rule_of_the_account(sandbox: SandboxHandle, acc: str) -> None:
    assert route_on(sandbox, acc, MISSING).error_type == "INVALID_CONDITION"
    other = sandbox.ok("/account/add", name="Other Hospital")["uuid"]
    foreign = add_rule(sandbox, other, conditions=[EXISTS])
    assert route_on(sandbox, acc, foreign).error_type == "INVALID_CONDITION"
    assert route_on(sandbox, acc, add_rule(sandbox, acc, conditions=[EXISTS])).status == 200


def test_seeded_rule_named_by_a_seeded_route(sandbox: SandboxHandle, acc: str) -> None:
    rule = {"name": "Complete", "conditions": [EXISTS, MATCH]}
    route = {"name": "Scored", "on_share": 1, "on_harvest": 0, "actions": [{"share_code": "A"}]}
    condition = {"lv": "validate:Complete", "op": "greater_than", "rv": "90"}
    account = {"name": "Sandbox Hospital", "validation_rules": [rule]}
    sandbox.seed({"accounts": [account | {"routes": [route | {"conditions": [condition]}]}]})
    [seeded] = sandbox.ok("/validate/list", account_id=acc)["validates"]
    assert seeded["conditions"] == [EXISTS, MATCH]
    [scored] = sandbox.ok("/route/list", account_id=acc)["routes"]
    assert scored["conditions"][0]["lv"] == f"validate-{seeded['uuid']}"
