"""Server defaults that ``export`` leaves out, so exported files say only what was chosen.

A value left out of a config is not managed: plan leaves it alone, so leaving out a value
the server holds anyway never shows as a change. The rules, from the API reference:

- a field that is empty (null, "", [] or {}) is left out;
- a flag at its default is left out: off, except the role flags ``for_account``,
  ``for_group`` and ``for_location`` ("default is on" in ``/role/add``);
- the account's ``password_expire`` and ``session_expire`` at 0 (no expiry) are left out;
- in custom field mappings, flags at the defaults ``/customfield/mapping/add`` documents
  (``overwrite_with_blank``, ``refresh_on_reshare``, ``refresh_on_edit`` on,
  ``reverse_refresh_on_edit`` off) are left out (mappings compare on the keys given);
- a role permission equal to its default for a new role (the User column of the
  permissions table: "if permissions are not passed the role is given the default set")
  is left out;
- an account setting equal to its default in the settings table is left out (the API lists
  every setting, set or not);
- namespace settings keep every override the API returns, except empty ones and own flags
  that are off (an override equal to the account's value still overrides it).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ambraconf.engine.diff import same
from ambraconf.facts import ACCOUNT_SETTINGS, permission_fact
from ambraconf.kinds.settings import setting_value

NEW_ROLE_COLUMN = "User"

FIELD_DEFAULTS: Mapping[tuple[str, str], bool | int] = {
    ("role", "for_account"): True,
    ("role", "for_group"): True,
    ("role", "for_location"): True,
    ("account", "password_expire"): 0,
    ("account", "session_expire"): 0,
}
"""Defaults other than "off" and "empty", by (kind, field)."""

ITEM_DEFAULTS: Mapping[tuple[str, str], Mapping[str, bool]] = {
    ("customfield", "customfield_mapping"): {
        "overwrite_with_blank": True,
        "refresh_on_reshare": True,
        "refresh_on_edit": True,
        "reverse_refresh_on_edit": False,
    },
}
"""Defaults of the keys of each item of a list field, by (kind, field)."""


def is_empty(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, dict | list) and not value)


def is_default_field(kind: str, name: str, value: Any) -> bool:
    """Whether a top-level field of a ``kind`` object holds what the server would anyway."""
    if (kind, name) in FIELD_DEFAULTS:
        default = FIELD_DEFAULTS[(kind, name)]
        return type(value) is type(default) and value == default
    if isinstance(value, bool):
        return value is False
    return is_empty(value)


def is_default_permission(name: str, value: Any) -> bool:
    fact = permission_fact(name)
    return fact is not None and same(value, fact.defaults.get(NEW_ROLE_COLUMN))


def is_default_setting(name: str, value: Any) -> bool:
    fact = ACCOUNT_SETTINGS.get(name)
    if fact is None:
        return is_empty(value)
    try:
        default = setting_value(fact, fact.default)
    except ValueError:
        default = fact.default
    return same(value, default) or (is_empty(value) and is_empty(default))


def is_empty_override(name: str, value: Any) -> bool:
    return value is False or is_empty(value)


NESTED_DEFAULTS: Mapping[str, Callable[[str, Any], bool]] = {
    "permissions": is_default_permission,
    "namespace_settings": is_empty_override,
}
"""Mapping-valued fields whose keys are pruned one by one, by field name."""


def without_defaults(kind: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """An object's values (config shape) with server defaults left out."""
    result: dict[str, Any] = {}
    for name, value in values.items():
        prune = NESTED_DEFAULTS.get(name)
        if prune is not None and isinstance(value, dict):
            value = {k: v for k, v in value.items() if not prune(k, v)}
        items = ITEM_DEFAULTS.get((kind, name))
        if items is not None and isinstance(value, list):
            value = [_without(item, items) for item in value]
        if not is_default_field(kind, name, value):
            result[name] = value
    return result


def _without(item: Any, defaults: Mapping[str, Any]) -> Any:
    if not isinstance(item, dict):
        return item
    return {k: v for k, v in item.items() if not (k in defaults and same(v, defaults[k]))}


def account_settings_without_defaults(settings: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in settings.items() if not is_default_setting(k, v)}
