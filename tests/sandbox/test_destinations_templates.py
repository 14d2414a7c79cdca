"""Destinations and nodes, HL7 templates, radreport templates."""

from __future__ import annotations

from typing import Any

import pytest

from ambraconf.sandbox.harness import SandboxHandle

MISSING = "6f1c1f0e-0000-4000-8000-000000000000"
HL7 = "MSH|^~\\&|AMBRA|SITE|||20240101||ORM^O01|1|P|2.3\rPID|||{$patientid}"


@pytest.fixture
def dicom(acc: str, node_id: str) -> dict[str, Any]:
    return {
        "account_id": acc,
        "node_id": node_id,
        "name": "PACS",
        "aetitle": "PACS",
        "address": "10.0.0.9",
        "port": 104,
    }


def test_destination_type_decides_the_required_fields(
    sandbox: SandboxHandle, dicom: dict[str, Any]
) -> None:
    base = {k: v for k, v in dicom.items() if k not in ("aetitle", "address", "port")}
    assert sandbox.call("/destination/add", **base).error_subtype == ["aetitle", "address", "port"]
    assert sandbox.call("/destination/add", **base, type="FOLDER").error_subtype == ["path"]
    assert sandbox.call("/destination/add", **base, type="FOLDER", path="/data").status == 200
    assert sandbox.call("/destination/add", **base, type="WORMHOLE").error_type == "INVALID_TYPE"


def test_destination_references_and_uniqueness(
    sandbox: SandboxHandle, dicom: dict[str, Any]
) -> None:
    assert (
        sandbox.call("/destination/add", **{**dicom, "node_id": MISSING}).error_type
        == "NODE_NOT_FOUND"
    )
    first = sandbox.ok("/destination/add", **dicom)["uuid"]
    assert sandbox.call("/destination/add", **dicom).error_type == "DUP_AETITLE"
    second = sandbox.ok("/destination/add", **{**dicom, "aetitle": "PACS2"})["uuid"]
    assert sandbox.call("/destination/set", uuid=second, aetitle="PACS").error_type == "DUP_AETITLE"
    assert sandbox.call("/destination/set", uuid=first, aetitle="PACS").status == 200
    bad_roles = sandbox.call("/destination/set", uuid=first, manual_push_roles=MISSING)
    assert bad_roles.error_type == "INVALID_VALUE"
    level = sandbox.call("/destination/set", uuid=first, default_query_retrieve_level="patient")
    assert level.error_type == "INVALID_VALUE"
    schedule = sandbox.call("/destination/set", uuid=first, c_echo_schedule={"tz": "Moon"})
    assert schedule.error_type == "INVALID_SCHEDULE"
    burn = sandbox.call("/destination/set", uuid=first, cd_burn_info={"labels_single": "x"})
    assert burn.error_type == "INVALID_CD_BURN_INFO"


def test_distributing_destinations_list_existing_ones(
    sandbox: SandboxHandle, dicom: dict[str, Any]
) -> None:
    first = sandbox.ok("/destination/add", **dicom)["uuid"]
    base = {
        "account_id": dicom["account_id"],
        "node_id": dicom["node_id"],
        "name": "RR",
        "type": "DISTRIBUTING",
    }
    ok = sandbox.ok("/destination/add", **base, distributed_destinations=[first])["uuid"]
    assert sandbox.ok("/destination/get", uuid=ok)["distributed_destinations"] == [first]
    bad = sandbox.call("/destination/add", **base, distributed_destinations=[MISSING])
    assert bad.error_type == "INVALID_DISTRIBUTED_DESTINATION"


def test_destination_type_cannot_change(sandbox: SandboxHandle, dicom: dict[str, Any]) -> None:
    uuid = sandbox.ok("/destination/add", **dicom)["uuid"]
    sandbox.ok("/destination/set", uuid=uuid, type="FOLDER", name="PACS 2")
    got = sandbox.ok("/destination/get", uuid=uuid)
    assert (got["type"], got["name"], got["default_query_retrieve_level"]) == (
        "DICOM",
        "PACS 2",
        "study",
    )


def test_linked_destinations_need_a_sysadmin_and_a_virtual_node(
    sandbox: SandboxHandle, dicom: dict[str, Any]
) -> None:
    target = sandbox.ok("/destination/add", **dicom)["uuid"]
    linked = {**dicom, "name": "L", "type": "LINKED", "linked_destination": target}
    assert sandbox.call("/destination/add", **linked).error_type == "INVALID_NODE_TYPE"
    virtual = sandbox.ok("/node/add", account_id=dicom["account_id"], name="V", type="VIRTUAL")[
        "uuid"
    ]
    assert sandbox.call("/destination/add", **{**linked, "node_id": virtual}).status == 200


