"""Radreport template: a structured radiology report form (sysadmin or support only)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, field_validator

from ambraconf.kinds.apimap import ApiMap, Hook
from ambraconf.kinds.base import Flag, JsonObject, Name, ObjectModel, Text, fail
from ambraconf.kinds.codec import Names, as_flag
from ambraconf.kinds.spec import KindSpec
from ambraconf.kinds.wiring import Api


class RadreportTemplate(ObjectModel):
    """A radreport template (``/radreport/template/add``), identified by type and name."""

    type: Annotated[Name, Api()] = Field(description="Type of radreport.")
    name: Annotated[Name, Api()]
    body: Annotated[Text, Api()] = Field(description="Body of the template.")
    preview: Annotated[Text | None, Api()] = None
    options: Annotated[JsonObject | None, Api()] = None
    active: Flag | None = Field(
        None,
        description="Make it the active template of its type (the API then deactivates the "
        "others of that type). Only true: a template is deactivated by activating another.",
    )

    @field_validator("active")
    @classmethod
    def _only_true(cls, value: bool | None) -> bool | None:
        if value is False:
            raise fail(
                "only 'active: true' can be applied: the API deactivates a template when "
                "another of its type is activated; leave 'active' out instead"
            )
        return value


def _decode_active(raw: dict[str, Any], values: dict[str, Any], names: Names) -> None:
    if "active" in raw:
        values["active"] = as_flag(raw["active"])


def _activate(
    desired: dict[str, Any], raw: dict[str, Any], uuid: str, names: Names
) -> list[tuple[str, dict[str, str]]]:
    """``active`` is not a field add or set take: ``/radreport/template/activate`` sets it."""
    if desired.get("active") and not as_flag(raw.get("active")):
        return [("/radreport/template/activate", {"uuid": uuid})]
    return []


API = ApiMap(
    list_path="/radreport/template/list",
    list_key="templates",
    add_path="/radreport/template/add",
    set_path="/radreport/template/set",
    delete_path="/radreport/template/delete",
    hooks=(
        Hook(
            ("active",),
            decode=_decode_active,
            after_write=_activate,
            paths=("/radreport/template/activate",),
        ),
    ),
)


SPEC = KindSpec(
    api=API,
    name="radreport_template",
    key="radreport_templates",
    title="radreport template",
    model=RadreportTemplate,
    identity=("type", "name"),
)
