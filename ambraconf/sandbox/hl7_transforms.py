"""HL7 transforms: rewrites of an account's inbound HL7 messages, run in ``order_by`` order.

From ``/hl7/transform/add`` and ``/set``: add and set both require every field;
``order_by`` is unique in the account (DUPLICATE_ORDER_BY); conditions and replacements
are JSON arrays (NOT_LIST) of hashes keyed by HL7 field specifiers, a condition's values
regular expressions (INVALID_CONDITION) and a replacement's Text::Template expressions
(INVALID_REPLACEMENT). Their values are stored as the text given.
"""

from __future__ import annotations

import re
from typing import Any

from ambraconf.sandbox.context import Call
from ambraconf.sandbox.protocol import ApiError
from ambraconf.sandbox.schema import REQUIRED, Field, Kind, Seeding
from ambraconf.sandbox.store import Row

# "SEGMENT_FIELD or SEGMENT_FIELD_COMPONENT where field and component are the numeric
# positions (one based) ... and SEGMENT is the name with an optional positional qualifier"
SPECIFIER = re.compile(r"[A-Z][A-Z0-9]{2}(-[1-9][0-9]*)?_[1-9][0-9]*(_[1-9][0-9]*)?")
# The documented example writes a condition's regexp Perl-style: /^jane/ (flags after).
DELIMITED = re.compile(r"/(.*)/([a-z]*)", re.DOTALL)
LISTS = (("conditions", "INVALID_CONDITION"), ("replacements", "INVALID_REPLACEMENT"))


def check(call: Call, kind: Kind, doc: dict[str, Any], old: Row | None, account: Row) -> None:
    """The documented errors of add and set, on the resulting transform."""
    for name, error in LISTS:
        items = doc[name]
        if not isinstance(items, list):
            raise ApiError("NOT_LIST", name)
        for item in items:
            why = _fields_problem(item)
            if why is None and name == "conditions":
                why = _regexp_problem(item)
            if why is not None:
                raise ApiError(error, why)
    for other in call.store.find(kind.name, "order_by", doc["order_by"], account_id=account.uuid):
        if old is None or other.uuid != old.uuid:
            raise ApiError("DUPLICATE_ORDER_BY", doc["order_by"])


def _fields_problem(item: Any) -> str | None:
    """Why one condition or replacement is not a hash of HL7 fields to text (None: it is)."""
    if not isinstance(item, dict) or not item:
        return "not a hash of HL7 fields"
    for field, value in item.items():
        if not SPECIFIER.fullmatch(field):
            return f"{field}: not an HL7 field specifier"
        if not isinstance(value, str):
            return f"{field}: not text"
    return None


def _regexp_problem(condition: dict[str, str]) -> str | None:
    for field, value in condition.items():
        delimited = DELIMITED.fullmatch(value)
        try:
            re.compile(delimited.group(1) if delimited else value)
        except re.error:
            return f"{field}: not a regular expression"
    return None


HL7_TRANSFORM = Kind(
    "hl7_transform",
    "/hl7/transform",
    "transforms",
    [
        Field("name", add=REQUIRED, set=REQUIRED, ci=True),
        Field("order_by", "int", add=REQUIRED, set=REQUIRED),
        Field("conditions", "json", add=REQUIRED, set=REQUIRED),
        Field("replacements", "json", add=REQUIRED, set=REQUIRED),
    ],
    seed=Seeding("hl7_transforms"),
    check=check,
)