def test_nodes(sandbox: SandboxHandle, acc: str, dicom: dict[str, Any]) -> None:
    added = sandbox.ok("/node/add", account_id=acc, name="Gw", type="HARVESTER", os_type="WINDOWS")
    assert added["serial_no"]
    assert (
        sandbox.call("/node/add", account_id=acc, name="N", type="TOASTER").error_type
        == "INVALID_TYPE"
    )
    assert sandbox.call(
        "/node/add", account_id=acc, name="N", type="HARVESTER", os_type="BEOS"
    ).error_type == ("INVALID_OS_TYPE")
    sandbox.ok("/destination/add", **{**dicom, "node_id": added["uuid"]})
    assert sandbox.call("/node/delete", uuid=added["uuid"]).error_type == "HAS_DESTINATIONS"
    sid = sandbox.login(sandbox.user_login, sandbox.user_password)
    roles = {r["name"]: r["uuid"] for r in sandbox.ok("/role/list", account_id=acc)["roles"]}
    sandbox.ok("/role/set", uuid=roles["User"], permission_node_edit="1")
    refused = sandbox.call("/node/add", sid=sid, account_id=acc, name="S", type="STORAGE")
    assert refused.error_type == "NOT_PERMITTED"


def test_hl7_templates(sandbox: SandboxHandle, acc: str) -> None:
    uuid = sandbox.ok("/hl7/template/add", account_id=acc, name="ORM out", body=HL7)["uuid"]
    got = sandbox.ok("/hl7/template/get", uuid=uuid)
    assert (got["type"], got["body"]) == ("ORM", HL7)
    assert (
        sandbox.call("/hl7/template/add", account_id=acc, name="Bad", body="hello").error_type
        == "INVALID_HL7"
    )
    assert sandbox.call("/hl7/template/set", uuid=uuid, name="Only name").error_subtype == ["body"]
    listed = sandbox.ok("/hl7/template/list", account_id=acc, **{"page.rows": 1})
    assert len(listed["templates"]) == 1 and "page" not in listed


def test_radreport_templates_need_a_sysadmin(sandbox: SandboxHandle, acc: str) -> None:
    roles = {r["name"]: r["uuid"] for r in sandbox.ok("/role/list", account_id=acc)["roles"]}
    sandbox.ok(
        "/role/set",
        uuid=roles["User"],
        permission_radreport_view="1",
        permission_radreport_edit="1",
    )
    sid = sandbox.login(sandbox.user_login, sandbox.user_password)
    params = {"account_id": acc, "type": "CT", "name": "T", "body": "<p/>"}
    assert (
        sandbox.call("/radreport/template/add", sid=sid, **params).error_type
        == "NOT_SYSADMIN_OR_SUPPORT"
    )
    uuid = sandbox.ok("/radreport/template/add", **params)["uuid"]
    assert sandbox.call("/radreport/template/get", sid=sid, uuid=uuid).status == 200
    assert (
        sandbox.call("/radreport/template/delete", sid=sid, uuid=uuid).error_type
        == "NOT_SYSADMIN_OR_SUPPORT"
    )


def test_radreport_activation_is_one_per_type(sandbox: SandboxHandle, acc: str) -> None:
    def add(name: str, kind: str) -> str:
        return sandbox.ok(
            "/radreport/template/add", account_id=acc, type=kind, name=name, body="x"
        )["uuid"]

    first, second, other = add("A", "CT"), add("B", "CT"), add("C", "MR")
    assert sandbox.ok("/radreport/template/get", uuid=first)["active"] == 0
    for uuid in (first, other, second):
        sandbox.ok("/radreport/template/activate", uuid=uuid)
    active = {
        t["name"]: t["active"]
        for t in sandbox.ok("/radreport/template/list", account_id=acc)["templates"]
    }
    assert active == {"A": 0, "B": 1, "C": 1}
    assert sandbox.ok("/radreport/template/get/type", account_id=acc, type="CT")["uuid"] == second
    only_ct = sandbox.ok("/radreport/template/list", account_id=acc, type="CT")["templates"]
    assert sorted(t["name"] for t in only_ct) == ["A", "B"]
    only_active = sandbox.ok("/radreport/template/list", account_id=acc, active=1)["templates"]
    assert sorted(t["name"] for t in only_active) == ["B", "C"]
    missing = sandbox.call("/radreport/template/get/type", account_id=acc, type="US")
    assert missing.error_type == "NOT_FOUND"
