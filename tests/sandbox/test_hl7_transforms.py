"""HL7 transforms: every field required on add and set, order_by unique, documented errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import requests

from ambraconf.sandbox.harness import SandboxHandle

MISSING = "6f1c1f0e-0000-4000-8000-000000000000"


def transform(acc: str, **changes: Any) -> dict[str, Any]:
    return {
        "account_id": acc,
        "name": "Mask MRN",
        "order_by": 10,
        "conditions": [{"PID_3": "/^TEST/"}, {"OBX-3_5_2": "/doe/i"}],
        "replacements": [{"PID_3": "XXX-{$OBX-3_7_4}"}],
        **changes,
    }


def every_field(got: dict[str, Any]) -> dict[str, Any]:
    return {k: got[k] for k in ("name", "order_by", "conditions", "replacements")}


def test_values_come_back_as_given_even_when_they_look_like_json(
    sandbox: SandboxHandle, acc: str
) -> None:
    given = transform(acc, replacements=[{"PID_5": '{"given": "__UUID__"}'}, {"PID_8": "[1]"}])
    uuid = sandbox.ok("/hl7/transform/add", **given)["uuid"]
    assert every_field(sandbox.ok("/hl7/transform/get", uuid=uuid)) == every_field(given)
    listed = sandbox.ok("/hl7/transform/list", account_id=acc, **{"page.rows": 1})
    assert [t["uuid"] for t in listed["transforms"]] == [uuid]
    assert listed["page"]["rows"] == 1


def test_add_and_set_require_every_field(sandbox: SandboxHandle, acc: str) -> None:
    assert sandbox.call("/hl7/transform/add", account_id=acc).error_subtype == [
        "name",
        "order_by",
        "conditions",
        "replacements",
    ]
    uuid = sandbox.ok("/hl7/transform/add", **transform(acc))["uuid"]
    only_order = sandbox.call("/hl7/transform/set", uuid=uuid, order_by=20)
    assert (only_order.error_type, only_order.error_subtype) == (
        "MISSING_FIELDS",
        ["name", "conditions", "replacements"],
    )
    assert sandbox.ok("/hl7/transform/get", uuid=uuid)["order_by"] == 10
    params = {k: v for k, v in transform(acc).items() if k != "account_id"}
    sandbox.ok("/hl7/transform/set", uuid=uuid, **{**params, "name": "Mask it", "order_by": 20})
    assert sandbox.ok("/hl7/transform/get", uuid=uuid)["name"] == "Mask it"


def test_order_by_is_unique_in_the_account(sandbox: SandboxHandle, acc: str) -> None:
    first = sandbox.ok("/hl7/transform/add", **transform(acc))["uuid"]
    again = sandbox.call("/hl7/transform/add", **transform(acc, name="Other"))
    assert again.error_type == "DUPLICATE_ORDER_BY"
    second = sandbox.ok("/hl7/transform/add", **transform(acc, name="Other", order_by=20))["uuid"]
    params = {k: v for k, v in transform(acc).items() if k != "account_id"}
    taken = sandbox.call("/hl7/transform/set", uuid=second, **params)
    assert taken.error_type == "DUPLICATE_ORDER_BY"
    assert sandbox.call("/hl7/transform/set", uuid=first, **params).status == 200
    other = sandbox.ok("/account/add", name="Elsewhere")["uuid"]
    assert sandbox.call("/hl7/transform/add", **transform(other)).status == 200


@pytest.mark.parametrize(
    ("changes", "error", "subtype"),
    [
        ({"conditions": {"PID_3": "/x/"}}, "NOT_LIST", "conditions"),
        ({"replacements": "[{"}, "INVALID_JSON", "replacements"),
        (
            {"conditions": [{"PID3": "/x/"}]},
            "INVALID_CONDITION",
            "PID3: not an HL7 field specifier",
        ),
        (
            {"conditions": [{"PID_0": "/x/"}]},
            "INVALID_CONDITION",
            "PID_0: not an HL7 field specifier",
        ),
        ({"conditions": [{"PID_3": 3}]}, "INVALID_CONDITION", "PID_3: not text"),
        (
            {"conditions": [{"PID_3": "/(/"}]},
            "INVALID_CONDITION",
            "PID_3: not a regular expression",
        ),
        ({"conditions": [{}]}, "INVALID_CONDITION", "not a hash of HL7 fields"),
        ({"replacements": [["PID_3"]]}, "INVALID_REPLACEMENT", "not a hash of HL7 fields"),
        (
            {"replacements": [{"pid_3": "X"}]},
            "INVALID_REPLACEMENT",
            "pid_3: not an HL7 field specifier",
        ),
        ({"account_id": MISSING}, "NOT_FOUND", None),
    ],
)
def test_documented_errors(
    sandbox: SandboxHandle, acc: str, changes: dict[str, Any], error: str, subtype: Any
) -> None:
    reply = sandbox.call("/hl7/transform/add", **transform(acc, **changes))
    assert (reply.error_type, reply.error_subtype) == (error, subtype)
    assert sandbox.ok("/hl7/transform/list", account_id=acc)["transforms"] == []


def test_unknown_transforms_are_not_found(sandbox: SandboxHandle, acc: str) -> None:
    params = {k: v for k, v in transform(acc).items() if k != "account_id"}
    for verb, extra in (("get", {}), ("set", params), ("delete", {})):
        reply = sandbox.call(f"/hl7/transform/{verb}", uuid=MISSING, **extra)
        assert reply.error_type == "NOT_FOUND", verb
    uuid = sandbox.ok("/hl7/transform/add", **transform(acc))["uuid"]
    sandbox.ok("/hl7/transform/delete", uuid=uuid)
    assert sandbox.call("/hl7/transform/get", uuid=uuid).error_type == "NOT_FOUND"
    # its order_by is free again
    assert sandbox.call("/hl7/transform/add", **transform(acc)).status == 200


def test_view_and_edit_permissions(
    sandbox: SandboxHandle, acc: str, limited_sid: Callable[..., str]
) -> None:
    uuid = sandbox.ok("/hl7/transform/add", **transform(acc))["uuid"]
    viewer = limited_sid(hl7_transform_view=1)
    assert sandbox.call("/hl7/transform/list", sid=viewer, account_id=acc).status == 200
    assert sandbox.call("/hl7/transform/get", sid=viewer, uuid=uuid).status == 200
    refused = [
        sandbox.call("/hl7/transform/add", sid=viewer, **transform(acc, order_by=20)),
        sandbox.call("/hl7/transform/delete", sid=viewer, uuid=uuid),
    ]
    assert [r.error_type for r in refused] == ["NOT_PERMITTED", "NOT_PERMITTED"]
    roles = {r["name"]: r["uuid"] for r in sandbox.ok("/role/list", account_id=acc)["roles"]}
    sandbox.ok("/role/set", uuid=roles["Limited"], permission_hl7_transform_view="0")
    assert sandbox.call("/hl7/transform/list", sid=viewer, account_id=acc).error_type == (
        "NOT_PERMITTED"
    )
    sandbox.ok("/role/set", uuid=roles["Limited"], permission_hl7_transform_edit="1")
    assert sandbox.call("/hl7/transform/delete", sid=viewer, uuid=uuid).status == 200


def test_seed_entries_are_added_in_the_account(sandbox: SandboxHandle, acc: str) -> None:
    entry = {k: v for k, v in transform(acc).items() if k != "account_id"}
    sandbox.seed({"accounts": [{"name": "Sandbox Hospital", "hl7_transforms": [entry]}]})
    (seeded,) = sandbox.ok("/hl7/transform/list", account_id=acc)["transforms"]
    assert every_field(seeded) == entry
    twice = {"accounts": [{"name": "Sandbox Hospital", "hl7_transforms": [entry]}]}
    reply = requests.post(
        sandbox.base_url + "/_sandbox/seed", json=twice, headers=sandbox.admin_headers, timeout=10
    )
    assert reply.status_code == 400
    assert "DUPLICATE_ORDER_BY" in reply.json()["error_subtype"]
