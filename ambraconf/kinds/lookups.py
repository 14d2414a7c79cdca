"""Kinds ambraconf does not manage but lets a config name: resolved from live state.

A webhook runs as an account user; a group may name a site.
Those objects are read (name and uuid only) so the names in the config resolve, and a
plan fails clearly when one does not exist.
"""

from __future__ import annotations

from ambraconf.kinds.apimap import ApiMap


def lookup(
    path: str,
    key: str,
    *,
    scope_param: str = "account_id",
    name_field: str = "name",
    uuid_field: str = "uuid",
) -> ApiMap:
    """A read-only list used only to turn names into uuids."""
    return ApiMap(
        list_path=f"/{path}/list",
        list_key=key,
        add_path="",
        set_path="",
        delete_path="",
        scope_param=scope_param,
        name_field=name_field,
        uuid_field=uuid_field,
    )


LOOKUPS: dict[str, ApiMap] = {
    "site": lookup("site", "sites"),
    "user": lookup(
        "account/user", "users", scope_param="uuid", name_field="user_email", uuid_field="user_id"
    ),
}
