"""Namespaces and the objects that own one: accounts, groups and locations.

Each account, group and location has a namespace (its own uuid, returned as
``namespace_id``); routes hang off namespaces, and the get-or-set endpoints
/namespace/settings, /namespace/study/defaults, /namespace/event/defaults,
/namespace/coverpage, /namespace/share/pricing and /namespace/anonymize (anonymization.py)
read and write what a namespace holds besides its owner's fields (called with ``uuid``
alone they read). Share codes are unique system-wide, role_id must name a role of the
account that may be used at this level.
"""

from __future__ import annotations

from typing import Any

from ambraconf.facts import (
    ACCOUNT_SETTINGS,
    ENDPOINTS,
    FIELD_PERMISSION_VALUES,
    STUDY_DICOM_FIELDS,
    permission_fact,
)
from ambraconf.sandbox import anonymization, members
from ambraconf.sandbox.context import Call
from ambraconf.sandbox.crud import coerce
from ambraconf.sandbox.customfields import account_fields
from ambraconf.sandbox.protocol import ApiError, parse_flag, parse_json
from ambraconf.sandbox.schema import NO, REQUIRED, Endpoint, Field, Kind, Ref, Seeding, flags
from ambraconf.sandbox.settings import setting_value
from ambraconf.sandbox.store import Row

SHARE_CODE_HOLDERS = ("account", "group", "location")
NAMESPACE_FLAGS = (
    "must_approve",
    "must_approve_upload",
    "must_approve_harvest",
    "must_approve_move",
    "no_share",
    "share_via_gateway",
)
# The namespace's own settings, beside the account settings it may override.
NAMESPACE_OWN = [
    *(Field(name, "flag") for name in ("no_dup_share", "share_related", "ira_namespace")),
    Field("study_field_flags", "json"),
    Field("storage_always_dicom_tags", "json"),
    Field("download_anonymize"),
    Field("study_size_soft_threshold_per_user"),
]
NAMESPACE_RESERVED = frozenset({"sid", "uuid"})
# "-- The following account settings can be over-ridden in the namespace --": the endpoint
# names link_defaults and upload_settings there although the settings table does not mark
# them namespace-overridable; the endpoint's own list is its contract, so both are taken.
ENDPOINT_OVERRIDES = frozenset(
    name for name in ENDPOINTS["/namespace/settings"].parameters if name in ACCOUNT_SETTINGS
)
EVENT_FLAGS = tuple(p for p in ENDPOINTS["/namespace/event/defaults"].parameters if p != "uuid")


def create_namespace(call: Call, account_id: str, owner: str, owner_type: str, name: str) -> Row:
    """The namespace an account, group or location owns."""
    doc = {"type": owner_type, "owner_id": owner, "name": name, "settings": {}}
    return call.store.insert("namespace", doc, account_id=account_id)


def check_role(
    call: Call, account_id: str, role_id: str | None, level: str, ns: str | None
) -> None:
    """A default role must be a role of this account allowed ``for_<level>``."""
    if not role_id:
        return
    role = call.lookup("role", role_id)
    if role is None or role.account_id != account_id:
        raise ApiError("NOT_FOUND", "role_id")
    if not role.doc.get(f"for_{level}", 1):
        raise ApiError(
            "ROLE_NAMESPACE_MISMATCH", "INCOMPATIBLE_ROLE", {"role_id": role_id, "namespace_id": ns}
        )


def check_share_code(call: Call, code: str | None, own_uuid: str | None) -> None:
    """DUP_SHARE_CODE: share codes are unique across every account, group and location."""
    if not code:
        return
    for kind in SHARE_CODE_HOLDERS:
        for holder in call.store.find_ci(kind, "share_code", code):
            if holder.uuid != own_uuid:
                raise ApiError("DUP_SHARE_CODE")


