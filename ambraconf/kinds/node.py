"""Node: the settings of a gateway that exists (``/node/set``), never the gateway itself.

A node record works only once a gateway is installed with its uuid and serial number, so
ambraconf never creates or deletes one: the API map has no add and no delete, a node the
files describe that is not live fails the plan, and prune leaves nodes alone. What it
manages is what ``/node/set`` changes: the name, node-overridable account settings
(``null`` reverts one to the account's value, sent as ``__DELETE__``), the configuration
hash (merged: only the keys the files give), monitoring, facility details, category.
Destinations and webhooks may still name nodes no file describes (``nameable_unmanaged``).
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, model_validator

from ambraconf.kinds.apimap import ApiMap, Hook
from ambraconf.kinds.base import (
    AT_KEY,
    Flag,
    Integer,
    Name,
    ObjectModel,
    Problem,
    Text,
    checked_mapping,
    one_of,
    problem_error,
)
from ambraconf.kinds.codec import Names, json_text, parse_json_text
from ambraconf.kinds.settings import (
    decode_settings,
    node_overridable,
    overridden,
    settings_to_api,
)
from ambraconf.kinds.spec import KindSpec
from ambraconf.kinds.wiring import Api

REVERT = "__DELETE__"
"""/node/set: "Use the value __DELETE__ to delete a setting, it will then revert to the
account value of the setting"."""
CATEGORIES = ("ACTIVE", "INACTIVE", "MIGRATION", "TEST", "DUPLICATE", "INTEGRATED")
"""The categories /node/set takes (its add also lists ACCELERATOR, for accelerator nodes)."""
READ_ONLY = {
    "type": "set when the node is added, with the gateway",
    "os_type": "set when the node is added, with the gateway",
    "accelerator_id": "set when the node is added, with the gateway",
    "serial_no": "the gateway's serial number, read-only",
    "last_ping": "reported by the gateway, read-only",
    "has_access": "read-only",
    "account_id": "read-only: a node belongs to the account it is listed under",
    "storage_namespace_name": "read-only",
    "storage_namespace": "needs a sysadmin session (/node/set) and is not managed by ambraconf",
    "reload_configuration": "sent by ambraconf itself whenever it changes the configuration",
}
"""Fields of /node/get and /node/set that a config cannot set, and why (validate says so
where they are written, rather than "unknown key")."""
GATEWAY_REPORTED = frozenset({"os_version"})
"""Configuration keys the gateway reports about itself: Ambra's own cloner skips
``configuration.os_version``, so neither read nor written."""


NodeSettings = Annotated[
    dict[str, Any],
    overridden(node_overridable, "by a node", api_error="NO_NODE_OVERRIDE", revertible=True),
]
"""``settings:`` of a node: node-overridable settings; null reverts one to the account's."""


def _check_configuration(values: dict[str, Any]) -> dict[str, Any]:
    """Any keys of the gateway's hash but those the gateway reports about itself."""
    problems: list[Problem] = [
        ((key,), f"configuration.{key} is reported by the gateway, read-only", AT_KEY)
        for key in values
        if key in GATEWAY_REPORTED
    ]
    if problems:
        raise problem_error(problems, "configuration")
    return values


Configuration = Annotated[
    dict[str, Any],
    checked_mapping(_check_configuration, {"type": "object"}),
]


