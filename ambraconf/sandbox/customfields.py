"""Custom fields: their own rules, their values on other objects, and their mappings.

Objects that carry custom fields (accounts, groups, locations, account users) take
one ``customfield-<UUID>`` parameter per field on add/set and return a
``customfields`` array on get/list, as the documentation describes.
"""

from __future__ import annotations

import re
from typing import Any

from ambraconf.facts import CUSTOMFIELD_OBJECTS, CUSTOMFIELD_TYPES
from ambraconf.sandbox.context import Call
from ambraconf.sandbox.protocol import ApiError
from ambraconf.sandbox.schema import NO, REQUIRED, Field, Kind, Seeding, flags
from ambraconf.sandbox.store import Row

HL7_SEGMENTS = frozenset(
    {"NTE", "PID", "PID1", "PV1", "PV2", "OBR", "DG1", "OBX", "CTI", "BLG", "ORC"}
)
SEARCH_SOURCES = frozenset(
    {"athena_providers", "athena_order_types", "us_states", "account_users", "customfield_values"}
)
DICOM_TAG = re.compile(r"\([0-9A-F]{4},[0-9A-F]{4}\)(:\([0-9A-F]{4},[0-9A-F]{4}\))*")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
MAPPING_FLAGS = ("overwrite_with_blank", "refresh_on_reshare", "refresh_on_edit")


def account_fields(call: Call, account_id: str | None, object_name: str) -> list[Row]:
    """The account's custom fields for one object type, read once per call."""
    key = ("customfields", account_id, object_name)
    if key not in call.cache:
        rows = call.store.rows("customfield", account_id=account_id)
        call.cache[key] = [row for row in rows if row.doc.get("object") == object_name]
    return call.cache[key]


def attached(
    call: Call, account_id: str | None, object_name: str, doc: dict[str, Any]
) -> list[dict[str, Any]]:
    """The ``customfields`` array of an object: every field of its type, with its value."""
    values = doc.get("customfield_values", {})
    return [
        {
            "uuid": field.uuid,
            "name": field.doc.get("name"),
            "type": field.doc.get("type"),
            "value": values.get(field.uuid),
            "required": field.doc.get("required", 0),
            "options": field.doc.get("options"),
            "ui_json": field.doc.get("ui_json"),
        }
        for field in account_fields(call, account_id, object_name)
    ]


def take_values(call: Call, account_id: str | None, object_name: str, doc: dict[str, Any]) -> None:
    """Store the ``customfield-<UUID>`` parameters; INVALID_CUSTOMFIELD lists every problem."""
    given = call.params.prefixed("customfield-")
    if not given:
        return
    known = {row.uuid: row for row in account_fields(call, account_id, object_name)}
    values = doc.setdefault("customfield_values", {})
    problems = []
    for uuid, value in given.items():
        field = known.get(uuid)
        if field is None:
            problems.append(f"customfield-{uuid}: not a {object_name} field of this account")
            continue
        problem = _value_problem(field.doc.get("type", "text"), value)
        if problem:
            problems.append(f"customfield-{uuid}: {problem}")
        else:
            values[uuid] = value
    if problems:
        raise ApiError("INVALID_CUSTOMFIELD", problems)


def _value_problem(field_type: str, value: str) -> str | None:
    """The documented value formats: dates YYYY-MM-DD, checkboxes 0/1, bools 0/1/true/false."""
    if value == "":
        return None
    if field_type == "date" and not DATE.fullmatch(value):
        return "dates are YYYY-MM-DD"
    if field_type == "checkbox" and value not in ("0", "1"):
        return "checkboxes are 1/0"
    if field_type == "bool" and value not in ("0", "1", "true", "false"):
        return "booleans are 0/1 or true/false"
    if field_type == "number":
        try:
            float(value)
        except ValueError:
            return "not a number"
    return None


def check(call: Call, kind: Kind, doc: dict[str, Any], old: Row | None, account: Row) -> None:
    """The documented validations of /customfield/add and /customfield/set."""
    if doc["object"] not in CUSTOMFIELD_OBJECTS:
        raise ApiError("INVALID_OBJECT", doc["object"])
    if doc["type"] not in CUSTOMFIELD_TYPES:
        raise ApiError("INVALID_TYPE", doc["type"])
    _check_options(call, doc, account)
    study = doc["object"] == "Study"
    hl7_given = any(doc.get(k) not in (None, "") for k in ("hl7_segment", "hl7_field", "load_hl7"))
    if hl7_given and not study:
        raise ApiError("INVALID_HL7_OBJECT")
    if doc.get("hl7_segment") not in (None, "") and doc["hl7_segment"] not in HL7_SEGMENTS:
        raise ApiError("INVALID_HL7_SEGMENT", doc["hl7_segment"])
    for name in ("hl7_field", "hl7_component"):
        if doc.get(name) is not None and not 1 <= doc[name] <= 64:
            raise ApiError("INVALID_INTEGER" if old is None else "INVALID_HL7_FIELD", name)
    tags = doc.get("other_dicom_tags")
    if tags is not None and not (isinstance(tags, list) and all(isinstance(t, str) for t in tags)):
        raise ApiError("INVALID_DICOM_TAG", "other_dicom_tags")
    all_tags = [doc["dicom_tag"]] if doc.get("dicom_tag") else []
    all_tags += tags or []
    if all_tags and not study:
        raise ApiError("INVALID_DICOM_TAG_OBJECT")
    for tag in all_tags:
        if not DICOM_TAG.fullmatch(tag):
            raise ApiError("INVALID_DICOM_TAG", tag)
    if doc.get("load_dicom_tag") and not doc.get("dicom_tag"):
        raise ApiError("NO_DICOM_TAG_DEFINED")
    if doc.get("load_from_sr") is not None and not isinstance(doc["load_from_sr"], list):
        raise ApiError("INVALID_JSON", "load_from_sr")
    other = doc.get("other_customfield_id")
    if other:
        target = call.lookup("customfield", other)
        if target is None or (target.account_id != account.uuid and not call.sysadmin):
            raise ApiError("NOT_FOUND", "OTHER_CUSTOMFIELD")


