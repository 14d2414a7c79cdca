"""HL7 template: an HL7 message with replacement expressions (reports, ORMs)."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import Field

from ambraconf.kinds.apimap import ApiMap, Hook
from ambraconf.kinds.base import UUID_RE, Name, ObjectModel, Text
from ambraconf.kinds.codec import Names
from ambraconf.kinds.spec import KindSpec, Reference
from ambraconf.kinds.wiring import Api

CUSTOMFIELD_EXPRESSION = r"\{\$customfield_h\{'([^']+)'\}\}"
"""``{$customfield_h{'UUID_OF_CUSTOM_FIELD'}}`` (/hl7/template/add): the config writes the
custom field's name where the API has its uuid."""
NAMED_EXPRESSION = CUSTOMFIELD_EXPRESSION.replace("([^']+)", f"(?!{UUID_RE}')([^']+)")
"""The expressions that name a field; one holding a uuid names nothing and is sent as is."""


class Hl7Template(ObjectModel):
    """An HL7 template (``/hl7/template/add``); set re-sends name and body together."""

    name: Annotated[Name, Api(resend=True)]
    body: Text = Field(
        description="The HL7 message with replacement expressions; a custom field by name: "
        "{$customfield_h{'Referral Priority'}}."
    )


def _expressions(body: str, change: Any) -> str:
    """``body`` with the custom field of every ``{$customfield_h{'...'}}`` passed through
    ``change`` (a uuid or a name in, a name or a uuid out)."""

    def one(match: re.Match[str]) -> str:
        return "{$customfield_h{'" + change(match.group(1)) + "'}}"

    return re.sub(CUSTOMFIELD_EXPRESSION, one, body)


def _decode_body(raw: dict[str, Any], values: dict[str, Any], names: Names) -> None:
    """Custom fields by name; a uuid that names no field of the account stays the uuid."""
    if raw.get("body") is not None:
        values["body"] = _expressions(
            str(raw["body"]), lambda key: names.name("customfield", key) or key
        )


def _encode_body(desired: dict[str, Any], params: dict[str, str], names: Names) -> None:
    if desired.get("body") is not None:
        params["body"] = _expressions(
            str(desired["body"]),
            lambda key: key if re.fullmatch(UUID_RE, key) else names.uuid("customfield", key),
        )


API = ApiMap(
    list_path="/hl7/template/list",
    list_key="templates",
    add_path="/hl7/template/add",
    set_path="/hl7/template/set",
    delete_path="/hl7/template/delete",
    paged=False,
    hooks=(
        Hook(("body",), decode=_decode_body, encode=_encode_body, params=("body",), resend=True),
    ),
)


SPEC = KindSpec(
    api=API,
    name="hl7_template",
    key="hl7_templates",
    title="HL7 template",
    model=Hl7Template,
    identity=("name",),
    references=(
        Reference(
            ("body",),
            "customfield",
            where=(("object", "Study"),),
            pattern=NAMED_EXPRESSION,
            many=True,
            label="body custom field",
        ),
    ),
)