class Node(ObjectModel):
    """A gateway node's settings (``/node/set``); the node must exist live."""

    name: Annotated[Name, Api()]
    settings: NodeSettings | None = Field(
        None, description="Node-overridable account settings; null reverts to the account's."
    )
    configuration: Configuration | None = Field(
        None,
        description="The gateway's configuration keys to set (merged: others are left "
        "alone); the gateway is told to reload it when it changes.",
    )
    monitor_study_create: Annotated[Flag | None, Api()] = Field(
        None, description="Notify when the node stops sending studies normally."
    )
    monitor_study_create_threshold: Annotated[Integer | None, Api()] = Field(
        None, ge=0, description="Minutes."
    )
    monitor_node_ping: Annotated[Flag | None, Api()] = Field(
        None, description="Notify when the node stops pinging."
    )
    monitor_node_slow_push: Annotated[Flag | None, Api()] = Field(
        None, description="Notify when the node pushes slowly."
    )
    monitor_node_slow_push_threshold: Annotated[Integer | None, Api()] = Field(
        None, ge=0, description="Minutes."
    )
    monitor_node_last_send: Annotated[Flag | None, Api()] = Field(
        None, description="Notify when the node has not sent a study recently."
    )
    monitor_node_last_send_threshold: Annotated[Integer | None, Api()] = Field(
        None, ge=0, description="Minutes."
    )
    monitor_email: Annotated[Text | None, Api()] = Field(
        None, description="Address(es) monitor failure notices go to."
    )
    warning_email: Annotated[Text | None, Api()] = Field(
        None, description="Address(es) warning notices go to."
    )
    facility_name: Annotated[Text | None, Api()] = None
    facility_zip: Annotated[Text | None, Api()] = None
    facility_contact: Annotated[Text | None, Api()] = None
    facility_contact_title: Annotated[Text | None, Api()] = None
    facility_email: Annotated[Text | None, Api()] = None
    facility_notes: Annotated[Text | None, Api()] = None
    category: Annotated[Annotated[str, one_of(CATEGORIES, "node category")] | None, Api()] = None
    is_public: Annotated[Flag | None, Api()] = None
    ctc_bucket: Annotated[Text | None, Api()] = Field(
        None, description="S3 bucket of a cloud to cloud gateway."
    )

    @model_validator(mode="before")
    @classmethod
    def _read_only(cls, data: Any) -> Any:
        """Fields the API reports or takes only at add (or from a sysadmin), each named
        where it is written, with the reason."""
        if isinstance(data, dict):
            problems: list[Problem] = [
                ((key,), f"'{key}' cannot be set here: {why}", AT_KEY)
                for key, why in READ_ONLY.items()
                if key in data
            ]
            if problems:
                raise problem_error(problems, "node")
        return data


def _encode_settings(desired: dict[str, Any], params: dict[str, str], names: Names) -> None:
    settings = desired.get("settings")
    if settings is None:
        return
    kept = settings_to_api({k: v for k, v in settings.items() if v is not None}, names)
    params["settings"] = json_text(
        {**kept, **{k: REVERT for k, v in settings.items() if v is None}}
    )


def _decode_configuration(raw: dict[str, Any], values: dict[str, Any], names: Names) -> None:
    configuration = parse_json_text(raw.get("configuration"))
    if isinstance(configuration, dict):
        values["configuration"] = {
            k: v for k, v in configuration.items() if k not in GATEWAY_REPORTED
        }


def _encode_configuration(desired: dict[str, Any], params: dict[str, str], names: Names) -> None:
    configuration = desired.get("configuration")
    if configuration is not None:
        params["configuration"] = json_text(configuration)
        # a changed configuration only takes effect once the gateway reloads it
        params["reload_configuration"] = "1"


API = ApiMap(
    list_path="/node/list",
    list_key="nodes",
    # a node is made by installing a gateway: never added or deleted here
    add_path="",
    set_path="/node/set",
    delete_path="",
    merged_hashes=frozenset({"settings", "configuration"}),
    hooks=(
        Hook(
            ("settings",),
            decode=decode_settings,
            encode=_encode_settings,
            params=("settings",),
        ),
        Hook(
            ("configuration",),
            decode=_decode_configuration,
            encode=_encode_configuration,
            params=("configuration", "reload_configuration"),
        ),
    ),
)

SPEC = KindSpec(
    api=API,
    name="node",
    key="nodes",
    title="node",
    model=Node,
    identity=("name",),
    nameable_unmanaged=True,
)
