"""Role permissions and study field flags, checked against the documented permissions table.

The API keys custom field permissions by uuid (``study_field_customfield_<UUID>``); the
config names the field instead, under ``study_field_customfields: {Field name: R}``, so
the same files work in every account. Flags accept 0/1 (the table's spelling) and are
normalised to booleans.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic_core import PydanticCustomError

from ambraconf.facts import ACCOUNT_SETTINGS, PERMISSIONS, PermissionFact, permission_fact
from ambraconf.kinds.base import (
    AT_KEY,
    FLAG_SCHEMA,
    UUID_RE,
    Problem,
    checked_mapping,
    describe,
    problem_error,
    to_flag,
    under,
)
from ambraconf.kinds.codec import API_FLAGS
from ambraconf.kinds.compare import same
from ambraconf.suggest import did_you_mean

CUSTOMFIELDS_KEY = "study_field_customfields"
FIELD_LETTERS = ("F", "H", "O", "R")
FIELD_LETTERS_SCHEMA: dict[str, Any] = {
    "enum": list(FIELD_LETTERS),
    "description": "F full, H hidden, O read only, R required",
}
_CUSTOMFIELD_BY_UUID = re.compile(rf"study_field_customfield_{UUID_RE}")
_KNOWN = sorted(n for n in PERMISSIONS if re.fullmatch(r"[a-z][a-z0-9_]*", n))
_STUDY_FIELDS = sorted(n for n in _KNOWN if PERMISSIONS[n].kind == "field")
_BY_UUID_HINT = f"name the custom field instead: {CUSTOMFIELDS_KEY}: {{<custom field name>: R}}"


def field_letter(value: Any) -> str:
    """F, H, O or R; a ValueError naming the wrong value otherwise."""
    if isinstance(value, str) and value in FIELD_LETTERS:
        return value
    if isinstance(value, str) and value.upper() in FIELD_LETTERS:
        raise ValueError(f"field permissions are upper case: write {value.upper()!r}")
    raise ValueError(f"expected one of F, H, O, R, got {describe(value)}")


def _customfield_letters(value: Any) -> tuple[dict[str, str], list[Problem]]:
    if not isinstance(value, dict):
        return {}, [
            ((), f"expected a mapping of custom field name to F/H/O/R, got {describe(value)}")
        ]
    letters: dict[str, str] = {}
    problems: list[Problem] = []
    for name, letter in value.items():
        try:
            letters[name] = field_letter(letter)
        except ValueError as exc:
            problems.append(((name,), str(exc)))
    return letters, problems


def _permission_value(fact: PermissionFact, value: Any) -> Any:
    if fact.kind == "field":
        return field_letter(value)
    if fact.kind == "json":
        if not isinstance(value, (dict, list)):
            raise ValueError(f"'{fact.name}' takes a mapping (JSON), got {describe(value)}")
        return value
    try:
        return to_flag(value)
    except PydanticCustomError:
        raise ValueError(f"expected true or false (or 1/0), got {describe(value)}") from None


def check_permissions(values: dict[str, Any]) -> dict[str, Any]:
    """Every permission known, every value of the permission's documented kind."""
    result: dict[str, Any] = {}
    problems: list[Problem] = []
    for name, value in values.items():
        if name == CUSTOMFIELDS_KEY:
            result[name], found = _customfield_letters(value)
            problems.extend(under((name,), p) for p in found)
            continue
        if _CUSTOMFIELD_BY_UUID.fullmatch(name):
            problems.append(((name,), f"custom field permission by uuid; {_BY_UUID_HINT}", AT_KEY))
            continue
        fact = permission_fact(name)
        if fact is None:
            message = f"unknown permission '{name}'{did_you_mean(name, _KNOWN)}"
            problems.append(((name,), message, AT_KEY))
            continue
        setting = name.removeprefix("setting_")
        if name not in PERMISSIONS and setting not in ACCOUNT_SETTINGS:
            problems.append(
                (
                    (name,),
                    f"unknown account setting '{setting}' in permission '{name}'"
                    f"{did_you_mean(setting, ACCOUNT_SETTINGS)}",
                    AT_KEY,
                )
            )
            continue
        try:
            result[name] = _permission_value(fact, value)
        except ValueError as exc:
            problems.append(((name,), str(exc)))
    if problems:
        raise problem_error(problems, "permissions")
    return result


def check_field_flags(values: dict[str, Any]) -> dict[str, Any]:
    """A namespace's ``study_field_flags``: study field permissions only."""
    result: dict[str, Any] = {}
    problems: list[Problem] = []
    for name, value in values.items():
        if name == CUSTOMFIELDS_KEY:
            result[name], found = _customfield_letters(value)
            problems.extend(under((name,), p) for p in found)
        elif _CUSTOMFIELD_BY_UUID.fullmatch(name):
            problems.append(((name,), f"custom field flag by uuid; {_BY_UUID_HINT}", AT_KEY))
        elif name not in _STUDY_FIELDS:
            problems.append(
                (
                    (name,),
                    f"unknown study field '{name}'{did_you_mean(name, _STUDY_FIELDS)}",
                    AT_KEY,
                )
            )
        else:
            try:
                result[name] = field_letter(value)
            except ValueError as exc:
                problems.append(((name,), str(exc)))
    if problems:
        raise problem_error(problems, "study_field_flags")
    return result


def _permission_schema(fact: PermissionFact) -> dict[str, Any]:
    if fact.kind == "field":
        schema: dict[str, Any] = dict(FIELD_LETTERS_SCHEMA)
    elif fact.kind == "json":
        schema = {"type": "object"}
    else:
        schema = dict(FLAG_SCHEMA)
    if fact.description:
        schema["description"] = fact.description
    return schema


