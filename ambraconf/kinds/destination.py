"""Destination: where routes push studies and HL7 (``/destination/*``), on a gateway node.

A destination lives on a node that already exists (``node:`` by name; ambraconf never
creates nodes). Routes may also name destinations no file defines, tied to gateways someone
else manages: the kind is ``nameable_unmanaged``, so those resolve from live state at plan
time. LINKED destinations (sysadmin only, on a VIRTUAL node, pointing into another account)
are not ambraconf's to make: the type is refused by validate, and live ones are left alone.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, model_validator

from ambraconf.facts import DESTINATION_TYPES
from ambraconf.kinds.apimap import ApiMap
from ambraconf.kinds.base import (
    AeTitle,
    Flag,
    Integer,
    Model,
    Name,
    ObjectModel,
    Problem,
    Text,
    one_of,
    problem_error,
)
from ambraconf.kinds.route import Schedule
from ambraconf.kinds.spec import ANY, KindSpec, Reference
from ambraconf.kinds.wiring import Api

DEFAULT_TYPE = "DICOM"
"""/destination/add: the type "Defaults to DICOM"."""
LINKED = "LINKED"
TYPES = sorted(DESTINATION_TYPES - {LINKED})
REQUIRED_BY_TYPE = {
    "DICOM": ("aetitle", "address", "port"),
    "FOLDER": ("path",),
    "DISTRIBUTING": ("distributed_destinations",),
    "VIRTUAL": ("hl7_address", "hl7_port"),
}
"""What /destination/add says each type needs: "(required if DICOM type)", "(required if
FOLDER type)", "(optional except for VIRTUAL destinations)", and the round robin list that
is the point of a DISTRIBUTING one."""
QUERY_LEVELS = ("study", "series", "image")


class CdBurnInfo(Model):
    """``cd_burn_info``: label templates (Text::Template, e.g. ``{$patient_name}``)."""

    labels_single: list[Text] | None = Field(None, description="Labels of a one-study burn.")
    labels_multi: list[Text] | None = Field(None, description="Labels of a several-study burn.")


class Destination(ObjectModel):
    """A destination (``/destination/add``); ``type`` is add-only: a change is a replace."""

    name: Annotated[Name, Api()]
    node: Annotated[Name, Api("node_id", ref="node")] = Field(
        description="The gateway node that handles it, by name; it must exist."
    )
    type: Annotated[
        Annotated[str, one_of(TYPES, "destination type")] | None, Api(add_only=True)
    ] = Field(
        None, description="DICOM when left out; set only at creation (a change is a replace)."
    )
    aetitle: Annotated[AeTitle | None, Api()] = Field(None, description="Unique per node.")
    address: Annotated[Text | None, Api()] = None
    port: Annotated[Integer | None, Api()] = Field(None, ge=1, le=65535)
    path: Annotated[Text | None, Api()] = Field(None, description="The folder of a FOLDER one.")
    distributed_destinations: Annotated[
        list[Name] | None, Api(codec="refs_json", ref="destination")
    ] = Field(None, description="Destinations a DISTRIBUTING one hands requests to, round robin.")
    can_query_retrieve: Annotated[Flag | None, Api()] = None
    can_retrieve_thin: Annotated[Flag | None, Api()] = None
    can_search: Annotated[Flag | None, Api()] = None
    can_search_mwl: Annotated[Flag | None, Api()] = None
    can_push_hl7: Annotated[Flag | None, Api()] = None
    sqlch_psh_if_img_unchg: Annotated[Flag | None, Api()] = None
    sqlch_psh_if_route_hl7: Annotated[Flag | None, Api()] = None
    hl7_address: Annotated[Text | None, Api()] = None
    hl7_port: Annotated[Integer | None, Api()] = Field(None, ge=1, le=65535)
    c_echo_interval: Annotated[Integer | None, Api()] = Field(None, ge=0, description="Seconds.")
    c_echo_schedule: Annotated[Schedule | None, Api()] = None
    fire_webhooks: Annotated[Flag | None, Api()] = None
    default_query_retrieve_level: Annotated[
        Annotated[str, one_of(QUERY_LEVELS, "query retrieve level")] | None, Api()
    ] = None
    push_related_studies: Annotated[Flag | None, Api()] = None
    gateway_settings: Annotated[Text | None, Api()] = None
    cd_burn_info: Annotated[CdBurnInfo | None, Api()] = None
    cd_burn_name: Annotated[Text | None, Api()] = None
    cd_burn_priority: Annotated[Integer | None, Api()] = None
    sort_order: Annotated[Integer | None, Api()] = None
    hl7_fetch_filter: Annotated[Text | None, Api()] = None
    manual_push_roles: Annotated[list[Name] | None, Api(codec="refs_csv", ref="role")] = Field(
        None, description="Roles one of which a user needs to push to it by hand."
    )
    ui_json: Annotated[dict[str, Any] | None, Api()] = None

    @model_validator(mode="before")
    @classmethod
    def _not_linked(cls, data: Any) -> Any:
        """A LINKED destination "can only be created by a sysadmin and must be attached to a
        VIRTUAL node", into another account: name it from routes, do not define it."""
        if isinstance(data, dict) and data.get("type") == LINKED:
            message = (
                "LINKED destinations are made by a sysadmin on a VIRTUAL node; "
                "routes may name one without a definition here"
            )
            raise problem_error([(("type",), message)], "destination")
        return data

    @model_validator(mode="after")
    def _required_by_type(self) -> Destination:
        """The fields /destination/add requires for the type, reported where it is written."""
        kind = self.type or DEFAULT_TYPE
        missing = [f for f in REQUIRED_BY_TYPE.get(kind, ()) if getattr(self, f) in (None, [])]
        if missing:
            where: Problem = (
                ("type",) if self.type else (),
                f"a {kind} destination needs {', '.join(missing)}",
            )
            raise problem_error([where], "destination")
        return self


API = ApiMap(
    list_path="/destination/list",
    list_key="destinations",
    add_path="/destination/add",
    set_path="/destination/set",
    delete_path="/destination/delete",
)

SPEC = KindSpec(
    api=API,
    name="destination",
    key="destinations",
    title="destination",
    model=Destination,
    identity=("name",),
    nameable_unmanaged=True,
    system_types=frozenset({LINKED}),
    defaults={"type": DEFAULT_TYPE, "default_query_retrieve_level": "study"},
    references=(
        Reference(("node",), "node"),
        Reference(("manual_push_roles", ANY), "role", label="manual_push_roles role"),
        Reference(
            ("distributed_destinations", ANY), "destination", label="distributed destination"
        ),
    ),
)
