"""Nodes: the gateways (harvesters, storage, virtual...) that destinations hang off.

A node links to an account, or to a group or location of one; it gets a serial
number at add, and cannot be deleted while it handles a destination.
"""

from __future__ import annotations

import secrets
from typing import Any

from ambraconf.sandbox.context import Call
from ambraconf.sandbox.protocol import ApiError
from ambraconf.sandbox.schema import NO, REQUIRED, Field, Kind, Ref, Seeding, flags
from ambraconf.sandbox.store import Row

NODE_TYPES = frozenset(
    {"STORAGE", "HARVESTER", "ACCELERATOR", "CLEARINGHOUSE", "VIRTUAL", "UTILITY", "XDS"}
)
NODE_OS_TYPES = frozenset({"WINDOWS", "MACOS"})
SYSADMIN_NODE_TYPES = frozenset({"STORAGE", "CLEARINGHOUSE"})


def scope(call: Call) -> tuple[Row, dict[str, Any]]:
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


def check(call: Call, kind: Kind, doc: dict[str, Any], old: Row | None, account: Row) -> None:
    if doc["type"] not in NODE_TYPES:
        raise ApiError("INVALID_TYPE", doc["type"])
    if doc.get("os_type") not in (None, "") and doc["os_type"] not in NODE_OS_TYPES:
        raise ApiError("INVALID_OS_TYPE", doc["os_type"])
    if old is None and doc["type"] in SYSADMIN_NODE_TYPES and not call.sysadmin:
        raise ApiError("NOT_PERMITTED")


def after_add(call: Call, row: Row) -> dict[str, Any]:
    """Every node gets a serial number at add, as /node/add returns."""
    row.doc["serial_no"] = secrets.token_hex(8).upper()
    call.store.update(row)
    return {"serial_no": row.doc["serial_no"]}


def present(call: Call, row: Row, out: dict[str, Any]) -> None:
    out["serial_no"] = row.doc.get("serial_no")
    out["account_id"] = row.account_id
    out["configuration"] = {}
    out["settings"] = {}


def before_delete(call: Call, row: Row) -> None:
    """HAS_DESTINATIONS while a destination is handled by the node."""
    if call.store.find("destination", "node_id", row.uuid):
        raise ApiError("HAS_DESTINATIONS")


NODE = Kind(
    "node",
    "/node",
    "nodes",
    [
        Field("name", add=REQUIRED, ci=True),
        Field("type", add=REQUIRED, set=NO),
        Field("os_type", set=NO),
        Field("facility_name"),
        Field("facility_zip"),
        Field("facility_contact"),
        Field("facility_contact_title"),
        Field("facility_email"),
        Field("facility_notes"),
        Field("category"),
        *flags("is_public"),
    ],
    readonly=("serial_no", "account_id"),
    scope_params=("account_id", "location_id", "group_id"),
    # The documentation names no permission for /node/get; the list's is asked.
    view=("node_view",),
    seed=Seeding(
        "nodes",
        refs={"group": Ref("group_id", "group"), "location": Ref("location_id", "location")},
    ),
    add_scope=scope,
    check=check,
    present=present,
    after_add=after_add,
    before_delete=before_delete,
)
