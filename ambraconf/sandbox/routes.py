"""Routing rules: linkage, conditions, actions, options and schedules as documented.

Conditions, actions and options use the enumerations in ``ambraconf.facts``;
references inside them (custom fields, destinations, webhooks, namespaces, roles)
must exist, so a rule never points at nothing when it is created or changed.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ambraconf.facts import (
    ROUTE_ACTION_KINDS,
    ROUTE_CONDITION_OPS,
    ROUTE_LV_TRANSFORMS,
    ROUTE_OPTIONS,
    SCHEDULE_KEYS,
    SCHEDULE_TIMEZONES,
    is_route_condition_lv,
)
from ambraconf.sandbox.context import Call
from ambraconf.sandbox.namespaces import namespace_name
from ambraconf.sandbox.protocol import ApiError, csv_items
from ambraconf.sandbox.schema import (
    REQUIRED,
    Field,
    Kind,
    Ref,
    SeedContext,
    SeedError,
    Seeding,
    flags,
)
from ambraconf.sandbox.store import Row

NAMED_LVS = {"customfield": "customfield", "validate": "validate"}
"""Left values naming an object of the account, ``<prefix>-<UUID>``: the prefix, the kind."""
NAMED_LV = re.compile(rf"({'|'.join(NAMED_LVS)})-(.+)")
TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PHYSICIAN_TARGETS = frozenset({"PERSONAL", "GROUP", "LOCATION"})
NAMESPACE_OWNERS = ("group", "location")
REFERENCE_ACTIONS = {
    "destination": "destination",
    "destination_hl7_orm": "destination",
    "webhook": "webhook",
    "namespace": "namespace",
}


def linkage(call: Call) -> tuple[Row, dict[str, Any]]:
    """The namespace a rule links to, from account_id, group_id, location_id or namespace_id."""
    params = call.params
    if params.filled("account_id"):
        account = call.lookup("account", params.get("account_id"))
        if account is None:
            raise ApiError("ACCOUNT_NOT_FOUND")
        return account, {"namespace_id": account.doc["namespace_id"]}
    for kind in NAMESPACE_OWNERS:
        if params.filled(f"{kind}_id"):
            owner = call.lookup(kind, params.get(f"{kind}_id"))
            if owner is None:
                raise ApiError("INVALID_LINKAGE", f"{kind}_id")
            return _account_of(call, owner), {"namespace_id": owner.doc["namespace_id"]}
    namespace = call.lookup("namespace", params.get("namespace_id"))
    if namespace is None:
        raise ApiError("INVALID_LINKAGE", "namespace_id")
    return _account_of(call, namespace), {"namespace_id": namespace.uuid}


def _account_of(call: Call, row: Row) -> Row:
    account = call.lookup("account", row.account_id)
    if account is None:
        raise ApiError("INVALID_LINKAGE")
    return account


def check(call: Call, kind: Kind, doc: dict[str, Any], old: Row | None, account: Row) -> None:
    """Every documented rule of /route/add and /route/set, on the whole resulting rule."""
    conditions = doc.get("conditions") or []
    if not isinstance(conditions, list):
        raise ApiError("INVALID_CONDITION", conditions)
    for condition in conditions:
        _check_condition(call, condition, account)
    physician_alias = any(c.get("rv") == "PHYSICIAN_ALIAS" for c in conditions)
    actions = doc.get("actions") or []
    if not isinstance(actions, list):
        raise ApiError("INVALID_ACTION", "actions must be a JSON list")
    doc["actions"] = [_check_action(call, a, account, doc, physician_alias) for a in actions]
    _check_options(doc.get("options"))
    if doc.get("schedule") is not None:
        check_schedule(doc["schedule"], "INVALID_SCHEDULE")
    for namespace_id in csv_items(doc.get("other_namespaces") or ""):
        if call.lookup("namespace", namespace_id) is None:
            raise ApiError("INVALID_OTHER_NAMESPACES", namespace_id)
    for role_id in csv_items(doc.get("manual_roles") or ""):
        role = call.lookup("role", role_id)
        if role is None or role.account_id != account.uuid:
            raise ApiError("INVALID_MANUAL_ROLES", role_id)


def _check_condition(call: Call, condition: Any, account: Row) -> None:
    if not isinstance(condition, dict) or "lv" not in condition or "op" not in condition:
        raise ApiError("INVALID_CONDITION", condition)
    lv, op, rv = condition["lv"], condition["op"], condition.get("rv")
    found = NAMED_LV.fullmatch(str(lv))
    if found:
        named = call.lookup(NAMED_LVS[found.group(1)], found.group(2))
        if named is None or named.account_id != account.uuid:
            raise ApiError("INVALID_CONDITION", condition)
    elif not is_route_condition_lv(str(lv)):
        raise ApiError("INVALID_CONDITION", condition)
    if op not in ROUTE_CONDITION_OPS:
        raise ApiError("INVALID_CONDITION", condition)
    transform = condition.get("lv_transform")
    if transform not in (None, "") and transform not in ROUTE_LV_TRANSFORMS:
        raise ApiError("INVALID_CONDITION", condition)
    if rv is None:
        raise ApiError("INVALID_CONDITION", condition)
    if op == "in":
        values = rv
        if isinstance(rv, str):
            try:
                values = json.loads(rv)
            except ValueError:
                raise ApiError("INVALID_CONDITION", condition) from None
        if not isinstance(values, list):
            raise ApiError("INVALID_CONDITION", condition)
    elif not isinstance(rv, str | int | float) or isinstance(rv, bool):
        raise ApiError("INVALID_CONDITION", condition)
    if rv == "PHYSICIAN_ALIAS" and op != "equals":
        raise ApiError("INVALID_CONDITION", condition)


def _check_action(
    call: Call, action: Any, account: Row, doc: dict[str, Any], physician_alias: bool
) -> dict[str, Any]:
    """One action object: exactly one documented key, naming things that exist."""
    if not isinstance(action, dict):
        raise ApiError("INVALID_ACTION", f"not an object: {action!r}")
    action = {k: v for k, v in action.items() if k != "name"}
    if len(action) != 1 or next(iter(action)) not in ROUTE_ACTION_KINDS:
        raise ApiError("INVALID_ACTION", f"unknown action: {json.dumps(action)}")
    key, value = next(iter(action.items()))
    if doc.get("on_thin") and key in ("destination", "first_working_destination"):
        raise ApiError("INVALID_ACTION", f"{key} is not valid for on_thin rules")
    if key == "first_working_destination":
        targets = value
        if isinstance(value, str):
            try:
                targets = json.loads(value)
            except ValueError:
                targets = None
        if not isinstance(targets, list) or not targets:
            raise ApiError("INVALID_ACTION", f"{key} needs a list of destinations")
        for target in targets:
            _require_target(call, "destination", target, account, key)
    elif key == "namespace" and value in PHYSICIAN_TARGETS:
        if not physician_alias:
            raise ApiError("INVALID_ACTION", f"namespace {value} needs a PHYSICIAN_ALIAS condition")
    elif key in REFERENCE_ACTIONS:
        _require_target(call, REFERENCE_ACTIONS[key], value, account, key)
    elif key == "share_email":
        if value == "USER_ENTRY":
            if not doc.get("on_manual_route"):
                raise ApiError("INVALID_ACTION", "USER_ENTRY only works for on_manual_route rules")
        elif not isinstance(value, str) or not EMAIL.fullmatch(value):
            raise ApiError("INVALID_ACTION", f"share_email: not an email address: {value!r}")
    elif not isinstance(value, str) or not value:
        raise ApiError("INVALID_ACTION", f"{key} needs a value")
    return action


def _require_target(call: Call, kind: str, uuid: Any, account: Row, key: str) -> None:
    target = call.lookup(kind, uuid if isinstance(uuid, str) else None)
    same_account = target is not None and (kind == "namespace" or target.account_id == account.uuid)
    if not same_account:
        raise ApiError("INVALID_ACTION", f"{key}: no {kind} {uuid}")


def _check_options(options: Any) -> None:
    if options is None:
        return
    if not isinstance(options, dict):
        raise ApiError("INVALID_OPTION", "options must be a JSON hash")
    for name, value in options.items():
        if name not in ROUTE_OPTIONS:
            raise ApiError("INVALID_OPTION", name)
        if name == "bypass_approval" and str(value) not in ("0", "1"):
            raise ApiError("INVALID_OPTION", name)
        if name == "round_robin" and value not in ("namespace", "destination", "", 0, None):
            raise ApiError("INVALID_OPTION", name)
        if name == "first_working_ping" and not str(value).isdigit():
            raise ApiError("INVALID_OPTION", name)


def check_schedule(schedule: Any, error: str) -> None:
    """The documented schedule hash: start/stop HH:MM, day and invert flags, a known tz."""
    if not isinstance(schedule, dict):
        raise ApiError(error, "the schedule must be a JSON hash")
    for key, value in schedule.items():
        if key not in SCHEDULE_KEYS:
            raise ApiError(error, f"unknown key {key}")
        if key in ("start", "stop") and not (isinstance(value, str) and TIME.fullmatch(value)):
            raise ApiError(error, f"{key} must be HH:MM")
        if (key in DAYS or key == "invert") and str(value) not in ("0", "1"):
            raise ApiError(error, f"{key} must be a flag")
        if key == "tz" and value not in SCHEDULE_TIMEZONES:
            raise ApiError(error, f"unsupported tz {value}")


def present(call: Call, row: Row, out: dict[str, Any]) -> None:
    """Read-only fields: namespace_id, namespace_name, capture_email, action names."""
    out["namespace_id"] = row.doc.get("namespace_id")
    out["namespace_name"] = namespace_name(call, row.doc.get("namespace_id"))
    actions = []
    for action in row.doc.get("actions") or []:
        shown = dict(action)
        key, value = next(iter(action.items()))
        if key in REFERENCE_ACTIONS and isinstance(value, str):
            target = call.lookup(REFERENCE_ACTIONS[key], value)
            shown["name"] = target.doc.get("name") if target else None
        actions.append(shown)
    out["actions"] = actions
    out["capture_email"] = int(any(a.get("share_email") == "USER_ENTRY" for a in actions))


def seed_names(context: SeedContext, item: dict[str, Any]) -> dict[str, Any]:
    """A seed's ``lv: customfield:<Name>``, ``lv: validate:<Name>`` and actions naming their
    targets, as uuids."""
    return {
        **item,
        "conditions": [_seed_condition(context, c) for c in item.get("conditions") or []],
        "actions": [_seed_action(context, a) for a in item.get("actions") or []],
    }


def _seed_condition(context: SeedContext, condition: dict[str, Any]) -> dict[str, Any]:
    prefix, colon, name = str(condition.get("lv", "")).partition(":")
    if colon and prefix in NAMED_LVS:
        return {**condition, "lv": f"{prefix}-{context.uuid(NAMED_LVS[prefix], name)}"}
    return condition


def _seed_action(context: SeedContext, action: dict[str, Any]) -> dict[str, Any]:
    """Destination, webhook and namespace actions may name their target (or give its uuid)."""
    resolved: dict[str, Any] = {}
    for key, value in action.items():
        if key == "first_working_destination" and isinstance(value, list):
            resolved[key] = [_seed_target(context, "destination", v) for v in value]
        elif key == "namespace" and value not in PHYSICIAN_TARGETS:
            resolved[key] = seed_namespace(context, value)
        elif key in REFERENCE_ACTIONS:
            resolved[key] = _seed_target(context, REFERENCE_ACTIONS[key], value)
        else:
            resolved[key] = value
    return resolved


def _seed_target(context: SeedContext, kind: str, value: str) -> str:
    return value if context.row(kind, value) is not None else context.uuid(kind, value)


def seed_namespace(context: SeedContext, value: str) -> str:
    """A namespace a seed names by its group's or location's name (or gives by uuid)."""
    if context.row("namespace", value) is not None:
        return value
    for kind in NAMESPACE_OWNERS:
        owner = context.named(kind, value)
        if owner is not None:
            return str(owner.doc["namespace_id"])
    raise SeedError(f"seed: no group or location named {value!r} for a namespace action")


ROUTE = Kind(
    "route",
    "/route",
    "routes",
    [
        Field("name", add=REQUIRED, ci=True),
        Field("conditions", "json", add=REQUIRED, default=[]),
        Field("actions", "json", add=REQUIRED, default=[]),
        Field("options", "json", default={}),
        Field("schedule", "json"),
        *flags("on_share", "on_harvest", add=REQUIRED),
        *flags(
            "on_upload",
            "on_manual_route",
            "on_thin",
            "no_re_run",
            "only_re_run",
            "suspended",
            "delay_till_schedule",
        ),
        Field("delay", "int"),
        Field("delay_seconds", "int"),
        Field("other_namespaces", "csv"),
        Field("manual_roles", "csv"),
        Field("delay_from_study_field"),
        Field("delay_from_study_seconds", "int"),
    ],
    readonly=("namespace_id", "namespace_name", "capture_email"),
    scope_params=("account_id", "group_id", "location_id", "namespace_id"),
    seed=Seeding(
        "routes",
        refs={"group": Ref("group_id", "group"), "location": Ref("location_id", "location")},
        prepare=seed_names,
    ),
    add_scope=linkage,
    check=check,
    present=present,
)
