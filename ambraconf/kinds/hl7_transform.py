"""HL7 transform: a rewrite of the account's inbound HL7 messages, run lowest order_by first.

Conditions and replacements are lists of mappings keyed by HL7 field specifiers
(``PID_1``, ``OBX-3_7_4``); their values are regular expressions and Text::Template
expressions, kept as the text the config writes: only the list itself travels as JSON,
so a value that happens to look like JSON is never parsed or re-encoded.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import Field

from ambraconf.kinds.apimap import ApiMap
from ambraconf.kinds.base import (
    AT_KEY,
    Integer,
    Name,
    ObjectModel,
    Problem,
    checked_mapping,
    describe,
    problem_error,
)
from ambraconf.kinds.spec import KindSpec
from ambraconf.kinds.wiring import Api

FIELD_SPECIFIER = r"[A-Z][A-Z0-9]{2}(-[1-9][0-9]*)?_[1-9][0-9]*(_[1-9][0-9]*)?"
"""``/hl7/transform/add``: SEGMENT_FIELD or SEGMENT_FIELD_COMPONENT, one-based positions,
the segment with an optional positional qualifier (``OBX-3``)."""
_SPECIFIER = re.compile(FIELD_SPECIFIER)


def _hl7_fields(what: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """The check of a mapping of HL7 field specifiers to text (a condition, a replacement).

    The API refuses a bad one (INVALID_CONDITION, INVALID_REPLACEMENT); validate says
    which key or value is wrong, where it is written.
    """

    def check(value: dict[str, Any]) -> dict[str, Any]:
        problems: list[Problem] = []
        if not value:
            problems.append(((), f"a {what} names no HL7 field (e.g. PID_1)"))
        result: dict[str, str] = {}
        for key, text in value.items():
            if not _SPECIFIER.fullmatch(str(key)):
                problems.append(
                    (
                        (key,),
                        f"'{key}' is not an HL7 field: write SEGMENT_FIELD or "
                        "SEGMENT_FIELD_COMPONENT, e.g. PID_1 or OBX-3_7_4",
                        AT_KEY,
                    )
                )
            elif isinstance(text, bool) or not isinstance(text, str | int | float):
                problems.append(((key,), f"expected text, got {describe(text)}"))
            else:
                result[str(key)] = str(text)
        if problems:
            raise problem_error(problems, what)
        return result

    return check


_FIELDS_SCHEMA = {
    "type": "object",
    "minProperties": 1,
    "propertyNames": {"pattern": f"^{FIELD_SPECIFIER}$"},
    "additionalProperties": {"type": "string"},
}
Condition = Annotated[dict[str, str], checked_mapping(_hl7_fields("condition"), _FIELDS_SCHEMA)]
"""HL7 field to the regular expression its value must match (``{PID_1: /^jane/}``)."""
Replacement = Annotated[dict[str, str], checked_mapping(_hl7_fields("replacement"), _FIELDS_SCHEMA)]
"""HL7 field to the Text::Template expression that becomes its value."""


RESEND = Api(resend=True)
"""``/hl7/transform/set`` requires every field: each goes with every set, changed or not."""


class Hl7Transform(ObjectModel):
    """An HL7 transform (``/hl7/transform/add``); add and set both take every field."""

    name: Annotated[Name, RESEND]
    order_by: Annotated[Integer, RESEND] = Field(
        description="Run order, lowest first; unique in the account (DUPLICATE_ORDER_BY)."
    )
    # At least one item each: export leaves empty lists out, and both fields are required,
    # so an empty one could not be exported and read back.
    conditions: Annotated[list[Condition], Api(codec="json", resend=True)] = Field(
        min_length=1,
        description='All must match: HL7 field to a regular expression, e.g. {PID_1: "/^jane/"}.',
    )
    replacements: Annotated[list[Replacement], Api(codec="json", resend=True)] = Field(
        min_length=1,
        description="HL7 field to a Text::Template expression, e.g. {PID_1: 'XXX-{$OBX-3_7_4}'}.",
    )


API = ApiMap(
    list_path="/hl7/transform/list",
    list_key="transforms",
    add_path="/hl7/transform/add",
    set_path="/hl7/transform/set",
    delete_path="/hl7/transform/delete",
)


SPEC = KindSpec(
    api=API,
    name="hl7_transform",
    key="hl7_transforms",
    title="HL7 transform",
    model=Hl7Transform,
    identity=("name",),
    unique=("order_by",),
)
