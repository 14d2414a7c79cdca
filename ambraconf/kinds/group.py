"""Group: a namespace of the account with members, a default role and settings."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from ambraconf.kinds.base import Flag, Name
from ambraconf.kinds.members import MEMBER_DEFAULTS, SPARED
from ambraconf.kinds.namespace import (
    NAMESPACE_DANGERS,
    NAMESPACE_DEFAULTS,
    NAMESPACE_EXACT,
    NamespaceObject,
    namespace_api,
    namespace_references,
)
from ambraconf.kinds.spec import KindSpec, Reference
from ambraconf.kinds.wiring import Api


class Group(NamespaceObject):
    """A group (``/group/add``, ``/group/set``)."""

    site: Annotated[Name | None, Api("site_id", ref="site")] = Field(
        None, description="The site (site_id) by name: one the files define, or a live one."
    )
    site_qualified: Annotated[Flag | None, Api(set_only=True)] = None
    site_inactive: Annotated[Flag | None, Api(set_only=True)] = None


API = namespace_api("group")


SPEC = KindSpec(
    api=API,
    name="group",
    key="groups",
    title="group",
    model=Group,
    identity=("name",),
    nested_defaults=NAMESPACE_DEFAULTS,
    dangers=NAMESPACE_DANGERS,
    exact=NAMESPACE_EXACT,
    item_defaults=MEMBER_DEFAULTS,
    share_codes=(("share_code",),),
    spared=SPARED,
    references=(
        *namespace_references("group", "Group"),
        Reference(("site",), "site"),
    ),
)