def check_owner(call: Call, kind: Kind, doc: dict[str, Any], old: Row | None, account: Row) -> None:
    """Group and location rules: default role, share code, namespace name uniqueness."""
    own = old.uuid if old is not None else None
    check_role(call, account.uuid, doc.get("role_id"), kind.name, doc.get("namespace_id"))
    check_share_code(call, doc.get("share_code"), own)
    unique = _account_settings(account).get("namespace_names_globally_unique") == "1"
    if unique and (old is None or old.doc.get("name", "").lower() != doc["name"].lower()):
        for other_kind in ("group", "location"):
            for other in call.store.find_ci(
                other_kind, "name", doc["name"], account_id=account.uuid
            ):
                if other.uuid != own:
                    raise ApiError("DUP_NAMESPACE_NAME")


def _account_settings(account: Row) -> dict[str, str]:
    return account.doc.get("settings") or {}


def owner_added(call: Call, row: Row) -> dict[str, Any]:
    """Group/location add: create its namespace and enrol the account's global users."""
    namespace = create_namespace(call, row.account_id or "", row.uuid, row.kind, row.doc["name"])
    row.doc["namespace_id"] = namespace.uuid
    call.store.update(row)
    members.enrol_global_users(call, row)
    return {"namespace_id": namespace.uuid}


def owner_renamed(call: Call, row: Row, old: Row) -> None:
    """The namespace carries its owner's name (routes show it as namespace_name)."""
    if old.doc.get("name") != row.doc.get("name"):
        namespace = call.store.get("namespace", row.doc.get("namespace_id"))
        if namespace is not None:
            namespace.doc["name"] = row.doc["name"]
            call.store.update(namespace)


def owner_deleted(call: Call, row: Row) -> None:
    """A deleted group or location takes its namespace and the routes linked to it."""
    namespace_id = row.doc.get("namespace_id")
    for route in call.store.find("route", "namespace_id", namespace_id, account_id=row.account_id):
        call.store.delete(route.uuid)
    if namespace_id:
        call.store.delete(namespace_id)


def present_owner(call: Call, row: Row, out: dict[str, Any]) -> None:
    """Read-only fields of a group or location: namespace_id, role_name (and site_name)."""
    out["namespace_id"] = row.doc.get("namespace_id")
    role = call.lookup("role", row.doc.get("role_id"))
    out["role_name"] = role.doc.get("name") if role else None
    if row.kind == "group" and row.doc.get("site_id"):
        site = call.lookup("site", row.doc["site_id"])
        out["site_name"] = site.doc.get("name") if site else None


def namespace_settings(call: Call) -> dict[str, Any]:
    """/namespace/settings: only ``uuid`` reads; any other parameter sets (account_edit).

    Besides the namespace's own settings it takes the account settings the table
    marks namespace-overridable; anything else is INVALID_SETTING. ``__DELETE__`` drops an
    override, so the account's value applies again: the revert /node/set and
    /account/user/set document (this endpoint documents none).
    """
    call.params.require("uuid")
    namespace = call.lookup("namespace", call.params.get("uuid"))
    if namespace is None:
        raise ApiError("NOT_FOUND", "uuid")
    changes = {
        name: value
        for name, value in call.params.raw.items()
        if name not in NAMESPACE_RESERVED and not name.startswith("fields.")
    }
    if changes:
        call.authorize(namespace.account_id or "")
    else:
        call.require(namespace.account_id or "", "account_view")
    for name, value in changes.items():
        if name in NAMESPACE.by_name:
            namespace.doc[name] = _own_value(name, coerce(NAMESPACE.by_name[name], value))
        else:
            if name not in ACCOUNT_SETTINGS:
                raise ApiError("INVALID_SETTING", name)
            override = None if name in ENDPOINT_OVERRIDES else "namespace_override"
            if value == members.DELETE:
                namespace.doc["settings"].pop(name, None)
                continue
            namespace.doc["settings"][name] = setting_value(name, value, override=override)
    if changes:
        call.store.update(namespace)
    out = {name: namespace.doc.get(name) for name in NAMESPACE.by_name}
    out["study_field_flags"] = out["study_field_flags"] or {}
    out.update(namespace.doc["settings"])
    return out


def _namespace(call: Call) -> tuple[Row, bool]:
    """The namespace a get-or-set call names, and whether the call sets (any parameter
    beside ``uuid``): setting needs the documented permission, reading account_view."""
    call.params.require("uuid")
    namespace = call.lookup("namespace", call.params.get("uuid"))
    if namespace is None:
        raise ApiError("NOT_FOUND", "uuid")
    sets = any(name not in NAMESPACE_RESERVED for name in call.params.raw)
    if sets:
        call.authorize(namespace.account_id or "")
    else:
        call.require(namespace.account_id or "", "account_view")
    return namespace, sets


