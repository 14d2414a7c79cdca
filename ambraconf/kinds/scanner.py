"""Scanner: an imaging device at one of the account's sites (``/scanner/*``).

``/scanner/add`` takes the scanner's site (``site_id``) instead of the account, and nothing
reads it back: ``/scanner/get`` and ``/scanner/list`` do not return it, and a list filter
can only name fields the list returns. So ``site:`` (by name) is sent when the scanner is
created and never compared: moving a scanner in the files changes nothing live, and an
exported scanner has no ``site:``. For the same reason the model cannot require it (an
export could not be read back); a create without one is refused by the API
(``MISSING_FIELDS`` ``site_id``). ``validated_for`` (the trials a scanner was validated for,
``/group/scanner/validate``) is read-only: an unknown key, refused by validate.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from ambraconf.kinds.apimap import ApiMap, Hook
from ambraconf.kinds.base import Name, ObjectModel, Text
from ambraconf.kinds.codec import Names
from ambraconf.kinds.namespace import CUSTOMFIELD_VALUES
from ambraconf.kinds.spec import KEYS, KindSpec, Reference
from ambraconf.kinds.wiring import Api


class Scanner(ObjectModel):
    """A scanner (``/scanner/add``); its ``site`` is sent on add and never read back."""

    name: Annotated[Name, Api()]
    site: Name | None = Field(
        None,
        description="The site it is at, by name: sent when it is created, never compared "
        "(the API does not return it).",
    )
    modality: Annotated[Text | None, Api()] = None
    serial_no: Annotated[Text | None, Api()] = Field(None, description="Its serial number.")
    manufacturer: Annotated[Text | None, Api()] = None
    model: Annotated[Text | None, Api()] = None
    customfields: dict[str, Text] | None = Field(
        None, description="Scanner custom field values by custom field name."
    )


def _at_site(desired: dict[str, Any], names: Names, account_uuid: str) -> dict[str, str]:
    """A new scanner belongs to its site (and so to the site's account)."""
    site = desired.get("site")
    return {"site_id": names.uuid("site", site)} if site else {}


API = ApiMap(
    list_path="/scanner/list",
    list_key="scanners",
    add_path="/scanner/add",
    set_path="/scanner/set",
    delete_path="/scanner/delete",
    hooks=(
        CUSTOMFIELD_VALUES,
        Hook(("site",), scope=_at_site, params=("site_id",), add_only=True, compare=False),
    ),
)

SPEC = KindSpec(
    api=API,
    name="scanner",
    key="scanners",
    title="scanner",
    model=Scanner,
    identity=("name",),
    references=(
        Reference(("site",), "site"),
        Reference(
            ("customfields", KEYS),
            "customfield",
            where=(("object", "Scanner"),),
            label="custom field value",
        ),
    ),
)