def _check_options(call: Call, doc: dict[str, Any], account: Row) -> None:
    options = doc.get("options")
    if options is None:
        return
    if not isinstance(options, dict):
        raise ApiError("INVALID_OPTIONS", "options must be a JSON hash")
    if doc["type"] == "search" and options.get("search_source") not in SEARCH_SOURCES:
        raise ApiError("INVALID_SEARCH_SOURCE", options.get("search_source"))
    show_when = options.get("show_when")
    if show_when is not None:
        if not isinstance(show_when, dict):
            raise ApiError("INVALID_OPTIONS", "show_when must be a hash")
        for uuid in show_when:
            target = call.lookup("customfield", uuid)
            if target is None or target.account_id != account.uuid:
                raise ApiError("INVALID_OPTIONS", f"show_when: no customfield {uuid}")


def present(call: Call, row: Row, out: dict[str, Any]) -> None:
    """Add the nested ``customfield_mapping`` array (mappings from this field)."""
    key = ("mappings", row.account_id)
    if key not in call.cache:
        by_source: dict[str, list[dict[str, Any]]] = {}
        for mapping in call.store.rows("customfield_mapping", account_id=row.account_id):
            entry = {"uuid": mapping.uuid, "to_customfield_id": mapping.doc["to_customfield_id"]}
            entry.update({k: mapping.doc[k] for k in (*MAPPING_FLAGS, "reverse_refresh_on_edit")})
            by_source.setdefault(mapping.parent_id or "", []).append(entry)
        call.cache[key] = by_source
    out["customfield_mapping"] = call.cache[key].get(row.uuid, [])


def before_delete(call: Call, row: Row) -> None:
    """Mappings into a deleted field go with it (those out of it are its children)."""
    for mapping in call.store.find("customfield_mapping", "to_customfield_id", row.uuid):
        call.store.delete(mapping.uuid)


def mapping_source(call: Call) -> tuple[Row, dict[str, Any]]:
    """A mapping is added in the account of its source field, which must exist, as the target."""
    source = call.lookup("customfield", call.params.get("from_customfield_id"))
    if source is None:
        raise ApiError("NOT_FOUND", "FROM_CUSTOMFIELD")
    if call.lookup("customfield", call.params.get("to_customfield_id")) is None:
        raise ApiError("NOT_FOUND", "TO_CUSTOMFIELD")
    account = call.lookup("account", source.account_id)
    if account is None:
        raise ApiError("NOT_FOUND", "FROM_CUSTOMFIELD")
    return account, {}


def check_mapping(
    call: Call, kind: Kind, doc: dict[str, Any], old: Row | None, account: Row
) -> None:
    """ALREADY_EXISTS for a pair; only a sysadmin maps across accounts."""
    if old is not None:
        return
    target = call.lookup("customfield", doc["to_customfield_id"])
    if target is not None and target.account_id != account.uuid and not call.sysadmin:
        raise ApiError("NOT_PERMITTED")
    for mapping in call.store.rows("customfield_mapping", parent_id=doc["from_customfield_id"]):
        if mapping.doc["to_customfield_id"] == doc["to_customfield_id"]:
            raise ApiError("ALREADY_EXISTS")


CUSTOMFIELD = Kind(
    "customfield",
    "/customfield",
    "customfields",
    [
        Field("name", add=REQUIRED, ci=True),
        Field("object", add=REQUIRED, set=NO),
        Field("type", set=NO, default="text"),
        *flags(
            "capture_on_share_code",
            "capture_on_destination_search",
            "wrapped_dicom_only",
            "dicom_only",
            "required",
            "load_dicom_tag",
            "dicom_tag_ignore_empty",
            "load_order",
        ),
        Field("display_order", "int"),
        Field("options", "json", default={}),
        Field("hl7_segment"),
        Field("hl7_field", "int"),
        Field("hl7_component", "int"),
        Field("load_hl7"),
        Field("load_hl7_filter"),
        Field("dicom_tag"),
        Field("other_dicom_tags", "json"),
        Field("load_from_sr", "json"),
        Field("field_flag"),
        Field("ui_json", "json", default={}),
        Field("other_customfield_id"),
        *flags(
            "other_customfield_no_overwrite_with_blank",
            "other_customfield_no_refresh_on_reshare",
            add=NO,
        ),
    ],
    account_missing="ACCOUNT_NOT_FOUND",
    readonly=("customfield_mapping",),
    seed=Seeding("customfields"),
    check=check,
    present=present,
    before_delete=before_delete,
)
CUSTOMFIELD_MAPPING = Kind(
    "customfield_mapping",
    "/customfield/mapping",
    "",
    [
        Field("from_customfield_id", add=REQUIRED, set=NO, hidden=True),
        Field("to_customfield_id", add=REQUIRED, set=NO),
        *flags(*MAPPING_FLAGS, default=1),
        *flags("reverse_refresh_on_edit"),
    ],
    scope_params=(),
    parent="from_customfield_id",
    endpoints=("add", "set", "delete"),
    add_scope=mapping_source,
    check=check_mapping,
)
