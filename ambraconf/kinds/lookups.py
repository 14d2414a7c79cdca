"""Kinds ambraconf does not manage but lets a config name: resolved from live state.

A group may name a site.
Those objects are read (name and uuid only) so the names in the config resolve, and a
plan fails clearly when one does not exist.
"""

from __future__ import annotations

from ambraconf.kinds.apimap import ApiMap


def lookup(path: str, key: str) -> ApiMap:
    """A read-only list of an account's objects, used only to turn names into uuids."""
    return ApiMap(list_path=f"/{path}/list", list_key=key, add_path="", set_path="", delete_path="")


LOOKUPS: dict[str, ApiMap] = {
    "site": lookup("site", "sites"),
}
