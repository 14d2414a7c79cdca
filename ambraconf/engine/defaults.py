"""Server defaults that ``export`` leaves out, so exported files say only what was chosen.

The rules are generic; what each kind's server holds by default is declared with the kind
(``KindSpec.defaults``, ``item_defaults``, ``nested_defaults``).

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

from collections.abc import Mapping
from typing import Any

from ambraconf.kinds.compare import is_empty, same
from ambraconf.kinds.spec import KindSpec


def is_default_field(spec: KindSpec, name: str, value: Any) -> bool:
    """Whether a top-level field of a ``spec`` object holds what the server would anyway."""
    if name in spec.defaults:
        default = spec.defaults[name]
        return type(value) is type(default) and value == default
    if isinstance(value, bool):
        return value is False
    return is_empty(value)


def without_defaults(spec: KindSpec, values: Mapping[str, Any]) -> dict[str, Any]:
    """An object's values (config shape) with server defaults left out."""
    result: dict[str, Any] = {}
    for name, value in values.items():
        prune = spec.nested_defaults.get(name)
        if prune is not None and isinstance(value, dict):
            value = {k: v for k, v in value.items() if not prune(k, v)}
        items = spec.item_defaults.get(name)
        if items is not None and isinstance(value, list):
            value = [_without(item, items) for item in value]
        if not is_default_field(spec, name, value):
            result[name] = value
    return result


def _without(item: Any, defaults: Mapping[str, Any]) -> Any:
    if not isinstance(item, dict):
        return item
    return {k: v for k, v in item.items() if not (k in defaults and same(v, defaults[k]))}
