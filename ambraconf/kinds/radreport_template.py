"""Radreport template: a structured radiology report form (sysadmin or support only)."""

from __future__ import annotations

from pydantic import Field

from ambraconf.kinds.base import JsonObject, Name, ObjectModel, Text
from ambraconf.kinds.codec import ApiMap
from ambraconf.kinds.codec import Field as CodecField
from ambraconf.kinds.spec import KindSpec


class RadreportTemplate(ObjectModel):
    """A radreport template (``/radreport/template/add``), identified by type and name."""

    type: Name = Field(description="Type of radreport.")
    name: Name
    body: Text = Field(description="Body of the template.")
    preview: Text | None = None
    options: JsonObject | None = None


API = ApiMap(
    list_path="/radreport/template/list",
    list_key="templates",
    add_path="/radreport/template/add",
    set_path="/radreport/template/set",
    delete_path="/radreport/template/delete",
    fields=(
        CodecField("type"),
        CodecField("name"),
        CodecField("body"),
        CodecField("preview"),
        CodecField("options", "json"),
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
