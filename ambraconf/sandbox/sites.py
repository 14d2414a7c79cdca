"""Sites: the places of a clinical-trial account, a site possibly a satellite of another.

From ``/site/add`` and ``/set``: ``site_id`` attaches the site to another as a satellite;
that site must exist (NOT_FOUND, subtype ``site``) in the same account
(DIFFERENT_ACCOUNTS), and satellites are one level deep (NESTED_SATELLITE_SITE): the
documentation's "the satellite site has its satellite sites" is read as both a site with
satellites of its own becoming one, and a satellite taken as a parent (itself included).
An empty ``site_id`` on set detaches it. ``inactive`` only set takes. Get adds
``satellite_sites`` and ``trials`` (the groups naming the site, with their
``site_inactive`` and ``site_qualified`` flags) and ``account_id``.
"""

from __future__ import annotations

from typing import Any

from ambraconf.sandbox.context import Call
from ambraconf.sandbox.protocol import ApiError
from ambraconf.sandbox.schema import NO, REQUIRED, Field, Kind, Ref, Seeding
from ambraconf.sandbox.store import Row


def check(call: Call, kind: Kind, doc: dict[str, Any], old: Row | None, account: Row) -> None:
    """The parent rules of add and set, on the resulting site."""
    parent_id = doc.get("site_id")
    if not parent_id:
        return
    parent = call.lookup("site", parent_id)
    if parent is None:
        raise ApiError("NOT_FOUND", "site")
    if parent.account_id != account.uuid:
        raise ApiError("DIFFERENT_ACCOUNTS")
    has_satellites = old is not None and bool(call.store.find("site", "site_id", old.uuid))
    if parent.doc.get("site_id") or has_satellites or (old and parent.uuid == old.uuid):
        raise ApiError("NESTED_SATELLITE_SITE")


def present(call: Call, row: Row, out: dict[str, Any]) -> None:
    """The read-only fields of /site/get: the account, satellites and trials."""
    out["account_id"] = row.account_id
    out["site_id"] = row.doc.get("site_id") or None
    out["satellite_sites"] = [
        {"uuid": s.uuid, "name": s.doc.get("name")}
        for s in call.store.find("site", "site_id", row.uuid)
    ]
    out["trials"] = [_trial(call, group) for group in call.store.find("group", "site_id", row.uuid)]


def _trial(call: Call, group: Row) -> dict[str, Any]:
    account = call.lookup("account", group.account_id)
    return {
        "uuid": group.uuid,
        "name": group.doc.get("name"),
        "account_name": account.doc.get("name") if account else None,
        "inactive": group.doc.get("site_inactive") or 0,
        "qualified": group.doc.get("site_qualified") or 0,
    }


SITE = Kind(
    "site",
    "/site",
    "sites",
    [
        Field("name", add=REQUIRED, ci=True),
        Field("site_id"),
        Field("country"),
        Field("state"),
        Field("zip"),
        Field("city"),
        Field("address1"),
        Field("address2"),
        Field("inactive", "flag", add=NO, default=0),
    ],
    readonly=("account_id", "satellite_sites", "trials"),
    seed=Seeding("sites", refs={"parent": Ref("site_id", "site")}),
    check=check,
    present=present,
)
