"""Role: a named set of permissions and role-level setting overrides."""

from __future__ import annotations

from pydantic import Field

from ambraconf.facts import DEFAULT_ROLES
from ambraconf.kinds.base import Flag, Name, ObjectModel, Text
from ambraconf.kinds.permissions import CUSTOMFIELDS_KEY, Permissions
from ambraconf.kinds.settings import RoleSettings
from ambraconf.kinds.spec import KEYS, KindSpec, Reference


class Role(ObjectModel):
    """A role (``/role/add``, ``/role/set``); permissions the config omits are left alone."""

    name: Name
    description: Text | None = None
    for_account: Flag | None = Field(None, description="May be an account role (default on).")
    for_group: Flag | None = Field(None, description="May be a group role (default on).")
    for_location: Flag | None = Field(None, description="May be a location role (default on).")
    permissions: Permissions | None = Field(
        None,
        description="Permission name to value: flags true/false, study_field_* F/H/O/R, "
        f"{CUSTOMFIELDS_KEY}: {{custom field name: F/H/O/R}}.",
    )
    settings: RoleSettings | None = Field(None, description="Role-overridable account settings.")


SPEC = KindSpec(
    name="role",
    key="roles",
    title="role",
    model=Role,
    identity=("name",),
    builtin=DEFAULT_ROLES,
    references=(
        Reference(
            ("permissions", CUSTOMFIELDS_KEY, KEYS),
            "customfield",
            where=(("object", "Study"),),
            label="custom field permission",
        ),
    ),
)
