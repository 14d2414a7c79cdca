"""Members of a group or a location (``/group/user/*``, ``/location/user/*``), by email.

A member is an account user (listed in ``users:``, or live in the account) with a role in
the group or location and its notification flags. ``members:`` is a companion of its
group or location: read with one paged list per object whose config sets it, written with
the calls that bring the set in step once the object itself is written. ``/group/user/add``
is "add or update", so a new member and a changed one are both an add; a member live but
not listed is a delete. Lists carry user ids and no email: they map to emails through the
account users (``/account/user/list``), which is why a plan reads those with any group
that declares members. Global account users ("automatically added to every current and
future group and location") and users the account's ``ignore:`` patterns for ``users``
match are spared (``Spared``): not compared, not removed, not exported, unless listed.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, create_model

from ambraconf.facts import ENDPOINTS
from ambraconf.kinds.apimap import Companion, KeyedList
from ambraconf.kinds.base import Email, Flag, Model, Name
from ambraconf.kinds.codec import Names, as_flag
from ambraconf.kinds.spec import ANY, Reference, Spared, fold

USERS = "account_user"
"""The kind a member's email names."""

MEMBER_FLAGS = tuple(
    p for p in ENDPOINTS["/group/user/add"].parameters if p not in ("uuid", "user_id", "role_id")
)
"""The 22 documented ``event_*`` flags and ``no_physician_alias_share``, as the add takes
them (``/location/user/add`` documents the same ones)."""


class _MemberKey(Model):
    email: Annotated[Email, AfterValidator(str.lower)]
    role: Name | None = None


Member = create_model(
    "Member",
    __base__=_MemberKey,
    __doc__="A member of a group or location: an account user by email (emails compare "
    "without case, as the grid's do), a role by name (default: the group's or location's "
    "default role), and notification flags; flags left out are not managed.",
    **{flag: (Flag | None, None) for flag in MEMBER_FLAGS},  # type: ignore[call-overload]
)


def _one_each(members: list[Any]) -> list[Any]:
    seen: set[str] = set()
    for member in members:
        if member.email in seen:
            raise ValueError(f"{member.email} is listed twice; list each member once")
        seen.add(member.email)
    return members


Members = Annotated[list[Member], AfterValidator(_one_each)]  # type: ignore[valid-type]
"""``members:`` of a group or location: the whole set of its members."""

MEMBER_DEFAULTS = {"members": {flag: False for flag in MEMBER_FLAGS}}
"""What export leaves out of a member: flags that are off (the add's default)."""

SPARED = (Spared("members", "email", USERS, "global"),)
"""Global users join every group and location by themselves; ignored users are someone
else's (an SSO's): neither is a member the files must list."""


MEMBER_LIST = KeyedList(
    key=lambda member, values: fold(member.get("email")),
    each=lambda member: str(member.get("email")),
)
"""``members`` compare by email without case, each member a change of its own
(``members.<email>``): a reviewer reads who joins, leaves or changes role."""


def members_from_api(reply: dict[str, Any], names: Names) -> list[dict[str, Any]]:
    """Members by email, sorted; a row whose user is no account user has no email to be
    known by (the API adds only account users, and removing one removes its memberships)."""
    members = []
    for row in reply.get("users") or []:
        email = names.name(USERS, str(row.get("user_id")))
        if email is None:
            continue
        member: dict[str, Any] = {"email": email.lower()}
        role = names.name("role", str(row.get("role_id"))) or row.get("role_name")
        if role:
            member["role"] = role
        member.update({flag: as_flag(row[flag]) for flag in MEMBER_FLAGS if flag in row})
        members.append(member)
    return sorted(members, key=lambda m: m["email"])


def _member_params(member: dict[str, Any], names: Names) -> dict[str, str]:
    params = {"user_id": names.uuid(USERS, member["email"])}
    if member.get("role"):
        params["role_id"] = names.uuid("role", member["role"])
    params.update(
        {
            flag: "1" if member[flag] else "0"
            for flag in MEMBER_FLAGS
            if member.get(flag) is not None
        }
    )
    return params


def _sync(kind: str) -> Any:
    def sync(
        changed: list[tuple[Any, Any]], key: str, names: Names
    ) -> list[tuple[str, dict[str, str]]]:
        """An add for each member new or different (add is "add or update"); a delete for
        each live member not listed (spared ones never reach here: the plan left them out)."""
        return [
            (f"/{kind}/user/add", {"uuid": key, **_member_params(want, names)})
            if want is not None
            else (
                f"/{kind}/user/delete",
                {"uuid": key, "user_id": names.uuid(USERS, have["email"])},
            )
            for have, want in changed
        ]

    return sync


def members_companion(kind: str) -> Companion:
    """``members`` of a group or location, kept by ``/<kind>/user/add|delete|list``."""
    return Companion(
        "members",
        f"/{kind}/user/list",
        "uuid",
        members_from_api,
        None,
        list_key="users",
        sync=_sync(kind),
        paths=(f"/{kind}/user/add", f"/{kind}/user/delete"),
        reads=(USERS,),
    )


def member_references(kind_title: str) -> tuple[Reference, ...]:
    """A member names an account user, and a role that may serve in a ``kind_title``."""
    return (
        Reference(("members", ANY, "email"), USERS, label="member"),
        Reference(
            ("members", ANY, "role"),
            "role",
            forbid=((f"for_{kind_title}", False),),
            label="member role",
        ),
    )
