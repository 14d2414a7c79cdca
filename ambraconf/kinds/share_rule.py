"""Share rule: who in the account may share studies with whom (``/account/can/share*``).

A rule has no uuid and no set: it is the whole (by_type, by_id, with_type, with_id) tuple,
added by ``/account/can/share`` and removed by ``/account/can/share/stop`` with the same
parameters (``ApiMap.key_params``). So a rule's identity is both of its sides, and a rule
changed in the files is another rule: the new one is added, and the old one is stopped
when ``prune`` covers share rules (reported as unmanaged otherwise), as for any object no
file lists. Sides name users by email (account users), groups and locations by name, and
accounts by name (``with`` may be another account the login can see, resolved live).
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from ambraconf.kinds.account_user import Email
from ambraconf.kinds.apimap import ApiMap, Hook
from ambraconf.kinds.base import Model, Name, ObjectModel, exactly_one, problem_error
from ambraconf.kinds.codec import Names
from ambraconf.kinds.danger import Danger
from ambraconf.kinds.spec import KindSpec, Reference

KIND_OF = {"user": "account_user", "account": "account", "group": "group", "location": "location"}
"""The API's by_type/with_type values and the kinds whose objects they name."""
SIDES = ("by", "with")


class Party(Model):
    """One side of a rule: exactly one of user (email), account, group or location."""

    user: Email | None = Field(None, description="An account user, by email.")
    account: Name | None = Field(None, description="An account, by name.")
    group: Name | None = Field(None, description="A group of the account, by name.")
    location: Name | None = Field(None, description="A location of the account, by name.")

    @model_validator(mode="after")
    def _one(self) -> Party:
        problem = exactly_one(self.__dict__, KIND_OF, "a side of a share rule")
        if problem:
            raise ValueError(problem)
        return self


class ShareRule(ObjectModel):
    """``by`` may share studies with ``with`` (``/account/can/share``)."""

    by: Party = Field(description="Who may share: {group: ED}, {user: dr@clinic.example}, ...")
    with_: Party = Field(
        alias="with", description="With whom: a user, group or location, or an account."
    )

    @model_validator(mode="before")
    @classmethod
    def _not_renamed(cls, data: Any) -> Any:
        """A rule is its two sides: there is no name to rename."""
        if isinstance(data, dict) and data.get("renamed_from") is not None:
            message = "a share rule has no name: renamed_from does not apply (edit by or with)"
            raise problem_error([(("renamed_from",), message)], "share rule")
        return data


def _decode(raw: dict[str, Any], values: dict[str, Any], names: Names) -> None:
    """Each side by the name the config uses: an account user's email (the list's
    ``by_name`` is the user's full name), else the list's name when the object is unknown."""
    for side in SIDES:
        type_, uuid = str(raw.get(f"{side}_type")), str(raw.get(f"{side}_id"))
        if type_ in KIND_OF:
            name = names.name(KIND_OF[type_], uuid) or raw.get(f"{side}_name") or uuid
            values[side] = {type_: str(name)}


def _encode(desired: dict[str, Any], params: dict[str, str], names: Names) -> None:
    for side in SIDES:
        for type_, name in (desired.get(side) or {}).items():
            params[f"{side}_type"] = type_
            params[f"{side}_id"] = names.uuid(KIND_OF[type_], name)


API = ApiMap(
    list_path="/account/can/share/list",
    list_key="rules",
    add_path="/account/can/share",
    set_path="",
    delete_path="/account/can/share/stop",
    paged=False,
    key_params=("by_type", "by_id", "with_type", "with_id"),
    hooks=(
        # the identity: the match compared both sides without case, as the API compares
        # names; a rule is never set, only added and stopped
        Hook(
            ("by", "with"),
            decode=_decode,
            encode=_encode,
            params=("by_type", "by_id", "with_type", "with_id"),
            compare=False,
        ),
    ),
)

SPEC = KindSpec(
    api=API,
    name="share_rule",
    key="share_rules",
    title="share rule",
    model=ShareRule,
    identity=("by", "with"),
    # a new rule lets everyone on one side share studies with the other (a rule changed is
    # a new one too: no set exists)
    dangers=(
        Danger(
            "phi-sharing",
            "lets one side share studies with the other",
            ops=frozenset({"create"}),
        ),
    ),
    references=tuple(
        Reference((side, type_), kind, label=f"{side} {type_}")
        for side in SIDES
        for type_, kind in KIND_OF.items()
    ),
)
