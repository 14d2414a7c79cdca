"""Documented tables of the Ambra v3 API: permissions, account settings, enumerations.

These are facts from the official documentation, extracted by ``tools/extract_facts.py``
into JSON beside this module. They are data, not a client's opinion of the API, so both
``validate`` and the sandbox may read them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any


def _load(name: str) -> Any:  # JSON of any shape
    return json.loads(resources.files(__name__).joinpath(name).read_text(encoding="utf-8"))


@dataclass(frozen=True)
class PermissionFact:
    """One row of the permissions table; ``kind`` is 'flag' (0/1), 'field' (F/H/O/R) or 'json'."""

    name: str
    kind: str
    defaults: Mapping[str, int | str | None]
    description: str


@dataclass(frozen=True)
class SettingFact:
    """One row of the account settings table; ``type`` is 'flag', 'text' or 'number'."""

    name: str
    type: str
    default: str
    unauthenticated: bool
    user_override: bool
    namespace_override: bool
    node_override: bool
    role_override: bool
    description: str


PERMISSIONS: dict[str, PermissionFact] = {
    row["name"]: PermissionFact(**row) for row in _load("permissions.json")
}
ACCOUNT_SETTINGS: dict[str, SettingFact] = {
    row["name"]: SettingFact(**row) for row in _load("account_settings.json")
}
DEFAULT_ROLES: tuple[str, ...] = ("Admin", "User", "PHR", "Anonymous")
FIELD_PERMISSION_VALUES: frozenset[str] = frozenset("FHOR")

UUID_PATTERN = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_CUSTOMFIELD_PERMISSION = re.compile(rf"study_field_customfield_({UUID_PATTERN})")
_SETTING_PERMISSION = re.compile(r"setting_([a-z0-9_]+)")


def permission_fact(name: str) -> PermissionFact | None:
    """The documented permission called ``name``, including the two patterned families."""
    if name in PERMISSIONS:
        return PERMISSIONS[name]
    if _CUSTOMFIELD_PERMISSION.fullmatch(name):
        return PermissionFact(name, "field", {r: "F" for r in DEFAULT_ROLES}, "custom field access")
    if _SETTING_PERMISSION.fullmatch(name):
        defaults = {"Admin": 1, "User": 1, "PHR": 0, "Anonymous": 0}
        return PermissionFact(name, "flag", defaults, "may set this role setting")
    return None


_ENUMS = _load("enumerations.json")
ROUTE_CONDITION_LVS: frozenset[str] = frozenset(_ENUMS["route_condition_lvs"])
ROUTE_CONDITION_LV_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(rf"customfield-({UUID_PATTERN})"),
    re.compile(r"hl7_[A-Z][A-Z0-9]{2}_\d+(_\d+)?"),
    re.compile(rf"validate-({UUID_PATTERN})"),
)
ROUTE_CONDITION_OPS: frozenset[str] = frozenset(_ENUMS["route_condition_ops"])
ROUTE_LV_TRANSFORMS: frozenset[str] = frozenset(_ENUMS["route_lv_transforms"])
ROUTE_ACTION_KINDS: frozenset[str] = frozenset(_ENUMS["route_action_kinds"])
ROUTE_OPTIONS: frozenset[str] = frozenset(_ENUMS["route_options"])
WEBHOOK_EVENTS: frozenset[str] = frozenset(_ENUMS["webhook_events"])
WEBHOOK_METHODS: frozenset[str] = frozenset(_ENUMS["webhook_methods"])
WEBHOOK_AUTH_TYPES: frozenset[str] = frozenset(_ENUMS["webhook_auth_types"])
CUSTOMFIELD_OBJECTS: frozenset[str] = frozenset(_ENUMS["customfield_objects"])
CUSTOMFIELD_TYPES: frozenset[str] = frozenset(_ENUMS["customfield_types"])
DESTINATION_TYPES: frozenset[str] = frozenset(_ENUMS["destination_types"])
SCHEDULE_KEYS: frozenset[str] = frozenset(_ENUMS["schedule_keys"])
SCHEDULE_TIMEZONES: frozenset[str] = frozenset(_ENUMS["schedule_timezones"])
STUDY_DICOM_FIELDS: dict[str, str] = dict(_ENUMS["study_dicom_fields"])
"""Study fields a DICOM tag fills (``/study/set``), by name, with the tag as their value."""


def is_route_condition_lv(value: str) -> bool:
    """Whether ``value`` is a documented left value, fixed or patterned."""
    return value in ROUTE_CONDITION_LVS or any(
        p.fullmatch(value) for p in ROUTE_CONDITION_LV_PATTERNS
    )


@dataclass(frozen=True)
class EndpointFact:
    """One documented endpoint: the parameters it takes, the groups of which one is
    required (``[["email", "user_id"]]``: either), its permission and its error codes.
    A parameter with braces (``customfield-{CUSTOMFIELD_UUID}``) stands for a family."""

    url: str
    parameters: tuple[str, ...]
    required: tuple[tuple[str, ...], ...]
    permission: str
    errors: tuple[str, ...]

    def takes(self, name: str) -> bool:
        return any(parameter_matches(name, documented) for documented in self.parameters)


def parameter_matches(name: str, documented: str) -> bool:
    """Whether ``name`` is the documented parameter, or one of its family."""
    if name == documented:
        return True
    if "{" not in documented:
        return False
    parts = re.split(r"\{[^}]*\}", documented)
    return re.fullmatch(".+".join(re.escape(p) for p in parts), name) is not None


ENDPOINTS: dict[str, EndpointFact] = {
    url: EndpointFact(
        url,
        tuple(row["parameters"]),
        tuple(tuple(group) for group in row["required"]),
        row["permission"],
        tuple(row["errors"]),
    )
    for url, row in _load("endpoints.json").items()
}
