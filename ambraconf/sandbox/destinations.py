"""Destinations and the nodes (gateways) that handle them."""

from __future__ import annotations

import secrets
from typing import Any

from ambraconf.facts import DESTINATION_TYPES
from ambraconf.sandbox.context import Call
from ambraconf.sandbox.protocol import ApiError, csv_items
from ambraconf.sandbox.routes import check_schedule
from ambraconf.sandbox.schema import Kind
from ambraconf.sandbox.store import Row

REQUIRED_BY_TYPE = {
    "DICOM": ("aetitle", "address", "port"),
    "FOLDER": ("path",),
    "LINKED": ("linked_destination",),
    "DISTRIBUTING": ("distributed_destinations",),
    "VIRTUAL": ("hl7_address", "hl7_port"),
}
QUERY_LEVELS = frozenset({"study", "series", "image"})
NODE_TYPES = frozenset(
    {"STORAGE", "HARVESTER", "ACCELERATOR", "CLEARINGHOUSE", "VIRTUAL", "UTILITY", "XDS"}
)
NODE_OS_TYPES = frozenset({"WINDOWS", "MACOS"})
SYSADMIN_NODE_TYPES = frozenset({"STORAGE", "CLEARINGHOUSE"})


def check(
    call: Call, kind: Kind, doc: dict[str, Any], old: dict[str, Any] | None, account: Row
) -> None:
    """The rules of /destination/add and /destination/set on the resulting destination."""
    if doc["type"] not in DESTINATION_TYPES:
        raise ApiError("INVALID_TYPE", doc["type"])
    absent = [name for name in REQUIRED_BY_TYPE.get(doc["type"], ()) if doc.get(name) in (None, "")]
    if absent:
        raise ApiError("MISSING_FIELDS", absent)
    node = call.lookup("node", doc["node_id"])
    if node is None or (node.account_id != account.uuid and not call.sysadmin):
        raise ApiError("NODE_NOT_FOUND")
    if doc["type"] == "LINKED" and old is None:
        call.require_sysadmin("NOT_SYSADMIN")
        if node.doc.get("type") != "VIRTUAL":
            raise ApiError("INVALID_NODE_TYPE")
        if call.lookup("destination", doc["linked_destination"]) is None:
            raise ApiError("INVALID_VALUE", doc["linked_destination"])
    if doc["type"] == "DISTRIBUTING":
        targets = doc["distributed_destinations"]
        if not isinstance(targets, list) or not all(
            _own_destination(call, target, account) for target in targets
        ):
            raise ApiError("INVALID_DISTRIBUTED_DESTINATION")
    if doc.get("aetitle"):
        for other in call.store.find("destination", "node_id", doc["node_id"]):
            same = other.doc.get("aetitle") == doc["aetitle"]
            if same and other.uuid != call.params.get("uuid"):
                raise ApiError("DUP_AETITLE")
    if doc.get("default_query_retrieve_level") not in QUERY_LEVELS:
        raise ApiError("INVALID_VALUE", doc.get("default_query_retrieve_level"))
    for role_id in csv_items(doc.get("manual_push_roles") or ""):
        role = call.lookup("role", role_id)
        if role is None or role.account_id != account.uuid:
            raise ApiError("INVALID_VALUE", role_id)
    if doc.get("c_echo_schedule") is not None:
        check_schedule(doc["c_echo_schedule"], "INVALID_SCHEDULE")
    _check_burn_info(doc.get("cd_burn_info"))


def _own_destination(call: Call, uuid: Any, account: Row) -> bool:
    target = call.lookup("destination", uuid if isinstance(uuid, str) else None)
    return target is not None and target.account_id == account.uuid


def _check_burn_info(info: Any) -> None:
    if info is None:
        return
    if not isinstance(info, dict):
        raise ApiError("INVALID_CD_BURN_INFO", "not a JSON hash")
    for key, value in info.items():
        if key not in ("labels_single", "labels_multi"):
            raise ApiError("INVALID_CD_BURN_INFO", key)
        if not isinstance(value, list):
            raise ApiError("INVALID_CD_BURN_INFO", f"{key} must be a list")


def node_scope(call: Call) -> tuple[Row, dict[str, Any]]:
    """A node links to an account, or to a group or location of one."""
    params = call.params
    for kind in ("group", "location"):
        if params.filled(f"{kind}_id") and not params.filled("account_id"):
            owner = call.lookup(kind, params.get(f"{kind}_id"))
            account = call.lookup("account", owner.account_id) if owner else None
            if account is None:
                raise ApiError("INVALID_LINKAGE")
            return account, {}
    account = call.lookup("account", params.get("account_id"))
    if account is None:
        raise ApiError("ACCOUNT_NOT_FOUND")
    return account, {}


def check_node(
    call: Call, kind: Kind, doc: dict[str, Any], old: dict[str, Any] | None, account: Row
) -> None:
    if doc["type"] not in NODE_TYPES:
        raise ApiError("INVALID_TYPE", doc["type"])
    if doc.get("os_type") not in (None, "") and doc["os_type"] not in NODE_OS_TYPES:
        raise ApiError("INVALID_OS_TYPE", doc["os_type"])
    if old is None and doc["type"] in SYSADMIN_NODE_TYPES and not call.sysadmin:
        raise ApiError("NOT_PERMITTED")


def node_added(call: Call, row: Row) -> dict[str, Any]:
    """Every node gets a serial number at add, as /node/add returns."""
    row.doc["serial_no"] = secrets.token_hex(8).upper()
    call.store.update(row)
    return {"serial_no": row.doc["serial_no"]}


def present_node(call: Call, row: Row, out: dict[str, Any]) -> None:
    out["serial_no"] = row.doc.get("serial_no")
    out["account_id"] = row.account_id
    out["configuration"] = {}
    out["settings"] = {}


def node_deleted(call: Call, row: Row) -> None:
    """HAS_DESTINATIONS while a destination is handled by the node."""
    if call.store.find("destination", "node_id", row.uuid):
        raise ApiError("HAS_DESTINATIONS")
