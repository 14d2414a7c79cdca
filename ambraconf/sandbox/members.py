"""Users in accounts, groups and locations.

An account user links an existing user to an account with a role; group and
location members link an account user to a group or location (add is an upsert).
Global account users join every current and future group and location.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ambraconf.facts import ACCOUNT_SETTINGS
from ambraconf.sandbox import customfields
from ambraconf.sandbox.context import Call
from ambraconf.sandbox.crud import parsed
from ambraconf.sandbox.listing import paged_list, stored
from ambraconf.sandbox.protocol import ApiError
from ambraconf.sandbox.schema import (
    Endpoint,
    Field,
    Handler,
    Kind,
    Ref,
    SeedContext,
    Seeding,
    defaults,
    flags,
)
from ambraconf.sandbox.settings import setting_value
from ambraconf.sandbox.store import Row

DELETE = "__DELETE__"
PASSWORD_DIGITS = re.compile(r"\d")
PASSWORD_LETTERS = re.compile(r"[A-Za-z]")
USER_FIELDS = frozenset({"user_id", "user_name", "user_email", "role_name", "disabled"})
NAMESPACE_EVENTS = (
    "event_share",
    "event_approve",
    "event_upload",
    "event_upload_fail",
    "event_harvest",
    "event_new_report",
    "event_report_remove",
    "event_study_comment",
    "event_status_change",
    "event_message",
    "event_node",
    "event_link",
    "event_link_mine",
    "event_thin_study_success",
    "event_thin_study_fail",
    "event_case_assignment",
    "event_incoming_study_request",
    "event_query_add",
    "event_query_edit",
    "event_query_new_recipient",
    "event_query_reply",
    "event_site_qualified",
)
ACCOUNT_EVENTS = NAMESPACE_EVENTS[:5] + ("event_join", "event_purge") + NAMESPACE_EVENTS[5:]
ACCOUNT_USER_FIELDS = [
    Field("role_id"),
    Field("account_email"),
    Field("account_alias"),
    Field("account_login"),
    Field("account_password", hidden=True),
    *flags("password_reset", "global", "sso_only"),
    Field("global_role_id"),
    Field("epic_user"),
    Field("session_expire", "int"),
    Field("max_sessions", "int"),
    *flags(*ACCOUNT_EVENTS),
]
MEMBER_FIELDS = [
    Field("role_id"),
    *flags(*NAMESPACE_EVENTS, "no_physician_alias_share"),
]


def find_user(call: Call) -> Row | None:
    """The user named by ``user_id`` or by ``email`` (case-insensitive)."""
    if call.params.filled("user_id"):
        return call.lookup("user", call.params.get("user_id"))
    found = call.store.find_ci("user", "email", call.params.get("email") or "")
    return found[0] if found else None


def _account(call: Call) -> Row:
    account = call.lookup("account", call.params.get("uuid"))
    if account is None:
        raise ApiError("NOT_FOUND", "uuid")
    return account


def _check_account_role(
    call: Call, account: Row, role_id: str | None, field: str, missing: str
) -> None:
    """``missing`` is the error for a role not in the account: /account/user/set documents
    ROLE_NOT_FOUND; /account/user/add documents none, so it answers NOT_FOUND naming it."""
    if not role_id:
        return
    role = call.lookup("role", role_id)
    if role is None or role.account_id != account.uuid:
        raise ApiError(missing, field)
    if field == "role_id" and not role.doc.get("for_account", 1):
        raise ApiError(
            "ROLE_NAMESPACE_MISMATCH",
            "INCOMPATIBLE_ROLE",
            {"role_id": role_id, "namespace_id": account.doc.get("namespace_id")},
        )


def _check_account_user(
    call: Call, account: Row, doc: dict[str, Any], user_id: str, missing_role: str
) -> None:
    _check_account_role(call, account, doc.get("role_id"), "role_id", missing_role)
    _check_account_role(call, account, doc.get("global_role_id"), "global_role_id", missing_role)
    login = doc.get("account_login")
    if login:
        for other in call.store.find_ci(
            "account_user", "account_login", login, account_id=account.uuid
        ):
            if other.doc["user_id"] != user_id:
                raise ApiError("DUPLICATE_NAME", "account_login")
    password = call.params.get("account_password")
    if password and (
        len(password) < 8
        or len(PASSWORD_DIGITS.findall(password)) < 2
        or len(PASSWORD_LETTERS.findall(password)) < 2
    ):
        raise ApiError("BAD_PASSWORD")
    settings = doc.setdefault("settings", {})
    for name, value in call.params.hash("settings", "setting_").items():
        fact = ACCOUNT_SETTINGS.get(name)
        if fact is not None and not fact.user_override:
            raise ApiError("NO_USER_OVERRIDE", name)
        if value == DELETE:
            settings.pop(name, None)
        else:
            settings[name] = setting_value(name, value)
    customfields.take_values(call, account.uuid, "User_account", doc)


def add_account_member(call: Call, account: Row, user: Row, doc: dict[str, Any]) -> Row:
    """Insert an account user (used by /account/user/add, account add and seeding)."""
    full = {**defaults(ACCOUNT_USER_FIELDS), "settings": {}, **doc, "user_id": user.uuid}
    full["role_id"] = full.get("role_id") or account.doc.get("role_id")
    row = call.store.insert("account_user", full, account_id=account.uuid, parent_id=account.uuid)
    if full.get("global"):
        for kind in ("group", "location"):
            for owner in call.store.rows(kind, account_id=account.uuid):
                _enrol(call, owner, row)
    return row


def account_user_add(call: Call) -> dict[str, Any]:
    call.params.require("uuid")
    call.params.require_one_of("email", "user_id")
    account = _account(call)
    call.authorize(account.uuid)
    user = find_user(call)
    if user is None:
        raise ApiError("USER_NOT_FOUND")
    if call.membership(account.uuid, user.uuid) is not None:
        raise ApiError("ALREADY_EXISTS")
    doc = parsed(ACCOUNT_USER_FIELDS, call.params)
    _check_account_user(call, account, doc, user.uuid, "NOT_FOUND")
    add_account_member(call, account, user, doc)
    return {"uuid": user.uuid}


def _account_member(call: Call, *, edit: bool) -> tuple[Row, Row]:
    call.params.require("uuid", "user_id")
    account = _account(call)
    user_id = call.params.get("user_id")
    is_self = call.user is not None and call.user.uuid == user_id
    if edit or not is_self:
        call.authorize(account.uuid)
    member = call.membership(account.uuid, user_id)
    if member is None:
        raise ApiError("USER_NOT_FOUND")
    return account, member


def account_user_set(call: Call) -> dict[str, Any]:
    account, member = _account_member(call, edit=True)
    member.doc.update(parsed(ACCOUNT_USER_FIELDS, call.params))
    _check_account_user(call, account, member.doc, member.doc["user_id"], "ROLE_NOT_FOUND")
    call.store.update(member)
    return {}


def account_user_get(call: Call) -> dict[str, Any]:
    account, member = _account_member(call, edit=False)
    out = present_account_user(call, member)
    for kind, key in (("group", "groups"), ("location", "locations")):
        out[key] = [
            {
                "uuid": owner.uuid,
                "name": owner.doc.get("name"),
                "role_id": m.doc.get("role_id"),
                "role_name": _role_name(call, m.doc.get("role_id")),
            }
            for owner in call.store.rows(kind, account_id=account.uuid)
            for m in _members_of(call, kind, owner.uuid, member.doc["user_id"])
        ]
    return out


def account_user_delete(call: Call) -> dict[str, Any]:
    """Remove from the account and from all its groups and locations; IN_USE for sid users."""
    account, member = _account_member(call, edit=True)
    user_id = member.doc["user_id"]
    hooks = call.store.find("webhook", "sid_user_id", user_id, account_id=account.uuid)
    if hooks:
        raise ApiError("IN_USE", [{"object": "webhook", "uuid": hook.uuid} for hook in hooks])
    for kind in ("group_user", "location_user"):
        for row in call.store.find(kind, "user_id", user_id, account_id=account.uuid):
            call.store.delete(row.uuid)
    call.store.delete(member.uuid)
    return {}


def account_user_list(call: Call) -> dict[str, Any]:
    call.params.require("uuid")
    account = _account(call)
    call.authorize(account.uuid)

    fields = frozenset({f.name for f in ACCOUNT_USER_FIELDS if not f.hidden} | USER_FIELDS)
    source = stored(
        call.store,
        "account_user",
        lambda row: present_account_user(call, row),
        fields | {"user_account_id", "last_login", "settings"},
        frozenset({"user_name", "user_email"}),
        account_id=account.uuid,
    )
    return paged_list(call.params, "users", source)


def present_account_user(call: Call, row: Row) -> dict[str, Any]:
    user = call.lookup("user", row.doc["user_id"])
    out: dict[str, Any] = {
        "user_id": row.doc["user_id"],
        "user_name": user.doc.get("name") if user else None,
        "user_email": user.doc.get("email") if user else None,
        "role_name": _role_name(call, row.doc.get("role_id")),
        "disabled": 0,
        "last_login": None,
        "user_account_id": row.uuid,
    }
    for field in ACCOUNT_USER_FIELDS:
        if not field.hidden:
            out[field.name] = row.doc.get(field.name, field.default)
    out["settings"] = row.doc.get("settings", {})
    attached = customfields.attached(call, row.account_id, "User_account", row.doc)
    if attached:
        out["customfields"] = attached
    return out


def _role_name(call: Call, role_id: str | None) -> str | None:
    role = call.lookup("role", role_id)
    return role.doc.get("name") if role else None


def _members_of(call: Call, kind: str, owner_id: str, user_id: str | None = None) -> list[Row]:
    rows = call.store.rows(f"{kind}_user", parent_id=owner_id)
    return [row for row in rows if user_id is None or row.doc["user_id"] == user_id]


def _enrol(call: Call, owner: Row, account_user: Row) -> None:
    """A global user joins a group/location with its global role or the default role."""
    if _members_of(call, owner.kind, owner.uuid, account_user.doc["user_id"]):
        return
    account = call.lookup("account", owner.account_id)
    role_id = (
        account_user.doc.get("global_role_id")
        or owner.doc.get("role_id")
        or (account.doc.get("role_id") if account else None)
    )
    doc = {**defaults(MEMBER_FIELDS), "user_id": account_user.doc["user_id"], "role_id": role_id}
    for name in (f.name for f in MEMBER_FIELDS if f.name.startswith("event_")):
        doc[name] = account_user.doc.get(name, 0)
    call.store.insert(f"{owner.kind}_user", doc, account_id=owner.account_id, parent_id=owner.uuid)


def enrol_global_users(call: Call, owner: Row) -> None:
    for account_user in call.store.find("account_user", "global", 1, account_id=owner.account_id):
        _enrol(call, owner, account_user)


def _owner(call: Call, kind: str) -> Row:
    owner = call.lookup(kind, call.params.get("uuid"))
    if owner is None:
        raise ApiError("NOT_FOUND", "uuid")
    call.authorize(owner.account_id or "")
    return owner


def member_add(kind: str) -> Handler:
    """/group/user/add and /location/user/add: add or update one member."""

    def handle(call: Call) -> dict[str, Any]:
        call.params.require("uuid", "user_id")
        owner = _owner(call, kind)
        user_id = call.params.get("user_id") or ""
        if call.membership(owner.account_id or "", user_id) is None:
            raise ApiError("USER_NOT_FOUND")
        values = parsed(MEMBER_FIELDS, call.params)
        role_id = values.get("role_id")
        if role_id:
            role = call.lookup("role", role_id)
            if role is None or role.account_id != owner.account_id:
                raise ApiError("ROLE_NOT_FOUND")
            if not role.doc.get(f"for_{kind}", 1):
                raise ApiError(
                    "ROLE_NAMESPACE_MISMATCH",
                    "INCOMPATIBLE_ROLE",
                    {"role_id": role_id, "namespace_id": owner.doc.get("namespace_id")},
                )
        existing = _members_of(call, kind, owner.uuid, user_id)
        _check_promotion(call, kind, owner, user_id, role_id, existing)
        if existing:
            row = existing[0]
            row.doc.update({k: v for k, v in values.items() if k != "role_id" or v})
            call.store.update(row)
            return {}
        account = call.lookup("account", owner.account_id)
        doc = {**defaults(MEMBER_FIELDS), **values, "user_id": user_id}
        doc["role_id"] = (
            role_id or owner.doc.get("role_id") or (account.doc.get("role_id") if account else None)
        )
        call.store.insert(f"{kind}_user", doc, account_id=owner.account_id, parent_id=owner.uuid)
        return {}

    return handle


def _check_promotion(
    call: Call, kind: str, owner: Row, user_id: str, role_id: str | None, existing: list[Row]
) -> None:
    """CAN_NOT_PROMOTE: nobody switches themselves into an admin role they do not hold."""
    if call.sysadmin or not role_id or call.user is None or call.user.uuid != user_id:
        return
    role = call.lookup("role", role_id)
    current = call.lookup("role", existing[0].doc.get("role_id")) if existing else None
    if (
        role
        and role.doc.get("type") == "admin"
        and (current is None or current.doc.get("type") != "admin")
    ):
        raise ApiError("CAN_NOT_PROMOTE")


def member_delete(kind: str) -> Handler:
    def handle(call: Call) -> dict[str, Any]:
        call.params.require("uuid", "user_id")
        owner = _owner(call, kind)
        for row in _members_of(call, kind, owner.uuid, call.params.get("user_id")):
            call.store.delete(row.uuid)
        return {}

    return handle


def member_list(kind: str) -> Handler:
    def handle(call: Call) -> dict[str, Any]:
        call.params.require("uuid")
        owner = _owner(call, kind)
        source = stored(
            call.store,
            f"{kind}_user",
            lambda row: present_member(call, row),
            frozenset({f.name for f in MEMBER_FIELDS} | {"user_id", "user_name", "role_name"}),
            frozenset({"user_name"}),
            parent_id=owner.uuid,
        )
        return paged_list(call.params, "users", source)

    return handle


def present_member(call: Call, row: Row) -> dict[str, Any]:
    user = call.lookup("user", row.doc["user_id"])
    out = {
        "user_id": row.doc["user_id"],
        "user_name": user.doc.get("name") if user else None,
        "role_id": row.doc.get("role_id"),
        "role_name": _role_name(call, row.doc.get("role_id")),
    }
    out.update(
        {f.name: row.doc.get(f.name, f.default) for f in MEMBER_FIELDS if f.name != "role_id"}
    )
    return out


def member_endpoints(kind: str) -> dict[str, Endpoint]:
    """``/group/user/add|delete|list`` (and the location ones)."""
    return {
        "user/add": Endpoint(member_add(kind)),
        "user/delete": Endpoint(member_delete(kind)),
        "user/list": Endpoint(member_list(kind), object_name="user", list_key="users"),
    }


def seed_members(kind: str) -> Callable[[SeedContext, str, Any], None]:
    """A seed group's or location's ``members``: by email, role by name."""

    def add(context: SeedContext, uuid: str, entries: Any) -> None:
        for entry in entries or []:
            params = {k: v for k, v in entry.items() if k not in ("email", "role")}
            if "role" in entry:
                params["role_id"] = context.uuid("role", entry["role"])
            params["user_id"] = context.user(entry.get("email", ""))
            context.call(f"/{kind}/user/add", {"uuid": uuid, **params})

    return add


ACCOUNT_USER = Kind(
    "account_user",
    "/account/user",
    "users",
    ACCOUNT_USER_FIELDS,
    scope_params=("uuid",),
    endpoints=(),
    extra={
        "list": Endpoint(account_user_list, object_name="user", list_key="users"),
        "add": Endpoint(account_user_add),
        "get": Endpoint(account_user_get, object_name="user"),
        "set": Endpoint(account_user_set),
        "delete": Endpoint(account_user_delete),
    },
    seed=Seeding(
        "members",
        refs={"role": Ref("role_id", "role"), "global_role": Ref("global_role_id", "role")},
    ),
)