def study_defaults(call: Call) -> dict[str, Any]:
    """/namespace/study/defaults: ``defaults`` replaces the whole hash (``{}`` clears it).

    Keys are the study fields a DICOM tag fills or ``customfield-<UUID>`` of the account's
    Study custom fields (INVALID_FIELD_NAME otherwise); ``fields`` lists them, "the study
    fields [with] the DICOM tag as the value and the custom fields [with] the field name".
    """
    namespace, sets = _namespace(call)
    studies = account_fields(call, namespace.account_id, "Study")
    fields = {
        **STUDY_DICOM_FIELDS,
        **{f"customfield-{row.uuid}": row.doc.get("name") for row in studies},
    }
    if sets and "defaults" in call.params:
        given = parse_json("defaults", call.params.text("defaults"))
        if not isinstance(given, dict):
            raise ApiError("NOT_HASH", "defaults")
        for key in given:
            if key not in fields:
                raise ApiError("INVALID_FIELD_NAME", key)
        namespace.doc["study_defaults"] = given
        call.store.update(namespace)
    return {"defaults": namespace.doc.get("study_defaults") or {}, "fields": fields}


def event_defaults(call: Call) -> dict[str, Any]:
    """/namespace/event/defaults: the ``event_*`` flags members get; each one given
    changes (INVALID_FLAG for a value other than 0/1), the others stay."""
    namespace, sets = _namespace(call)
    stored = dict(namespace.doc.get("event_defaults") or {})
    for name in EVENT_FLAGS:
        if name in call.params:
            stored[name] = parse_flag(name, call.params.text(name))
    if sets:
        namespace.doc["event_defaults"] = stored
        call.store.update(namespace)
    return {name: stored.get(name, 0) for name in EVENT_FLAGS}


def coverpage(call: Call) -> dict[str, Any]:
    """/namespace/coverpage: the cover page template text; an empty string removes it."""
    namespace, sets = _namespace(call)
    if sets and "coverpage" in call.params:
        namespace.doc["coverpage"] = call.params.text("coverpage") or None
        call.store.update(namespace)
    return {"coverpage": namespace.doc.get("coverpage")}


PRICING_CURRENCIES = ("USD", "GBP")
PRICING_FLAGS = ("sum_price_matches", "second_opinion_share", "share_charge_by_modality")


def share_pricing(call: Call) -> dict[str, Any]:
    """/namespace/share/pricing: each parameter given changes (account_edit; reading needs
    account_view), ``pricing`` and ``customfields_pricing`` replaced whole (empty clears).

    ``pricing`` is a hash of modality to cents: it needs ``ANY`` or ``ALL``
    (NEEDS_ANY_OR_ALL), ``ALL`` stands alone (ONLY_ALL), prices are whole numbers
    (INVALID_INTEGER) of 0 or at least 50 (INVALID_AMOUNT, the subtype the amount).
    """
    namespace, sets = _namespace(call)
    if sets:
        call.require(namespace.account_id or "", "account_edit")
    stored = dict(namespace.doc.get("share_pricing") or {})
    params = call.params
    if "currency" in params:
        if params.text("currency") not in PRICING_CURRENCIES:
            raise ApiError("INVALID_CURRENCY", params.text("currency"))
        stored["currency"] = params.text("currency")
    if "charge_description" in params:
        stored["charge_description"] = params.text("charge_description")
    if "pricing" in params:
        stored["pricing"] = _pricing(parse_json("pricing", params.text("pricing") or "{}"))
    if "customfields_pricing" in params:
        table = parse_json("customfields_pricing", params.text("customfields_pricing") or "[]")
        if not isinstance(table, list):
            raise ApiError("NOT_LIST", "customfields_pricing")
        stored["customfields_pricing"] = table
    if "second_opinion_config" in params:
        stored["second_opinion_config"] = parse_json(
            "second_opinion_config", params.text("second_opinion_config") or "null"
        )
    for name in PRICING_FLAGS:
        if name in params:
            stored[name] = parse_flag(name, params.text(name))
    if sets:
        namespace.doc["share_pricing"] = stored
        call.store.update(namespace)
    return {
        "currency": stored.get("currency"),
        "is_production": 0,
        "charge_description": stored.get("charge_description"),
        "pricing": stored.get("pricing") or {},
        "customfields_pricing": stored.get("customfields_pricing") or [],
        "second_opinion_config": stored.get("second_opinion_config"),
        **{name: stored.get(name, 0) for name in PRICING_FLAGS},
    }


