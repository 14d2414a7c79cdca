"""Site: a place studies come from in a clinical-trial account (``/site/*``).

A site may be a satellite of another site of the account (``parent:``, the API's
``site_id``), one level deep: the API refuses a parent from another account
(DIFFERENT_ACCOUNTS) and a satellite that has satellites of its own
(NESTED_SATELLITE_SITE). Groups name sites (``site:``); a site someone else keeps need not
be defined here (``nameable_unmanaged``): it resolves from live state at plan time.
``satellite_sites`` and ``trials`` are what get computes from other objects, so a config
cannot set them (unknown keys, refused by validate).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from ambraconf.kinds.apimap import ApiMap
from ambraconf.kinds.base import Flag, Name, ObjectModel, Text
from ambraconf.kinds.spec import SET, KindSpec, Reference
from ambraconf.kinds.wiring import Api


class Site(ObjectModel):
    """A site (``/site/add``); ``inactive`` only /site/set takes, so a create sends it after."""

    name: Annotated[Name, Api()]
    parent: Annotated[Name | None, Api("site_id", ref="site")] = Field(
        None, description="The site it is a satellite of, by name; that one has no parent."
    )
    country: Annotated[Text | None, Api()] = None
    state: Annotated[Text | None, Api()] = Field(None, description="The state code.")
    zip: Annotated[Text | None, Api()] = None
    city: Annotated[Text | None, Api()] = None
    address1: Annotated[Text | None, Api()] = None
    address2: Annotated[Text | None, Api()] = None
    inactive: Annotated[Flag | None, Api(set_only=True)] = Field(
        None, description="Not actively used (lists may filter it out)."
    )


API = ApiMap(
    list_path="/site/list",
    list_key="sites",
    add_path="/site/add",
    set_path="/site/set",
    delete_path="/site/delete",
)

SPEC = KindSpec(
    api=API,
    name="site",
    key="sites",
    title="site",
    model=Site,
    identity=("name",),
    nameable_unmanaged=True,
    references=(
        # satellites are one level deep (NESTED_SATELLITE_SITE): a parent has none itself
        Reference(
            ("parent",),
            "site",
            label="parent",
            cycle="site parent",
            forbid=(("parent", SET),),
        ),
    ),
)
