"""Nodes: the gateways (harvesters, storage, virtual...) that destinations hang off.

A node links to an account, or to a group or location of one; it gets a serial
number at add, and cannot be deleted while it handles a destination. /node/set merges
the ``configuration`` hash ("does not need to be complete") and the node's setting
overrides (only settings the table lets a node override: NO_NODE_OVERRIDE; ``__DELETE__``
drops one, "it will then revert to the account value"); ``storage_namespace`` takes a
sysadmin and a namespace of the node's account.
"""

from __future__ import annotations

import secrets
from typing import Any

from ambraconf.sandbox.context import Call
from ambraconf.sandbox.protocol import ApiError
from ambraconf.sandbox.schema import NO, REQUIRED, Field, Kind, Ref, Seeding, flags
from ambraconf.sandbox.settings import setting_value
from ambraconf.sandbox.store import Row

DELETE = "__DELETE__"
NEVER_PINGED = -1
"""/node/get ``last_ping``: "-1 if the node has never pinged" (no gateway ever pings here)."""

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
    if old is not None:
        _merge_set(call, doc, account)


def _merge_set(call: Call, doc: dict[str, Any], account: Row) -> None:
    """What /node/set merges and checks beyond its plain fields."""
    params = call.params
    configuration = params.hash("configuration")
    doc["configuration"] = {**(doc.get("configuration") or {}), **configuration}
    settings = dict(doc.get("settings") or {})
    for name, value in params.hash("settings", "setting_").items():
        if value == DELETE:
            settings.pop(name, None)
        else:
            settings[name] = setting_value(name, value, override="node_override")
    doc["settings"] = settings
    if params.filled("storage_namespace"):
        if not call.sysadmin:
            raise ApiError("NOT_PERMITTED", "storage_namespace")
        namespace = call.lookup("namespace", params.get("storage_namespace"))
        if namespace is None or namespace.account_id != account.uuid:
            raise ApiError("NOT_FOUND", "storage_namespace")
        doc["storage_namespace"] = namespace.uuid


def after_add(call: Call, row: Row) -> dict[str, Any]:
    """Every node gets a serial number at add, as /node/add returns."""
    row.doc["serial_no"] = secrets.token_hex(8).upper()
    call.store.update(row)
    return {"serial_no": row.doc["serial_no"]}


def present(call: Call, row: Row, out: dict[str, Any]) -> None:
    """The read-only fields of /node/get; ``settings`` holds only the overrides."""
    out["serial_no"] = row.doc.get("serial_no")
    out["account_id"] = row.account_id
    out["configuration"] = row.doc.get("configuration") or {}
    out["settings"] = row.doc.get("settings") or {}
    namespace = call.lookup("namespace", row.doc.get("storage_namespace"))
    out["storage_namespace"] = namespace.uuid if namespace else None
    out["storage_namespace_name"] = namespace.doc.get("name") if namespace else None
    out["has_access"] = 1
    out["last_ping"] = NEVER_PINGED


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
        Field("ctc_bucket"),
        Field("accelerator_id", set=NO),
        *flags(
            "monitor_study_create",
            "monitor_node_ping",
            "monitor_node_slow_push",
            "monitor_node_last_send",
            add=NO,
        ),
        Field("monitor_study_create_threshold", "int", add=NO),
        Field("monitor_node_slow_push_threshold", "int", add=NO),
        Field("monitor_node_last_send_threshold", "int", add=NO),
        Field("monitor_email", add=NO),
        Field("warning_email", add=NO),
        # "the node will be instructed to reload it's configuration on the next ping":
        # an instruction to the gateway, which get does not return
        Field("reload_configuration", "flag", add=NO, hidden=True),
    ],
    readonly=(
        "serial_no",
        "account_id",
        "configuration",
        "settings",
        "storage_namespace",
        "storage_namespace_name",
        "has_access",
        "last_ping",
    ),
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
