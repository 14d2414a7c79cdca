"""Account settings by their documented names, typed per the documented settings table.

Used by the account (``settings:``), by roles (role overrides) and by groups and locations
(namespace overrides). A text setting may be written as a YAML mapping or list: the API
takes JSON settings (``ui_json``, ``link_defaults``...) as text, and the engine encodes them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from functools import partial
from typing import Annotated, Any

from pydantic_core import PydanticCustomError

from ambraconf.facts import ACCOUNT_SETTINGS, ENDPOINTS, SettingFact
from ambraconf.kinds.apimap import Hook
from ambraconf.kinds.base import (
    AT_KEY,
    FLAG_SCHEMA,
    Checked,
    Problem,
    checked_mapping,
    describe,
    problem_error,
    to_flag,
)
from ambraconf.kinds.codec import API_FLAGS, Names, json_text, parse_json_text
from ambraconf.kinds.compare import is_empty, same
from ambraconf.kinds.setting_names import (
    BY_SETTING,
    setting_from_api,
    setting_to_api,
    shape_problem,
)
from ambraconf.suggest import did_you_mean

_TYPE_NAMES = {"flag": "true or false", "number": "a whole number", "text": "text"}


def setting_value(fact: SettingFact, value: Any) -> Any:
    """``value`` converted to the setting's documented type, or a ValueError saying why not."""
    if fact.type == "flag":
        try:
            return to_flag(value)
        except PydanticCustomError:
            raise ValueError(_wrong_type(fact, value)) from None
    if fact.type == "number":
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            return int(value)
        raise ValueError(_wrong_type(fact, value))
    if value is None or isinstance(value, bool):
        raise ValueError(_wrong_type(fact, value))
    problem = shape_problem(fact.name, value)
    if problem:
        raise ValueError(problem)
    return value if isinstance(value, (dict, list, str)) else str(value)


def _wrong_type(fact: SettingFact, value: Any) -> str:
    expected = _TYPE_NAMES[fact.type]
    return f"setting '{fact.name}' is {fact.type}: expected {expected}, got {describe(value)}"


def check_settings(
    values: Mapping[str, Any],
    allowed: Callable[[SettingFact], bool] = lambda fact: True,
    refusal: str = "",
    *,
    revertible: bool = False,
) -> dict[str, Any]:
    """Settings checked against the table; ``allowed`` narrows which may be set here.

    ``revertible``: null is a value too, dropping an override so the account's value applies
    again (a node's ``__DELETE__``)."""
    problems: list[Problem] = []
    result: dict[str, Any] = {}
    for name, value in values.items():
        fact = ACCOUNT_SETTINGS.get(name)
        if fact is None:
            message = f"unknown account setting '{name}'{did_you_mean(name, ACCOUNT_SETTINGS)}"
            problems.append(((name,), message, AT_KEY))
            continue
        if not allowed(fact):
            problems.append(((name,), f"setting '{name}' {refusal}", AT_KEY))
            continue
        if value is None and revertible:
            result[name] = None
            continue
        try:
            result[name] = setting_value(fact, value)
        except ValueError as exc:
            problems.append(((name,), str(exc)))
    if problems:
        raise problem_error(problems, "settings")
    return result


def setting_schema(fact: SettingFact) -> dict[str, Any]:
    """The JSON Schema of one setting's value, with its documented description."""
    if fact.type == "flag":
        schema: dict[str, Any] = dict(FLAG_SCHEMA)
    elif fact.type == "number":
        schema = {"type": "integer"}
    else:
        schema = {"type": ["string", "number", "object", "array"]}
    if fact.description:
        schema["description"] = fact.description
    return schema


def settings_schema(allowed: Callable[[SettingFact], bool] = lambda fact: True) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            name: setting_schema(fact)
            for name, fact in sorted(ACCOUNT_SETTINGS.items())
            if allowed(fact)
        },
        "additionalProperties": False,
    }


AccountSettings = Annotated[dict[str, Any], checked_mapping(check_settings, settings_schema())]
"""``settings:`` of an account: any documented account setting."""


def role_overridable(fact: SettingFact) -> bool:
    return fact.role_override


def overridden(
    allowed: Callable[[SettingFact], bool],
    where: str,
    *,
    api_error: str | None = None,
    revertible: bool = False,
) -> Checked:
    """The check and schema of the settings a role, a user or a node may override: those the
    table's column ``allowed`` reads marks; the refusal names them (and the API's error).
    ``revertible`` lets null drop an override (see ``check_settings``)."""
    names = ", ".join(sorted(n for n, f in ACCOUNT_SETTINGS.items() if allowed(f)))
    refusal = f"cannot be overridden {where} ({f'{api_error}; ' if api_error else ''}"
    refusal += f"the settings table allows: {names})"
    schema = settings_schema(allowed)
    if revertible:
        properties = schema["properties"].items()
        schema["properties"] = {n: {"anyOf": [p, {"type": "null"}]} for n, p in properties}
    return checked_mapping(
        lambda values: check_settings(values, allowed, refusal, revertible=revertible), schema
    )


RoleSettings = Annotated[dict[str, Any], overridden(role_overridable, "by a role")]
"""``settings:`` of a role: only settings the table marks as role-overridable."""


