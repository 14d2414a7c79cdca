"""Roles: permissions and settings hashes, the in-use guard, and /role/settings.

Role names are not unique (the documentation lists no DUPLICATE_NAME for roles).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ambraconf.facts import permission_fact
from ambraconf.sandbox.context import Call
from ambraconf.sandbox.protocol import ApiError
from ambraconf.sandbox.schema import NO, REQUIRED, Endpoint, Field, Kind, Seeding, flags
from ambraconf.sandbox.settings import permissions_given, role_defaults, settings_given
from ambraconf.sandbox.store import Row

ROLE_HOLDERS = (
    ("account", "role_id"),
    ("group", "role_id"),
    ("location", "role_id"),
    ("account_user", "role_id"),
    ("account_user", "global_role_id"),
    ("group_user", "role_id"),
    ("location_user", "role_id"),
)


def customfield_checker(call: Call, account_id: str) -> Callable[[str], bool]:
    """Whether a uuid is a custom field of the account (for study_field_customfield_<UUID>)."""

    def exists(uuid: str) -> bool:
        field = call.lookup("customfield", uuid)
        return field is not None and field.account_id == account_id

    return exists


def check(call: Call, kind: Kind, doc: dict[str, Any], old: Row | None, account: Row) -> None:
    """Validate and merge permissions and settings; keep one role that can edit roles.

    A role added without permissions gets the table's default set (the User column);
    given permissions are merged over it, and on set over the role's current hash.
    """
    exists = customfield_checker(call, account.uuid)
    changes = permissions_given(call.params, exists, singles=old is not None)
    base = doc.get("permissions") if old is not None else role_defaults("User")
    doc["permissions"] = {**(base or {}), **changes}
    doc["settings"] = {
        **(doc.get("settings") or {}),
        **settings_given(call.params, override="role_override"),
    }
    if old is not None and _drops_last_role_edit(call, account, old, doc):
        raise ApiError("NO_OTHER_ROLE_EDIT")


def _drops_last_role_edit(call: Call, account: Row, old: Row, doc: dict[str, Any]) -> bool:
    had = str(old.doc.get("permissions", {}).get("role_edit")) == "1"
    keeps = str(doc["permissions"].get("role_edit")) == "1"
    if not had or keeps:
        return False
    others = [
        role
        for role in call.store.rows("role", account_id=account.uuid)
        if role.uuid != old.uuid and str(role.doc.get("permissions", {}).get("role_edit")) == "1"
    ]
    return not others


def present(call: Call, row: Row, out: dict[str, Any]) -> None:
    """Get returns the hashes parsed, the permissions with the documented extra role_id."""
    out["permissions"] = {**row.doc.get("permissions", {}), "role_id": row.uuid}
    out["settings"] = row.doc.get("settings", {})
    out["type"] = row.doc.get("type")


def before_delete(call: Call, row: Row) -> None:
    """IN_USE while an account, group, location or user holds the role."""
    users: list[dict[str, Any]] = []
    for kind, field in ROLE_HOLDERS:
        for holder in call.store.find(kind, field, row.uuid, account_id=row.account_id):
            entry = {"object": kind, "uuid": holder.doc.get("user_id") or holder.uuid}
            if kind in ("group_user", "location_user"):
                entry["uuid"] = holder.parent_id
                entry["user_id"] = holder.doc.get("user_id")
            users.append(entry)
    if users:
        raise ApiError("IN_USE", users)


def role_settings(call: Call) -> dict[str, Any]:
    """/role/settings: read with only ``uuid``; otherwise merge the given keys.

    Needs role_setting_edit to change anything, and per setting the caller's
    ``setting_<NAME>`` permission (NOT_PERMITTED_SETTING) and a role-overridable
    setting (NO_ROLE_OVERRIDE).
    """
    call.params.require("uuid")
    role = call.lookup("role", call.params.get("uuid"))
    if role is None:
        raise ApiError("NOT_FOUND", "uuid")
    changing = "settings" in call.params or bool(call.params.prefixed("setting_"))
    if changing:
        call.authorize(role.account_id or "")
    else:
        call.require(role.account_id or "")
    changes = settings_given(call.params, override="role_override") if changing else {}
    granted = {} if call.sysadmin else call.permissions(role.account_id or "") or {}
    for name in changes:
        fact = permission_fact(f"setting_{name}")
        allowed = granted.get(f"setting_{name}", fact.defaults["User"] if fact else 1)
        if not call.sysadmin and str(allowed) != "1":
            raise ApiError("NOT_PERMITTED_SETTING", name)
    role.doc["settings"] = {**role.doc.get("settings", {}), **changes}
    call.store.update(role)
    return dict(role.doc["settings"])


ROLE = Kind(
    "role",
    "/role",
    "roles",
    [
        Field("name", add=REQUIRED, ci=True),
        Field("description", add=NO),
        *flags("for_account", "for_group", "for_location", default=1),
    ],
    account_missing="ACCOUNT_NOT_FOUND",
    readonly=("type", "permissions", "settings"),
    extra={"settings": Endpoint(role_settings)},
    seed=Seeding("roles"),
    check=check,
    present=present,
    before_delete=before_delete,
)
