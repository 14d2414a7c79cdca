"""Role: a named set of permissions and role-level setting overrides."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from ambraconf.facts import DEFAULT_ROLES
from ambraconf.kinds.apimap import ApiMap, Hook
from ambraconf.kinds.base import ExactObject, Flag, Name, Text
from ambraconf.kinds.codec import Names, json_text, parse_json_text
from ambraconf.kinds.danger import (
    PHI_SHARING_PERMISSIONS,
    STUDY_DELETING_PERMISSIONS,
    Danger,
    settings_dangers,
    turned,
)
from ambraconf.kinds.permissions import (
    CUSTOMFIELDS_KEY,
    Permissions,
    exact_permission_keys,
    is_default_permission,
    permission_off,
    permissions_from_api,
    permissions_to_api,
)
from ambraconf.kinds.setting_names import setting_references
from ambraconf.kinds.settings import SETTINGS_HOOK, RoleSettings, role_overridable
from ambraconf.kinds.spec import KEYS, ExactHash, KindSpec, Reference
from ambraconf.kinds.wiring import Api


class Role(ExactObject):
    """A role (``/role/add``, ``/role/set``); permissions the config omits are left alone."""

    name: Annotated[Name, Api()]
    description: Annotated[Text | None, Api(set_only=True)] = None
    for_account: Annotated[Flag | None, Api()] = Field(
        None, description="May be an account role (default on)."
    )
    for_group: Annotated[Flag | None, Api()] = Field(
        None, description="May be a group role (default on)."
    )
    for_location: Annotated[Flag | None, Api()] = Field(
        None, description="May be a location role (default on)."
    )
    permissions: Permissions | None = Field(
        None,
        description="Permission name to value: flags true/false, study_field_* F/H/O/R, "
        f"{CUSTOMFIELDS_KEY}: {{custom field name: F/H/O/R}}.",
    )
    settings: RoleSettings | None = Field(None, description="Role-overridable account settings.")


def _decode_permissions(raw: dict[str, Any], values: dict[str, Any], names: Names) -> None:
    """Live permissions in config shape: flags as booleans, custom field keys by name."""
    permissions = parse_json_text(raw.get("permissions"))
    if isinstance(permissions, dict):
        values["permissions"] = permissions_from_api(permissions, names)


def _encode_permissions(desired: dict[str, Any], params: dict[str, str], names: Names) -> None:
    if desired.get("permissions") is not None:
        params["permissions"] = json_text(permissions_to_api(desired["permissions"], names))


API = ApiMap(
    list_path="/role/list",
    list_key="roles",
    add_path="/role/add",
    set_path="/role/set",
    delete_path="/role/delete",
    merged_hashes=frozenset({"permissions", f"permissions.{CUSTOMFIELDS_KEY}", "settings"}),
    hooks=(
        Hook(
            ("permissions",),
            decode=_decode_permissions,
            encode=_encode_permissions,
            params=("permissions",),
        ),
        SETTINGS_HOOK,
    ),
)


SPEC = KindSpec(
    name="role",
    key="roles",
    title="role",
    model=Role,
    identity=("name",),
    builtin=DEFAULT_ROLES,
    system_types=frozenset({"admin", "user"}),
    api=API,
    # "default is on" (/role/add)
    defaults={"for_account": True, "for_group": True, "for_location": True},
    nested_defaults={"permissions": is_default_permission},
    exact={
        "permissions": ExactHash(exact_permission_keys, permission_off),
        f"permissions.{CUSTOMFIELDS_KEY}": ExactHash(tuple, lambda name: "F"),
    },
    dangers=(
        Danger(
            "phi-sharing",
            "grants a permission that shares, downloads, pushes or links studies",
            fields=turned("permissions", PHI_SHARING_PERMISSIONS, "on"),
        ),
        Danger(
            "study-deletion",
            "grants a permission that deletes studies, or edits the purge rules",
            fields=turned("permissions", STUDY_DELETING_PERMISSIONS, "on"),
        ),
        *settings_dangers("settings"),
    ),
    references=(
        Reference(
            ("permissions", CUSTOMFIELDS_KEY, KEYS),
            "customfield",
            where=(("object", "Study"),),
            label="custom field permission",
        ),
        *setting_references("settings", role_overridable),
    ),
)
