"""Scanners: the imaging devices of a clinical-trial account, each at one of its sites.

``/scanner/add`` takes the ``site_id`` the scanner belongs to instead of an account (the
site must exist: NOT_FOUND, subtype ``site``, and the caller needs scanner_add in its
account); ``/scanner/set`` does not take it, and neither get nor list returns it (the
data dictionary keeps it; the documented replies do not), so it is stored and never shown.
Custom field values are ``customfield-<UUID>`` of the account's Scanner fields, returned as
a ``customfields`` array. ``validated_for`` lists the trials (groups) the scanner was
validated for by ``/group/scanner/validate``, which is not emulated: it is always empty.
"""

from __future__ import annotations

from typing import Any

from ambraconf.sandbox.context import Call
from ambraconf.sandbox.protocol import ApiError
from ambraconf.sandbox.schema import NO, REQUIRED, Field, Kind, Ref, Seeding
from ambraconf.sandbox.store import Row


def site_scope(call: Call) -> tuple[Row, dict[str, Any]]:
    """A scanner is added to a site, and so to the site's account."""
    site = call.lookup("site", call.params.get("site_id"))
    if site is None:
        raise ApiError("NOT_FOUND", "site")
    account = call.lookup("account", site.account_id)
    if account is None:
        raise ApiError("NOT_FOUND", "site")
    return account, {}


def present(call: Call, row: Row, out: dict[str, Any]) -> None:
    out["validated_for"] = []


SCANNER = Kind(
    "scanner",
    "/scanner",
    "scanners",
    [
        Field("site_id", set=NO, hidden=True),  # required: the add scope
        Field("name", add=REQUIRED, ci=True),
        Field("modality"),
        Field("serial_no"),
        Field("manufacturer"),
        Field("model"),
    ],
    readonly=("validated_for",),
    customfield_object="Scanner",
    scope_params=("site_id",),
    add_scope=site_scope,
    present=present,
    seed=Seeding("scanners", refs={"site": Ref("site_id", "site")}),
)
