"""Permission and setting hashes: validation against the documented tables, merging.

Role permissions are checked against the permissions table (INVALID_PERMISSION,
INVALID_PERMISSION_VALUE), account, role and namespace settings against the
account settings table (INVALID_SETTING, INVALID_SETTING_VALUE). Both hashes are
merged on set: a subset changes only those keys.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from ambraconf.facts import (
    ACCOUNT_SETTINGS,
    FIELD_PERMISSION_VALUES,
    PERMISSIONS,
    permission_fact,
)
from ambraconf.sandbox.protocol import ApiError, Params

# Permission names start with a letter; a separator row of the table ("---") is not one.
NAME = re.compile(r"[a-z][a-zA-Z0-9_-]*")
CUSTOMFIELD_PERMISSION = re.compile(r"study_field_customfield_(.+)")


def role_defaults(column: str) -> dict[str, Any]:
    """A stock role's permissions: one column (Admin, User, PHR, Anonymous) of the table."""
    return {
        name: fact.defaults[column]
        for name, fact in PERMISSIONS.items()
        if NAME.fullmatch(name) and fact.defaults.get(column) is not None
    }


def permission_value(name: str, value: Any, customfield_exists: Callable[[str], bool]) -> Any:
    """A validated permission value: flags as 0/1, study fields as F/H/O/R, JSON as given."""
    fact = permission_fact(name) if NAME.fullmatch(name) else None
    if fact is None:
        raise ApiError("INVALID_PERMISSION", name)
    found = CUSTOMFIELD_PERMISSION.fullmatch(name)
    if found and not customfield_exists(found.group(1)):
        raise ApiError("INVALID_PERMISSION", name)
    if fact.kind == "flag":
        if value in (0, 1, "0", "1") and not isinstance(value, bool):
            return int(value)
        raise ApiError("INVALID_PERMISSION_VALUE", name)
    if fact.kind == "field":
        if value in FIELD_PERMISSION_VALUES:
            return value
        raise ApiError("INVALID_PERMISSION_VALUE", name)
    return value


OVERRIDE_ERRORS = {"role_override": "NO_ROLE_OVERRIDE", "node_override": "NO_NODE_OVERRIDE"}
"""The errors /role/set and /node/set document for a setting the level cannot override."""


def setting_value(name: str, value: Any, *, override: str | None = None) -> str:
    """A validated account setting value, kept as text as the API returns it.

    ``override`` names the table column that must allow the setting at this level
    (``role_override`` for roles, ``namespace_override`` for namespaces, ``node_override``
    for nodes); a setting it does not allow is the level's documented error.
    """
    fact = ACCOUNT_SETTINGS.get(name)
    if fact is None:
        raise ApiError("INVALID_SETTING", name)
    if override and not getattr(fact, override):
        raise ApiError(OVERRIDE_ERRORS.get(override, "INVALID_SETTING"), name)
    if isinstance(value, (bool, dict | list)) or value is None:
        raise ApiError("INVALID_SETTING_VALUE", name)
    text = str(value)
    if fact.type == "flag" and text not in ("0", "1"):
        raise ApiError("INVALID_SETTING_VALUE", name)
    if fact.type == "number" and text != "":
        try:
            int(text)
        except ValueError:
            raise ApiError("INVALID_SETTING_VALUE", name) from None
    return text


def settings_given(params: Params, *, override: str | None = None) -> dict[str, str]:
    """The ``settings`` JSON hash and ``setting_<NAME>`` parameters of a call, validated."""
    changes = params.hash("settings", "setting_")
    return {name: setting_value(name, value, override=override) for name, value in changes.items()}


def effective_settings(stored: Mapping[str, str]) -> dict[str, str]:
    """Every documented setting with its default, overlaid with what was set."""
    return {**{name: fact.default for name, fact in ACCOUNT_SETTINGS.items()}, **stored}


def permissions_given(
    params: Params, customfield_exists: Callable[[str], bool], *, singles: bool
) -> dict[str, Any]:
    """The ``permissions`` JSON hash (and ``permission_<NAME>`` on set), validated."""
    changes = params.hash("permissions")
    changes.pop("role_id", None)
    if singles:
        for name, value in params.prefixed("permission_").items():
            changes[name] = _single(name, value)
    return {
        name: permission_value(name, value, customfield_exists) for name, value in changes.items()
    }


def _single(name: str, value: str) -> Any:
    """``permission_<NAME>=text``: JSON-kind permissions take JSON text, others plain text."""
    fact = permission_fact(name)
    if fact is not None and fact.kind == "json" and value:
        try:
            return json.loads(value)
        except ValueError:
            raise ApiError("INVALID_PERMISSION_VALUE", name) from None
    return value
