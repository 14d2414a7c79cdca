"""Sessions and the user's own key-value settings (/setting/get, /setting/set)."""

from __future__ import annotations

import hashlib
from typing import Any

from ambraconf.facts import ENDPOINTS as DOCUMENTED_ENDPOINTS
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


USER_FLAGS = (
    "sysadmin",
    "support",
    "is_anonymous",
    "pin_required",
    *(
        p
        for p in DOCUMENTED_ENDPOINTS["/group/user/add"].parameters
        if p.startswith("event_") and p != "event_node"
    ),
)
"""The flags /user/get returns: 0 unless the user's record says otherwise (the event_*
flags of the user's own namespace: a member's flags but event_node)."""
USER_TEXTS = (
    "first",
    "last",
    "email",
    "mobile_phone",
    "share_code",
    "share_description",
    "time_zone",
    "allowed_login_brands",
    "npi",
    "terms_md5",
    "privacy_md5",
    "indicator_md5",
    "last_login",
    "public_key",
    "ui_json",
)
"""The other fields /user/get documents: null unless the user's record has them."""


def user_fields(user: Row) -> dict[str, Any]:
    """Every field /user/get documents (/session/user returns them too)."""
    out: dict[str, Any] = {
        "uuid": user.uuid,
        "name": user.doc.get("name"),
        "namespace_id": user.doc.get("namespace_id"),
    }
    out.update({name: user.doc.get(name) for name in USER_TEXTS})
    out.update({name: int(bool(user.doc.get(name))) for name in USER_FLAGS})
    return out


def user_get(call: Call) -> dict[str, Any]:
    """/user/get: the caller, or (``uuid``) a user of ``account_id`` whose users the caller
    may view (``account_user_view``): another user without an account is NOT_PERMITTED
    (a sysadmin sees anyone)."""
    assert call.user is not None
    uuid = call.params.get("uuid") or call.user.uuid
    user = call.lookup("user", uuid)
    if user is None:
        raise ApiError("NOT_FOUND")
    if user.uuid == call.user.uuid or call.sysadmin:
        return user_fields(user)
    account_id = call.params.get("account_id")
    if not account_id:
        raise ApiError("NOT_PERMITTED")
    if call.lookup("account", account_id) is None:
        raise ApiError("NOT_FOUND", "account_id")
    call.require(account_id, "account_user_view")
    if call.membership(account_id, user.uuid) is None:
        raise ApiError("NOT_FOUND")
    return user_fields(user)


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
    "/user/get": Endpoint(user_get, object_name="user"),
    "/session/permissions": Endpoint(session_permissions),
    "/session/logout": Endpoint(logout),
    "/setting/get": Endpoint(setting_get),
    "/setting/set": Endpoint(setting_set),
}
