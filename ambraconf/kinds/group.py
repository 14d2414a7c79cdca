"""Group: a namespace of the account with members, a default role and settings."""

from __future__ import annotations

from pydantic import Field

from ambraconf.kinds.base import Flag, Name
from ambraconf.kinds.codec import Field as CodecField
from ambraconf.kinds.namespace import NamespaceObject, namespace_api, namespace_references
from ambraconf.kinds.spec import KindSpec, Reference


class Group(NamespaceObject):
    """A group (``/group/add``, ``/group/set``)."""

    site: Name | None = Field(None, description="The site (site_id) by name; not managed.")
    site_qualified: Flag | None = None
    site_inactive: Flag | None = None


API = namespace_api(
    "group",
    (
        CodecField("site", "ref", api="site_id", ref="site"),
        CodecField("site_qualified", "flag", set_only=True),
        CodecField("site_inactive", "flag", set_only=True),
    ),
)


SPEC = KindSpec(
    api=API,
    name="group",
    key="groups",
    title="group",
    model=Group,
    identity=("name",),
    references=(
        *namespace_references("group", "Group"),
        Reference(("site",), "site", managed=False),
    ),
)
