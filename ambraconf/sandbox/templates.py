"""HL7 templates and radreport templates (with activation, one active per type)."""

from __future__ import annotations

import re
from typing import Any

from ambraconf.sandbox.context import Call
from ambraconf.sandbox.protocol import ApiError
from ambraconf.sandbox.schema import REQUIRED, Endpoint, Field, Kind, SeedContext, Seeding
from ambraconf.sandbox.store import Row

SEGMENT_BREAK = re.compile(r"\r\n|\r|\n")


def check_hl7(call: Call, kind: Kind, doc: dict[str, Any], old: Row | None, account: Row) -> None:
    """The body must be an HL7 message: an MSH segment first; its MSH-9 gives the type."""
    segments = [s for s in SEGMENT_BREAK.split(doc["body"].strip()) if s]
    header = segments[0] if segments else ""
    if not header.startswith("MSH") or len(header) < 8:
        raise ApiError("INVALID_HL7")
    separator = header[3]
    fields = header.split(separator)
    if len(fields) < 9 or not fields[8]:
        raise ApiError("INVALID_HL7")
    component = fields[1][0] if fields[1] else "^"
    doc["type"] = fields[8].split(component)[0]


def present_hl7(call: Call, row: Row, out: dict[str, Any]) -> None:
    out["type"] = row.doc.get("type")


def present_radreport(call: Call, row: Row, out: dict[str, Any]) -> None:
    out["active"] = row.doc.get("active", 0)


def radreport_activate(call: Call) -> dict[str, Any]:
    """Activate one template; every other active template of its type is deactivated."""
    call.params.require("uuid")
    call.require_sysadmin()
    template = call.lookup("radreport_template", call.params.get("uuid"))
    if template is None:
        raise ApiError("NOT_FOUND", "uuid")
    for other in call.store.find(
        "radreport_template", "type", template.doc["type"], account_id=template.account_id
    ):
        if other.uuid != template.uuid and other.doc.get("active"):
            other.doc["active"] = 0
            call.store.update(other)
    template.doc["active"] = 1
    call.store.update(template)
    return {"uuid": template.uuid}


def radreport_by_type(call: Call) -> dict[str, Any]:
    """/radreport/template/get/type: the active template of a type in the account."""
    call.params.require("account_id", "type")
    account_id = call.params.get("account_id") or ""
    if call.lookup("account", account_id) is None:
        raise ApiError("NOT_FOUND", "account_id")
    call.authorize(account_id)
    for template in call.store.find(
        "radreport_template", "type", call.params.get("type"), account_id=account_id
    ):
        if template.doc.get("active"):
            return {"uuid": template.uuid, **template.doc}
    raise ApiError("NOT_FOUND", "type")


def seed_active(context: SeedContext, uuid: str, active: Any) -> None:
    """A seed's ``active: true`` activates the template once it is added."""
    if active:
        context.call("/radreport/template/activate", {"uuid": uuid})


HL7_TEMPLATE = Kind(
    "hl7_template",
    "/hl7/template",
    "templates",
    [
        Field("name", add=REQUIRED, set=REQUIRED, ci=True),
        Field("body", add=REQUIRED, set=REQUIRED),
    ],
    paged=False,
    readonly=("type",),
    seed=Seeding("hl7_templates"),
    check=check_hl7,
    present=present_hl7,
)
RADREPORT_TEMPLATE = Kind(
    "radreport_template",
    "/radreport/template",
    "templates",
    [
        Field("type", add=REQUIRED),
        Field("name", add=REQUIRED, ci=True),
        Field("body", add=REQUIRED),
        Field("preview"),
        Field("options", "json"),
    ],
    readonly=("active",),
    list_filters=("type", "active"),
    extra={
        "activate": Endpoint(radreport_activate),
        "get/type": Endpoint(radreport_by_type, object_name="radreport_template"),
    },
    seed=Seeding("radreport_templates", then={"active": seed_active}),
    present=present_radreport,
)
