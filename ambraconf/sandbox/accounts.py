"""Accounts: list (the caller's), get, set with settings, and the undocumented add/delete.

A new account comes with its namespace, the four documented stock roles (Admin,
User, PHR, Anonymous with the permissions table's columns) and the creating user
as an Admin member, as Ambra's own tools observe.
"""

from __future__ import annotations

import re
from typing import Any

from ambraconf.facts import DEFAULT_ROLES
from ambraconf.sandbox import members
from ambraconf.sandbox.context import Call
from ambraconf.sandbox.crud import present as show_one
from ambraconf.sandbox.listing import ListSource, paged_list
from ambraconf.sandbox.namespaces import (
    NAMESPACE_FLAGS,
    check_role,
    check_share_code,
    create_namespace,
)
from ambraconf.sandbox.protocol import ApiError, csv_items
from ambraconf.sandbox.roles import ROLE
from ambraconf.sandbox.schema import Endpoint, Field, Kind, Ref, Seeding, flags
from ambraconf.sandbox.settings import effective_settings, role_defaults, settings_given
from ambraconf.sandbox.store import Row, new_uuid

HOSTNAME = re.compile(r"(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.?)+")
ROLE_TYPES = {"Admin": "admin", "User": "user"}
UNDOCUMENTED = "sysadmin only; not in the documentation, but Ambra's own tools call it"


def check(call: Call, kind: Kind, doc: dict[str, Any], old: Row | None, account: Row) -> None:
    """/account/set: unique name, vanity and share code; usable default role; settings merge."""
    if not doc.get("name"):
        raise ApiError("MISSING_FIELDS", ["name"])
    for other in call.store.find_ci("account", "name", doc["name"]):
        if other.uuid != account.uuid:
            raise ApiError("DUPLICATE_NAME")
    vanities = csv_items(doc.get("vanity") or "")
    for host in vanities:
        if not HOSTNAME.fullmatch(host):
            raise ApiError("INVALID_VANITY", host)
    for other in call.store.rows("account"):
        taken = {v.lower() for v in csv_items(other.doc.get("vanity") or "")}
        if other.uuid != account.uuid and taken & {v.lower() for v in vanities}:
            raise ApiError("DUPLICATE_VANITY")
    check_share_code(call, doc.get("share_code"), account.uuid)
    check_role(call, account.uuid, doc.get("role_id"), "account", doc.get("namespace_id"))
    if call.params.filled("site_management_account_id"):
        call.require_sysadmin()
    doc["settings"] = {**(doc.get("settings") or {}), **settings_given(call.params)}


def renamed(call: Call, row: Row, old: Row) -> None:
    namespace = call.store.get("namespace", row.doc.get("namespace_id"))
    if namespace is not None and namespace.doc.get("name") != row.doc.get("name"):
        namespace.doc["name"] = row.doc["name"]
        call.store.update(namespace)


def present(call: Call, row: Row, out: dict[str, Any]) -> None:
    """Read-only fields; with ``permissions=1`` also the caller's role and permissions."""
    out["namespace_id"] = row.doc.get("namespace_id")
    role = call.lookup("role", row.doc.get("role_id"))
    out["role_name"] = role.doc.get("name") if role else None
    out["settings"] = effective_settings(row.doc.get("settings") or {})
    out["connected"] = 0
    if call.params.get("permissions") == "1":
        member = call.membership(row.uuid)
        mine = call.lookup("role", member.doc.get("role_id")) if member else None
        out["permissions"] = dict(mine.doc.get("permissions", {})) if mine else {}
        out["default_role_id"] = out["role_id"]
        out["default_role_name"] = out["role_name"]
        out["role_id"] = mine.uuid if mine else None
        out["role_name"] = mine.doc.get("name") if mine else None
        out["has_activity_permission"] = 1 if mine else 0


def account_list(call: Call) -> dict[str, Any]:
    """/account/list: the accounts the caller is a member of."""
    user_id = call.user.uuid if call.user else ""

    def mine() -> list[Row]:
        links = call.store.find("account_user", "user_id", user_id)
        accounts = [call.lookup("account", link.account_id) for link in links]
        return [account for account in accounts if account is not None]

    def show(rows: list[Row]) -> list[dict[str, Any]]:
        return [show_one(call, ACCOUNT, row) for row in rows]

    source = ListSource(
        count=lambda: len(mine()),
        page=lambda offset, rows: show(mine()[offset : offset + rows]),
        everything=lambda: show(mine()),
        fields=ACCOUNT.visible(),
    )
    return paged_list(call.params, ACCOUNT.list_key, source)


def create_account(call: Call, name: str, creator: Row | None) -> Row:
    """A new account with its namespace, stock roles and (optionally) its creator as Admin."""
    uuid = new_uuid()
    namespace = create_namespace(call, uuid, uuid, "account", name)
    roles = {}
    for role_name in DEFAULT_ROLES:
        doc = {
            **ROLE.defaults(),
            "name": role_name,
            "permissions": role_defaults(role_name),
            "settings": {},
            "type": ROLE_TYPES.get(role_name),
        }
        roles[role_name] = call.store.insert("role", doc, account_id=uuid)
    doc = {
        **ACCOUNT.defaults(),
        "name": name,
        "namespace_id": namespace.uuid,
        "role_id": roles["User"].uuid,
        "settings": {},
    }
    account = call.store.insert("account", doc, account_id=uuid, uuid=uuid)
    if creator is not None:
        members.add_account_member(call, account, creator, {"role_id": roles["Admin"].uuid})
    return account


def account_add(call: Call) -> dict[str, Any]:
    """Undocumented /account/add (sysadmin): ``name`` only; DUPLICATE_NAME if taken."""
    call.params.require("name")
    call.require_sysadmin("NOT_PERMITTED")
    name = call.params.get("name") or ""
    if call.store.find_ci("account", "name", name):
        raise ApiError("DUPLICATE_NAME")
    account = create_account(call, name, call.user)
    return {"uuid": account.uuid, "namespace_id": account.doc["namespace_id"]}


def account_delete(call: Call) -> dict[str, Any]:
    """Undocumented /account/delete (sysadmin): the account and everything in it."""
    call.params.require("uuid")
    call.require_sysadmin("NOT_PERMITTED")
    account = call.lookup("account", call.params.get("uuid"))
    if account is None:
        raise ApiError("NOT_FOUND", "uuid")
    call.store.delete_account(account.uuid)
    return {}


ACCOUNT = Kind(
    "account",
    "/account",
    "accounts",
    [
        Field("name", ci=True),
        Field("vanity", "csv"),
        Field("password_expire", "int", default=0),
        Field("session_expire", "int", default=0),
        *flags(*NAMESPACE_FLAGS, "can_request"),
        Field("share_code"),
        Field("share_description"),
        Field("share_settings", "json"),
        Field("hl7_template"),
        Field("search_threshold", "int"),
        Field("css"),
        Field("vendor"),
        Field("role_id"),
        Field("site_management_account_id"),
    ],
    readonly=("namespace_id", "role_name", "settings", "connected"),
    customfield_object="Account",
    endpoints=("get", "set"),
    extra={
        "list": Endpoint(account_list, object_name="account", list_key="accounts"),
        "add": Endpoint(account_add, undocumented=UNDOCUMENTED),
        "delete": Endpoint(account_delete, undocumented=UNDOCUMENTED),
    },
    seed=Seeding("accounts", refs={"role": Ref("role_id", "role")}, params=("settings",)),
    check=check,
    present=present,
    after_set=renamed,
)