_CUSTOMFIELDS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Study custom field permissions by custom field name: F, H, O or R.",
    "additionalProperties": FIELD_LETTERS_SCHEMA,
}

PERMISSIONS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        **{name: _permission_schema(PERMISSIONS[name]) for name in _KNOWN},
        CUSTOMFIELDS_KEY: _CUSTOMFIELDS_SCHEMA,
    },
    "patternProperties": {"^setting_[a-z0-9_]+$": dict(FLAG_SCHEMA)},
    "additionalProperties": False,
}

FIELD_FLAGS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        **{name: _permission_schema(PERMISSIONS[name]) for name in _STUDY_FIELDS},
        CUSTOMFIELDS_KEY: _CUSTOMFIELDS_SCHEMA,
    },
    "additionalProperties": False,
}

Permissions = Annotated[dict[str, Any], checked_mapping(check_permissions, PERMISSIONS_SCHEMA)]
FieldFlags = Annotated[dict[str, Any], checked_mapping(check_field_flags, FIELD_FLAGS_SCHEMA)]


_CUSTOMFIELD_PREFIX = "study_field_customfield_"

_FLAGS: set[str] = set()
_NOT_FLAGS: set[str] = set()
"""The permission keys read so far, flags and others (custom field keys aside, which differ
per account). Every role returns the same few hundred keys, so each key is looked up in the
facts once, and a hash's flags are found with set operations instead of a step per key."""


def _sort_out(keys: set[str]) -> None:
    for key in keys:
        if not key.startswith(_CUSTOMFIELD_PREFIX):
            fact = permission_fact(key)
            (_FLAGS if fact is not None and fact.kind == "flag" else _NOT_FLAGS).add(key)


def permissions_from_api(permissions: dict[str, Any], names: Any) -> dict[str, Any]:
    """Live permissions in config shape: flags as booleans, custom field keys by name.

    The ``role_id`` key the API adds to every permissions hash is not a permission.

    Nearly every value of a hash is a flag held as 0/1, so every value is converted in one
    map over the API's spellings and the few keys that are not flags (study fields, custom
    fields, ``role_id``) are given back their values: about twice as fast as finding the
    flags first. A hash holding a list or a mapping anywhere is read key by key instead
    (``_permissions_by_key``), which gives the same result.
    """
    values = permissions.values()
    try:
        result = dict(zip(permissions, map(API_FLAGS.get, values, values), strict=True))
    except TypeError:
        return _permissions_by_key(permissions, names)
    others = permissions.keys() - _FLAGS
    unknown = others - _NOT_FLAGS
    if unknown:
        _sort_out(unknown)
        others -= _FLAGS
    for key in others:
        result[key] = permissions[key]
    result.pop("role_id", None)
    named = others - _NOT_FLAGS
    return _customfields_by_name(result, named, permissions, names) if named else result


def _permissions_by_key(permissions: dict[str, Any], names: Any) -> dict[str, Any]:
    """``permissions_from_api`` for a hash some values of which are lists or mappings: its
    flags found first, and converted one by one, a flag holding a list or a mapping kept
    as the API gave it."""
    unknown = permissions.keys() - _FLAGS - _NOT_FLAGS
    if unknown:
        _sort_out(unknown)
    result = dict(permissions)
    result.pop("role_id", None)
    for key in permissions.keys() & _FLAGS:
        result[key] = _flag_of_api(result[key])
    named = permissions.keys() - _FLAGS - _NOT_FLAGS
    return _customfields_by_name(result, named, permissions, names) if named else result


def _flag_of_api(value: Any) -> Any:
    try:
        return API_FLAGS.get(value, value)
    except TypeError:  # a list or a mapping
        return value


def _customfields_by_name(
    result: dict[str, Any], named: set[str], permissions: dict[str, Any], names: Any
) -> dict[str, Any]:
    """``result`` with its custom field keys (among ``named``, in the hash's order) moved
    under ``study_field_customfields`` by the fields' names."""
    by_name: dict[str, Any] = {}
    for key in [k for k in permissions if k in named] if len(named) > 1 else named:
        if _CUSTOMFIELD_BY_UUID.fullmatch(key):
            uuid = key[len(_CUSTOMFIELD_PREFIX) :]
            by_name[names.name("customfield", uuid) or uuid] = result.pop(key)
    if by_name:
        result[CUSTOMFIELDS_KEY] = by_name
    return result


def permissions_to_api(permissions: dict[str, Any], names: Any) -> dict[str, Any]:
    """The API's permissions hash: flags as 1/0, custom field keys by uuid."""
    result: dict[str, Any] = {}
    for key, value in permissions.items():
        if key == CUSTOMFIELDS_KEY:
            for name, letter in value.items():
                result[f"study_field_customfield_{names.uuid('customfield', name)}"] = letter
        elif isinstance(value, bool):
            result[key] = int(value)
        else:
            result[key] = value
    return result


def exact_permission_keys() -> tuple[str, ...]:
    """Every documented permission that can be turned off (JSON ones cannot)."""
    return tuple(n for n in _KNOWN if PERMISSIONS[n].kind != "json")


def permission_off(name: str) -> Any:
    """The value that turns a permission off: a flag false, a study field F (full: the
    documented default of every role, so no restriction); None for JSON permissions
    (viewer configurations) and names the table does not have."""
    fact = permission_fact(name)
    if fact is None or fact.kind == "json":
        return None
    return "F" if fact.kind == "field" else False


NEW_ROLE_COLUMN = "User"
"""The permissions a new role gets: "if permissions are not passed the role is given the
default set", the User column of the permissions table."""


def is_default_permission(name: str, value: Any) -> bool:
    """Whether a role permission holds what a new role gets anyway."""
    fact = permission_fact(name)
    return fact is not None and same(value, fact.defaults.get(NEW_ROLE_COLUMN))
