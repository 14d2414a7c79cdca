"""HL7 template: an HL7 message with replacement expressions (reports, ORMs)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from ambraconf.kinds.apimap import ApiMap
from ambraconf.kinds.base import Name, ObjectModel, Text
from ambraconf.kinds.spec import KindSpec
from ambraconf.kinds.wiring import Api


class Hl7Template(ObjectModel):
    """An HL7 template (``/hl7/template/add``); set re-sends name and body together."""

    name: Annotated[Name, Api(resend=True)]
    body: Annotated[Text, Api(resend=True)] = Field(
        description="The HL7 message with replacement expressions."
    )


API = ApiMap(
    list_path="/hl7/template/list",
    list_key="templates",
    add_path="/hl7/template/add",
    set_path="/hl7/template/set",
    delete_path="/hl7/template/delete",
    paged=False,
)


SPEC = KindSpec(
    api=API,
    name="hl7_template",
    key="hl7_templates",
    title="HL7 template",
    model=Hl7Template,
    identity=("name",),
)
