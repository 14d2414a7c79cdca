"""Add, get, list, set and delete for every emulated kind, and the shared error cases."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from ambraconf.sandbox.harness import SandboxHandle

HL7 = "MSH|^~\\&|AMBRA|SITE|||20240101||ORU^R01|1|P|2.3\rPID|||{$patientid}"


@dataclass
class KindCase:
    path: str
    list_key: str
    add: Callable[[dict[str, str]], dict[str, Any]]
    change: dict[str, Any]
    paged: bool = True


def _route(ctx: dict[str, str]) -> dict[str, Any]:
    return {
        "account_id": ctx["acc"],
        "name": "To PACS",
        "on_share": 1,
        "on_harvest": 0,
        "conditions": [{"lv": "modality", "op": "equals", "rv": "CT"}],
        "actions": [{"share_code": "ABC"}],
    }


CASES = {
    "role": KindCase(
        "/role", "roles", lambda c: {"account_id": c["acc"], "name": "Reader"}, {"name": "Reader 2"}
    ),
    "group": KindCase(
        "/group", "groups", lambda c: {"account_id": c["acc"], "name": "Cardio"}, {"no_share": 1}
    ),
    "location": KindCase(
        "/location",
        "locations",
        lambda c: {"account_id": c["acc"], "name": "East"},
        {"name": "West"},
    ),
    "route": KindCase("/route", "routes", _route, {"suspended": 1}),
    "webhook": KindCase(
        "/webhook",
        "webhooks",
        lambda c: {
            "account_id": c["acc"],
            "name": "Notify",
            "event": "STUDY_SYNC",
            "url": "https://hooks.example.com/x",
            "method": "POST_JSON",
        },
        {"url": "https://hooks.example.com/y"},
        paged=False,
    ),
    "customfield": KindCase(
        "/customfield",
        "customfields",
        lambda c: {"account_id": c["acc"], "name": "Priority", "object": "Study"},
        {"required": 1},
    ),
    "hl7_template": KindCase(
        "/hl7/template",
        "templates",
        lambda c: {"account_id": c["acc"], "name": "ORU", "body": HL7},
        {"name": "ORU 2", "body": HL7},
        paged=False,
    ),
    "radreport_template": KindCase(
        "/radreport/template",
        "templates",
        lambda c: {"account_id": c["acc"], "name": "CT head", "type": "CT", "body": "<p/>"},
        {"preview": "<i/>"},
    ),
    "destination": KindCase(
        "/destination",
        "destinations",
        lambda c: {
            "account_id": c["acc"],
            "node_id": c["node"],
            "name": "PACS",
            "aetitle": "PACS1",
            "address": "10.0.0.5",
            "port": 104,
        },
        {"port": 11112},
    ),
    "node": KindCase(
        "/node",
        "nodes",
        lambda c: {"account_id": c["acc"], "name": "Gw 2", "type": "HARVESTER"},
        {"name": "Gw 3"},
    ),
}


@pytest.fixture(params=sorted(CASES))
def case(request: pytest.FixtureRequest) -> KindCase:
    return CASES[request.param]


@pytest.fixture
def ctx(acc: str, node_id: str) -> dict[str, str]:
    return {"acc": acc, "node": node_id}


def test_lifecycle(sandbox: SandboxHandle, case: KindCase, ctx: dict[str, str]) -> None:
    params = case.add(ctx)
    uuid = sandbox.ok(f"{case.path}/add", **params)["uuid"]
    got = sandbox.ok(f"{case.path}/get", uuid=uuid)
    assert got["uuid"] == uuid
    assert got["name"] == params["name"]
    listed = sandbox.ok(f"{case.path}/list", account_id=ctx["acc"])
    assert uuid in [item["uuid"] for item in listed[case.list_key]]
    assert ("page" in listed) == case.paged
    assert sandbox.call(f"{case.path}/set", uuid=uuid, **case.change).status == 200
    changed = sandbox.ok(f"{case.path}/get", uuid=uuid)
    for name, value in case.change.items():
        assert changed[name] == value
    assert sandbox.call(f"{case.path}/delete", uuid=uuid).status == 200
    gone = sandbox.call(f"{case.path}/get", uuid=uuid)
    assert gone.error_type == "NOT_FOUND"
    assert sandbox.call(f"{case.path}/delete", uuid=uuid).error_type == "NOT_FOUND"


def test_get_set_delete_need_a_uuid(sandbox: SandboxHandle, case: KindCase) -> None:
    for verb in ("get", "set", "delete"):
        reply = sandbox.call(f"{case.path}/{verb}")
        assert reply.error_type == "MISSING_FIELDS"
        assert "uuid" in reply.error_subtype


def test_unknown_uuid_is_not_found(sandbox: SandboxHandle, case: KindCase) -> None:
    for verb in ("get", "set", "delete"):
        extra = case.change if verb == "set" else {}
        reply = sandbox.call(
            f"{case.path}/{verb}", uuid="6f1c1f0e-0000-4000-8000-000000000000", **extra
        )
        assert reply.error_type == "NOT_FOUND", verb


def test_add_names_every_missing_field(
    sandbox: SandboxHandle, case: KindCase, ctx: dict[str, str]
) -> None:
    reply = sandbox.call(f"{case.path}/add")
    assert reply.error_type == "MISSING_FIELDS"
    required = [name for name in case.add(ctx) if name not in ("aetitle", "address", "port")]
    assert set(required) <= set(reply.error_subtype)


def test_add_in_an_unknown_account(
    sandbox: SandboxHandle, case: KindCase, ctx: dict[str, str]
) -> None:
    params = {**case.add(ctx), "account_id": "6f1c1f0e-0000-4000-8000-000000000000"}
    reply = sandbox.call(f"{case.path}/add", **params)
    assert reply.error_type in ("ACCOUNT_NOT_FOUND", "NOT_FOUND")


def test_list_needs_an_existing_account(sandbox: SandboxHandle, case: KindCase) -> None:
    assert sandbox.call(f"{case.path}/list").error_subtype == ["account_id"]
    reply = sandbox.call(f"{case.path}/list", account_id="6f1c1f0e-0000-4000-8000-000000000000")
    assert reply.error_type == "NOT_FOUND"


def test_uuids_are_generated_and_distinct(
    sandbox: SandboxHandle, case: KindCase, ctx: dict[str, str]
) -> None:
    params = case.add(ctx)
    first = sandbox.ok(f"{case.path}/add", **params)["uuid"]
    if "aetitle" in params:
        params["aetitle"] = "PACS2"
    second = sandbox.ok(f"{case.path}/add", **params)["uuid"]
    assert first != second
