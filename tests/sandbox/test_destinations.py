"""Destinations as a managed kind needs them: found or NOT_FOUND, moved between nodes,
aetitles unique per node only, add-only fields kept on set, and permissions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from ambraconf.sandbox.harness import SandboxHandle

MISSING = "6f1c1f0e-0000-4000-8000-000000000000"


@pytest.fixture
def pacs(acc: str, node_id: str) -> dict[str, Any]:
    return {
        "account_id": acc,
        "node_id": node_id,
        "name": "PACS",
        "aetitle": "PACS",
        "address": "10.0.0.9",
        "port": 104,
    }


@pytest.mark.parametrize(
    "endpoint", ["/destination/get", "/destination/set", "/destination/delete"]
)
def test_an_unknown_destination_is_not_found(sandbox: SandboxHandle, endpoint: str) -> None:
    assert sandbox.call(endpoint, uuid=MISSING).error_type == "NOT_FOUND"


def test_a_deleted_destination_is_gone_from_list_and_get(
    sandbox: SandboxHandle, acc: str, pacs: dict[str, Any]
) -> None:
    uuid = sandbox.ok("/destination/add", **pacs)["uuid"]
    sandbox.ok("/destination/delete", uuid=uuid)
    assert sandbox.ok("/destination/list", account_id=acc)["destinations"] == []
    assert sandbox.call("/destination/get", uuid=uuid).error_type == "NOT_FOUND"


def test_aetitles_are_unique_per_node_and_a_move_checks_the_new_node(
    sandbox: SandboxHandle, acc: str, pacs: dict[str, Any]
) -> None:
    other = sandbox.ok("/node/add", account_id=acc, name="Annex", type="HARVESTER")["uuid"]
    here = sandbox.ok("/destination/add", **pacs)["uuid"]
    there = sandbox.ok("/destination/add", **{**pacs, "name": "Annex PACS", "node_id": other})
    assert sandbox.call(
        "/destination/set", uuid=there["uuid"], node_id=pacs["node_id"]
    ).error_type == ("DUP_AETITLE")
    assert sandbox.call("/destination/set", uuid=here, node_id=MISSING).error_type == (
        "NODE_NOT_FOUND"
    )
    sandbox.ok("/destination/set", uuid=here, node_id=other, aetitle="PACS1")
    assert sandbox.ok("/destination/get", uuid=here)["node_id"] == other


def test_set_keeps_the_add_only_type_and_changes_the_rest(
    sandbox: SandboxHandle, pacs: dict[str, Any]
) -> None:
    uuid = sandbox.ok("/destination/add", **pacs)["uuid"]
    sandbox.ok("/destination/set", uuid=uuid, type="VIRTUAL", port=11112, can_search=1)
    got = sandbox.ok("/destination/get", uuid=uuid)
    assert (got["type"], got["port"], got["can_search"]) == ("DICOM", 11112, 1)


def test_a_set_that_empties_what_the_type_requires_is_refused(
    sandbox: SandboxHandle, pacs: dict[str, Any]
) -> None:
    uuid = sandbox.ok("/destination/add", **pacs)["uuid"]
    refused = sandbox.call("/destination/set", uuid=uuid, aetitle="")
    assert (refused.error_type, refused.error_subtype) == ("MISSING_FIELDS", ["aetitle"])


def test_adding_needs_destination_edit(
    sandbox: SandboxHandle, pacs: dict[str, Any], limited_sid: Callable[..., str]
) -> None:
    sid = limited_sid(destination_view=1)
    assert sandbox.call("/destination/add", sid=sid, **pacs).error_type == "NOT_PERMITTED"
    assert sandbox.call("/destination/list", sid=sid, account_id=pacs["account_id"]).status == 200
