"""Destinations: the DICOM, folder, linked, distributing and virtual targets of routes.

A destination hangs off a node (a gateway, see nodes.py) of its account; its
aetitle is unique per node and its type fixes which fields it needs.
"""

from __future__ import annotations

from typing import Any

from ambraconf.facts import DESTINATION_TYPES
from ambraconf.sandbox.context import Call
from ambraconf.sandbox.protocol import ApiError, csv_items
from ambraconf.sandbox.routes import check_schedule
from ambraconf.sandbox.schema import NO, REQUIRED, Field, Kind, Ref, Seeding, flags
from ambraconf.sandbox.store import Row

REQUIRED_BY_TYPE = {
    "DICOM": ("aetitle", "address", "port"),
    "FOLDER": ("path",),
    "LINKED": ("linked_destination",),
    "DISTRIBUTING": ("distributed_destinations",),
    "VIRTUAL": ("hl7_address", "hl7_port"),
}
QUERY_LEVELS = frozenset({"study", "series", "image"})


def check(call: Call, kind: Kind, doc: dict[str, Any], old: Row | None, account: Row) -> None:
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
            if same and (old is None or other.uuid != old.uuid):
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


DESTINATION = Kind(
    "destination",
    "/destination",
    "destinations",
    [
        Field("name", add=REQUIRED, ci=True),
        Field("node_id", add=REQUIRED),
        Field("type", set=NO, default="DICOM"),
        Field("linked_destination", set=NO),
        *flags("linked_qr_to_referred_account", "linked_qr_activity_in_referred_account"),
        Field("distributed_destinations", "json"),
        Field("path"),
        Field("aetitle"),
        Field("address"),
        Field("port", "int"),
        *flags(
            "can_query_retrieve",
            "can_retrieve_thin",
            "can_search",
            "can_search_mwl",
            "can_push_hl7",
            "sqlch_psh_if_img_unchg",
            "sqlch_psh_if_route_hl7",
            "fire_webhooks",
            "push_related_studies",
        ),
        Field("hl7_address"),
        Field("hl7_port", "int"),
        Field("c_echo_interval", "int"),
        Field("c_echo_schedule", "json"),
        Field("default_query_retrieve_level", default="study"),
        Field("gateway_settings"),
        Field("cd_burn_info", "json"),
        Field("cd_burn_name"),
        Field("cd_burn_priority", "int"),
        Field("sort_order", "int"),
        Field("hl7_fetch_filter"),
        Field("manual_push_roles", "csv"),
        Field("ui_json", "json", default={}),
    ],
    seed=Seeding("destinations", refs={"node": Ref("node_id", "node")}),
    check=check,
)