def _pricing(table: Any) -> dict[str, int]:
    if not isinstance(table, dict):
        raise ApiError("NOT_HASH", "pricing")
    if table and "ANY" not in table and "ALL" not in table:
        raise ApiError("NEEDS_ANY_OR_ALL")
    if "ALL" in table and len(table) > 1:
        raise ApiError("ONLY_ALL")
    for price in table.values():
        if isinstance(price, bool) or not isinstance(price, int):
            raise ApiError("INVALID_INTEGER", "pricing")
        if price != 0 and price < 50:
            raise ApiError("INVALID_AMOUNT", price)
    return table


def _own_value(name: str, parsed: Any) -> Any:
    """The JSON ones: study_field_flags a hash of field permissions, the others lists."""
    if NAMESPACE.by_name[name].type != "json":
        return parsed
    if name == "study_field_flags":
        if not isinstance(parsed, dict | None):
            raise ApiError("INVALID_SETTING_VALUE", name)
        for key, letter in (parsed or {}).items():
            fact = permission_fact(key)
            if fact is None or fact.kind != "field" or letter not in FIELD_PERMISSION_VALUES:
                raise ApiError("INVALID_SETTING_VALUE", f"{name}:{key}")
    elif parsed is not None and not isinstance(parsed, list):
        raise ApiError("INVALID_SETTING_VALUE", name)
    return parsed


def namespace_name(call: Call, namespace_id: str | None) -> str | None:
    namespace = call.lookup("namespace", namespace_id)
    return namespace.doc.get("name") if namespace else None


NAMESPACE_FIELDS = [
    Field("name", add=REQUIRED, ci=True),
    *flags(*NAMESPACE_FLAGS),
    Field("share_code"),
    Field("share_description"),
    Field("share_settings", "json"),
    Field("hl7_template"),
    Field("search_threshold", "int"),
    Field("role_id"),
]


def owner_kind(
    name: str, fields: list[Field], customfield_object: str, refs: dict[str, Ref] | None = None
) -> Kind:
    """Groups and locations: alike but for their fields (each owns a namespace and members);
    ``refs`` are the seed keys naming objects beyond the role (a group's site)."""
    return Kind(
        name,
        f"/{name}",
        f"{name}s",
        fields,
        account_missing="ACCOUNT_NOT_FOUND",
        readonly=("namespace_id", "role_name"),
        customfield_object=customfield_object,
        extra=members.member_endpoints(name),
        seed=Seeding(
            f"{name}s",
            refs={"role": Ref("role_id", "role"), **(refs or {})},
            then={"members": members.seed_members(name)},
        ),
        check=check_owner,
        present=present_owner,
        after_add=owner_added,
        after_set=owner_renamed,
        before_delete=owner_deleted,
    )


GROUP = owner_kind(
    "group",
    [*NAMESPACE_FIELDS, Field("site_id"), *flags("site_qualified", "site_inactive", add=NO)],
    "Group",
    refs={"site": Ref("site_id", "site")},
)
LOCATION = owner_kind("location", NAMESPACE_FIELDS, "Location")
NAMESPACE = Kind(
    "namespace",
    "/namespace",
    "",
    NAMESPACE_OWN,
    endpoints=(),
    extra={
        "settings": Endpoint(namespace_settings),
        "study/defaults": Endpoint(study_defaults),
        "event/defaults": Endpoint(event_defaults),
        "coverpage": Endpoint(coverpage),
        "share/pricing": Endpoint(share_pricing),
        "anonymize": Endpoint(anonymization.namespace_anonymize),
    },
)