NAMESPACE_ENDPOINT_SETTINGS = frozenset(
    name for name in ENDPOINTS["/namespace/settings"].parameters if name in ACCOUNT_SETTINGS
)
"""The account settings ``/namespace/settings`` lists as ones "that can be over-ridden in the
namespace". Two of them (``link_defaults``, ``upload_settings``) the settings table does not
mark namespace-overridable: the endpoint is the contract for what it takes, so they are."""


def node_overridable(fact: SettingFact) -> bool:
    return fact.node_override


def namespace_overridable(fact: SettingFact) -> bool:
    """A setting a namespace may override: marked so by the settings table, or listed by
    ``/namespace/settings`` itself (docs/config.md, "Namespace settings")."""
    return fact.namespace_override or fact.name in NAMESPACE_ENDPOINT_SETTINGS


def settings_from_api(settings: dict[str, Any], names: Names) -> dict[str, Any]:
    """Live settings (the API returns every value as text) typed per the settings table,
    the objects some hold by uuid by name (``setting_names``).

    An account lists all of its few hundred settings, nearly all of them text naming no
    objects: those are read by their name's entry in ``_PLAIN_READERS``, which gives what
    ``_setting_from_api`` would, without asking the names tables per setting."""
    result: dict[str, Any] = {}
    for name, value in settings.items():
        read = _PLAIN_READERS.get(name) if type(value) is str else None
        result[name] = read(value) if read is not None else _setting_from_api(name, value, names)
    return result


def _setting_from_api(name: str, value: Any, names: Names) -> Any:
    """One live setting typed per the table, its objects by name; as the API gave it where
    it is not of the setting's type, or the setting is not in the table."""
    fact = ACCOUNT_SETTINGS.get(name)
    value = setting_from_api(name, value, names)
    try:
        return setting_value(fact, value) if fact and value is not None else value
    except ValueError:
        return value


def _typed_or_given(fact: SettingFact, value: str) -> Any:
    try:
        return setting_value(fact, value)
    except ValueError:
        return value


def _flag_or_given(fact: SettingFact, value: str) -> Any:
    known = API_FLAGS.get(value)
    return known if known is not None else _typed_or_given(fact, value)


def _as_given(value: str) -> str:
    return value


_TEXT_READERS: Mapping[str, Callable[[SettingFact], Callable[[str], Any]]] = {
    "flag": lambda fact: partial(_flag_or_given, fact),
    "number": lambda fact: partial(_typed_or_given, fact),
    "text": lambda fact: _as_given,
}
"""How a setting of each type that names no objects reads from the API's text: a text
setting is its text (``setting_value`` returns a string as it is when there are no names in
it to check), a flag is mostly 0 or 1."""

_PLAIN_READERS: Mapping[str, Callable[[str], Any]] = {
    name: _TEXT_READERS[fact.type](fact)
    for name, fact in ACCOUNT_SETTINGS.items()
    if name not in BY_SETTING
}
"""The reader of each setting that names no objects, for its value as text."""


def settings_to_api(settings: dict[str, Any], names: Names) -> dict[str, str]:
    """The API's settings hash: every value text; flags 1/0; JSON settings as JSON text;
    objects named by uuid."""
    result: dict[str, str] = {}
    for name, value in settings.items():
        value = setting_to_api(name, value, names)
        if isinstance(value, bool):
            result[name] = "1" if value else "0"
        elif isinstance(value, dict | list):
            result[name] = json.dumps(value, separators=(",", ":"))
        else:
            result[name] = str(value)
    return result


_SYSADMIN_ONLY = re.compile(r"(can only be set|can be set only) by (a )?sysadmin", re.IGNORECASE)


def sysadmin_only(fact: SettingFact) -> bool:
    """A setting the table says only a sysadmin (or support) may set ("This can only be set
    by a sysadmin", "Can be set only by sysadmin"): exact leaves it alone."""
    return bool(_SYSADMIN_ONLY.search(fact.description))


def setting_off(name: str) -> Any:
    """An account setting an exact account does not list, at its documented default; None
    (left alone) for a sysadmin-only setting or a default the setting's own type refuses."""
    fact = ACCOUNT_SETTINGS.get(name)
    if fact is None or sysadmin_only(fact):
        return None
    try:
        return setting_value(fact, fact.default)
    except ValueError:
        return None


def is_default_setting(name: str, value: Any) -> bool:
    """Whether an account setting holds its default in the settings table (the API lists
    every setting, set or not)."""
    fact = ACCOUNT_SETTINGS.get(name)
    if fact is None:
        return is_empty(value)
    try:
        default = setting_value(fact, fact.default)
    except ValueError:
        default = fact.default
    return same(value, default) or (is_empty(value) and is_empty(default))


def decode_settings(raw: dict[str, Any], values: dict[str, Any], names: Names) -> None:
    """A ``settings`` hash of a live object (account, account user, node) in config shape."""
    settings = parse_json_text(raw.get("settings"))
    if isinstance(settings, dict):
        values["settings"] = settings_from_api(settings, names)


def encode_settings(desired: dict[str, Any], params: dict[str, str], names: Names) -> None:
    if desired.get("settings") is not None:
        params["settings"] = json_text(settings_to_api(desired["settings"], names))


SETTINGS_HOOK = Hook(
    ("settings",), decode=decode_settings, encode=encode_settings, params=("settings",)
)
"""The ``settings`` parameter: a JSON hash the API merges on set."""
