"""Terminology overrides: a tag's value in a language, for an account, a vanity, or everyone.

``/terminology/set`` is an upsert keyed by (owner, tag, language): ``tag`` and ``language``
are required (MISSING_FIELDS), ``value`` must be passed (NO_VALUE) and, empty, deletes the
tag. The owner is ``account_id`` (NOT_FOUND; NOT_PERMITTED without account_edit), else
``vanity`` (an account's vanity: NOT_FOUND when none has it), else none: a global tag, which
only a sysadmin may set (NOT_SYSADMIN_OR_SUPPORT). ``/terminology/account/overrides`` lists
the overrides of one account or vanity (NOT_FOUND), unpaged, with the value as ``val``;
without either it lists the global ones. Overrides of a study triplet are not emulated. The
documentation names no permission for the read beyond "an account administrator": the sandbox
asks for account_edit, as the set does.
"""

from __future__ import annotations

from typing import Any

from ambraconf.sandbox.context import Call
from ambraconf.sandbox.protocol import ApiError, csv_items
from ambraconf.sandbox.schema import Endpoint, Field, Kind, Seeding
from ambraconf.sandbox.store import Row

KIND = "terminology"


def _owner(call: Call) -> tuple[Row | None, str]:
    """The account an override belongs to and the vanity it is for ("" for the account's
    own); no account for a global tag."""
    params = call.params
    if params.filled("account_id"):
        account = call.lookup("account", params.get("account_id"))
        if account is None:
            raise ApiError("NOT_FOUND", "account_id")
        return account, ""
    if params.filled("vanity"):
        vanity = str(params.get("vanity")).lower()
        for account in call.store.rows("account"):
            if vanity in {v.lower() for v in csv_items(account.doc.get("vanity") or "")}:
                return account, vanity
        raise ApiError("NOT_FOUND", "vanity")
    return None, ""


def _overrides(call: Call, account: Row | None, vanity: str) -> list[Row]:
    rows = call.store.rows(KIND, account_id=account.uuid if account else None)
    if account is None:
        rows = [r for r in rows if r.account_id is None]
    return [r for r in rows if (r.doc.get("vanity") or "") == vanity]


def set_tag(call: Call) -> dict[str, Any]:
    """/terminology/set: add, change or (empty value) delete one override."""
    call.params.require("tag", "language")
    if "value" not in call.params:
        raise ApiError("NO_VALUE")
    account, vanity = _owner(call)
    if account is None:
        call.require_sysadmin()
    else:
        call.require(account.uuid, "account_edit")
    tag, language = call.params.text("tag"), call.params.text("language")
    value = call.params.text("value")
    found = [
        r
        for r in _overrides(call, account, vanity)
        if r.doc.get("tag") == tag and r.doc.get("language") == language
    ]
    if not value:
        for row in found:
            call.store.delete(row.uuid)
    elif found:
        found[0].doc["value"] = value
        call.store.update(found[0])
    else:
        doc = {"tag": tag, "language": language, "value": value, "vanity": vanity}
        call.store.insert(KIND, doc, account_id=account.uuid if account else None)
    return {}


def overrides(call: Call) -> dict[str, Any]:
    """/terminology/account/overrides: every override of the owner, value as ``val``."""
    account, vanity = _owner(call)
    if account is not None:
        call.require(account.uuid, "account_edit")
    return {
        "tags": [
            {
                "tag": r.doc.get("tag"),
                "val": r.doc.get("value"),
                "language": r.doc.get("language"),
                "vanity": r.doc.get("vanity") or None,
            }
            for r in _overrides(call, account, vanity)
        ]
    }


TERMINOLOGY = Kind(
    KIND,
    "/terminology",
    "tags",
    [Field("tag"), Field("language"), Field("value"), Field("vanity")],
    paged=False,
    endpoints=(),
    extra={"set": Endpoint(set_tag), "account/overrides": Endpoint(overrides, list_key="tags")},
    seed=Seeding("terminology", verb="set"),
)
