"""Sessions and the user's own key-value settings (/setting/get, /setting/set)."""

from __future__ import annotations

import hashlib
from typing import Any

from ambraconf.facts import PERMISSIONS
from ambraconf.sandbox.context import Call
from ambraconf.sandbox.protocol import ApiError
from ambraconf.sandbox.schema import Endpoint
from ambraconf.sandbox.settings import NAME
from ambraconf.sandbox.store import Row

DELETE = "__DELETE__"


def login(call: Call) -> dict[str, Any]:
    """/session/login with ``login`` (an email) and ``password``."""
    params = call.params
    absent = [name for name in ("login", "password") if not params.filled(name)]
    if "login" in absent and params.filled("email"):
        absent.remove("login")
    if absent:
        raise ApiError("MISSING_FIELDS", absent)
    login_name = params.get("login") or params.get("email") or ""
    found = call.store.find_ci("user", "email", login_name)
    user = found[0] if found else None
    if user is None or user.doc.get("password") != params.get("password"):
        raise ApiError("INVALID_CREDENTIALS")
    sid = call.sessions.open(user.uuid)
    return {
        "sid": sid,
        "uuid": user.uuid,
        "name": user.doc.get("name"),
        "training_todo": 0,
        "pin_required": 0,
        "sign_required": 0,
        "is_proxy": 0,
    }


def user_fields(user: Row) -> dict[str, Any]:
    return {
        "uuid": user.uuid,
        "name": user.doc.get("name"),
        "email": user.doc.get("email"),
        "sysadmin": int(bool(user.doc.get("sysadmin"))),
    }


def session_user(call: Call) -> dict[str, Any]:
    """/session/user: the caller, the namespaces they can reach, requested settings."""
    assert call.user is not None
    namespaces = []
    for link in call.store.find("account_user", "user_id", call.user.uuid):
        account = call.lookup("account", link.account_id)
        if account is not None:
            namespaces.append({"uuid": account.doc["namespace_id"], "name": account.doc["name"]})
        for kind in ("group", "location"):
            for member in call.store.find(
                f"{kind}_user", "user_id", call.user.uuid, account_id=link.account_id
            ):
                owner = call.lookup(kind, member.parent_id)
                if owner is not None:
                    namespaces.append(
                        {"uuid": owner.doc["namespace_id"], "name": owner.doc["name"]}
                    )
    out = {
        **user_fields(call.user),
        "namespaces": namespaces,
        "sid_md5": hashlib.md5((call.sid or "").encode()).hexdigest(),
        "session_expire": 180,
    }
    if call.params.filled("settings"):
        keys = call.params.json("settings")
        if not isinstance(keys, list):
            raise ApiError("INVALID_JSON", "settings")
        out["settings"] = {str(key): _read_setting(call, call.user.uuid, str(key)) for key in keys}
    return out


def session_permissions(call: Call) -> dict[str, Any]:
    """/session/permissions for an account or a namespace; a sysadmin holds every flag."""
    which = call.params.require_one_of("account_id", "namespace_id")
    target = call.params.get(which)
    if which == "namespace_id":
        namespace = call.lookup("namespace", target)
        if namespace is None:
            raise ApiError("NOT_FOUND", "namespace_id")
        target = namespace.account_id
    elif call.lookup("account", target) is None:
        raise ApiError("NOT_FOUND", "account_id")
    granted = call.permissions(target or "")
    if granted is None and call.sysadmin:
        granted = {
            name: 1
            for name, fact in PERMISSIONS.items()
            if fact.kind == "flag" and NAME.fullmatch(name)
        }
    if granted is None:
        raise ApiError("NOT_FOUND", which)
    return dict(granted)


def logout(call: Call) -> dict[str, Any]:
    if not call.sid or not call.sessions.close(call.sid):
        raise ApiError("NOT_FOUND", "sid")
    return {}


def _target_user(call: Call) -> str:
    """Whose settings: the caller, or ``user_id`` for a sysadmin."""
    assert call.user is not None
    if call.params.filled("user_id"):
        call.require_sysadmin("NOT_PERMITTED")
        return call.params.get("user_id") or ""
    return call.user.uuid


def _read_setting(call: Call, user_id: str, key: str) -> str | None:
    if key.startswith("temp_") and call.sid:
        return call.sessions.temp_settings(call.sid).get(key)
    for row in call.store.rows("user_setting", parent_id=user_id):
        if row.doc["key"] == key:
            return row.doc["value"]
    return None


def setting_get(call: Call) -> dict[str, Any]:
    call.params.require("key")
    return {"value": _read_setting(call, _target_user(call), call.params.get("key") or "")}


def setting_set(call: Call) -> dict[str, Any]:
    """Store a value under a key (``__DELETE__`` removes it; ``temp_`` keys last a session)."""
    call.params.require("key", "value")
    user_id = _target_user(call)
    key, value = call.params.get("key") or "", call.params.get("value") or ""
    if key.startswith("temp_") and call.sid:
        temp = call.sessions.temp_settings(call.sid)
        if value == DELETE:
            temp.pop(key, None)
        else:
            temp[key] = value
        return {}
    existing = [
        r for r in call.store.rows("user_setting", parent_id=user_id) if r.doc["key"] == key
    ]
    for row in existing:
        call.store.delete(row.uuid)
    if value != DELETE:
        call.store.insert("user_setting", {"key": key, "value": value}, parent_id=user_id)
    return {}


ENDPOINTS = {
    "/session/login": Endpoint(login, auth=False, post_only=True),
    "/session/user": Endpoint(session_user, object_name="user"),
    "/session/permissions": Endpoint(session_permissions),
    "/session/logout": Endpoint(logout),
    "/setting/get": Endpoint(setting_get),
    "/setting/set": Endpoint(setting_set),
}
