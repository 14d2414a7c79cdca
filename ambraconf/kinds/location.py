"""Location: a namespace of the account for a site of care."""

from __future__ import annotations

from ambraconf.kinds.members import MEMBER_DEFAULTS, SPARED
from ambraconf.kinds.namespace import (
    NAMESPACE_DANGERS,
    NAMESPACE_DEFAULTS,
    NAMESPACE_EXACT,
    NamespaceObject,
    namespace_api,
    namespace_references,
)
from ambraconf.kinds.spec import KindSpec


class Location(NamespaceObject):
    """A location (``/location/add``, ``/location/set``)."""


API = namespace_api("location")


SPEC = KindSpec(
    api=API,
    name="location",
    key="locations",
    title="location",
    model=Location,
    identity=("name",),
    nested_defaults=NAMESPACE_DEFAULTS,
    dangers=NAMESPACE_DANGERS,
    exact=NAMESPACE_EXACT,
    item_defaults=MEMBER_DEFAULTS,
    share_codes=(("share_code",),),
    spared=SPARED,
    references=namespace_references("location", "Location"),
)
