"""Validation rules (``/validate/*``): DICOM tag conditions, and the in-use guard.

Routes name a rule in a condition's left value, ``validate-<UUID>``; a rule a route
names cannot be deleted (``IN_USE``). Studies are not emulated, so rules never score one.
"""

from __future__ import annotations

import re
from typing import Any

from ambraconf.sandbox.context import Call
from ambraconf.sandbox.protocol import ApiError
from ambraconf.sandbox.schema import REQUIRED, Field, Kind, Seeding
from ambraconf.sandbox.store import Row

TAG = re.compile(r"\([0-9A-F]{4},[0-9A-F]{4}\)")
CHECKS = frozenset({"exists", "not_empty", "match", "not_match", "unique", "identical"})
REGEXP_CHECKS = frozenset({"match", "not_match"})
RANGE_CHECKS = frozenset({"unique", "identical"})
RANGES = frozenset({"study", "series"})
MAX_REGEXP_CONDITIONS = 10


def check(call: Call, kind: Kind, doc: dict[str, Any], old: Row | None, account: Row) -> None:
    """The documented condition format; INVALID_CONDITION's subtype says what is wrong."""
    conditions = doc.get("conditions")
    if not isinstance(conditions, list):
        raise ApiError("INVALID_CONDITION", "conditions must be a JSON list")
    for condition in conditions:
        _check_condition(condition)
    regexps = sum(1 for c in conditions if c["check"] in REGEXP_CHECKS)
    if regexps > MAX_REGEXP_CONDITIONS:
        raise ApiError(
            "INVALID_CONDITION",
            f"more than {MAX_REGEXP_CONDITIONS} regular expression conditions ({regexps})",
        )


def _check_condition(condition: Any) -> None:
    """A tag in (XXXX,XXXX) format, a documented check, and what that check works on: a
    regexp for match and not_match, a range (study or series) for unique and identical
    (the documentation gives neither a default)."""
    if not isinstance(condition, dict):
        raise ApiError("INVALID_CONDITION", f"not an object: {condition!r}")
    tag, kind = condition.get("tag"), condition.get("check")
    if not isinstance(tag, str) or not TAG.fullmatch(tag):
        raise ApiError("INVALID_CONDITION", f"tag: not a DICOM tag (XXXX,XXXX): {tag!r}")
    if kind not in CHECKS:
        raise ApiError("INVALID_CONDITION", f"check: unknown check {kind!r}")
    regexp = condition.get("regexp")
    if kind in REGEXP_CHECKS and not (isinstance(regexp, str) and regexp):
        raise ApiError("INVALID_CONDITION", f"regexp: {kind} needs a regular expression")
    given = condition.get("range")
    if (kind in RANGE_CHECKS or given not in (None, "")) and given not in RANGES:
        raise ApiError("INVALID_CONDITION", f"range: study or series, not {given!r}")


def before_delete(call: Call, row: Row) -> None:
    """IN_USE while a routing rule's condition names the rule (the subtype lists them)."""
    lv = f"validate-{row.uuid}"
    users = [
        route.uuid
        for route in call.store.rows("route", account_id=row.account_id)
        if any(isinstance(c, dict) and c.get("lv") == lv for c in route.doc.get("conditions") or [])
    ]
    if users:
        raise ApiError("IN_USE", users)


VALIDATE = Kind(
    "validate",
    "/validate",
    "validates",
    [
        Field("name", add=REQUIRED, set=REQUIRED, ci=True),
        Field("conditions", "json", add=REQUIRED, set=REQUIRED, default=[]),
    ],
    seed=Seeding("validation_rules"),
    check=check,
    before_delete=before_delete,
)
