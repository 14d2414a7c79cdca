"""Account user: a grid user's membership of an account (``/account/user/*``), by email.

Users are identities of the whole grid (password, MFA, email): ambraconf never creates or
deletes one. ``/account/user/add`` adds an existing user to the account (USER_NOT_FOUND
otherwise, which only that add can tell: the API has no read that finds a grid user by
email, so apply sends these adds before any other change, see ``KindSpec.exists_outside``);
``/account/user/delete`` removes the user from the account (and, per the documentation,
from all its groups and locations), never from the grid. Webhooks run as users no file
lists, so the kind is ``nameable_unmanaged``.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, model_validator

from ambraconf.kinds.apimap import ApiMap
from ambraconf.kinds.base import (
    Email,
    Flag,
    Integer,
    Name,
    ObjectModel,
    Text,
    problem_error,
)
from ambraconf.kinds.namespace import CUSTOMFIELD_VALUES
from ambraconf.kinds.settings import (
    SETTINGS_HOOK,
    overridden,
)
from ambraconf.kinds.spec import KEYS, KindSpec, Outside, Reference
from ambraconf.kinds.wiring import Api

GRID_USER = Outside(
    "USER_NOT_FOUND",
    "ambraconf adds existing grid users to accounts and never creates one: create the "
    "users in Ambra (or let SSO provision them) first, or fix the emails",
)
"""/account/user/add answers USER_NOT_FOUND, "The user can not be found", for an email no
grid user has; no documented read finds a grid user by email."""


UserSettings = Annotated[dict[str, Any], overridden(lambda fact: fact.user_override, "for a user")]
"""``settings:`` of an account user: only settings the table marks as user-overridable
(the API answers NO_USER_OVERRIDE for the others)."""


class AccountUser(ObjectModel):
    """A user of the account (``/account/user/add``, ``/account/user/set``), by email."""

    # the identity: sent to add only (set names the user by user_id), and never diffed,
    # since the match already compared it without case, as the grid does
    email: Annotated[Email, Api(add_only=True, compare=False, read_as="user_email")] = Field(
        description="The grid user's login email; the user must exist."
    )
    role: Annotated[Name | None, Api("role_id", ref="role")] = Field(
        None, description="The user's role in the account, by name (default: the account's)."
    )
    global_: Annotated[Flag | None, Api("global")] = Field(
        None,
        alias="global",
        description="A global user joins every current and future group and location.",
    )
    global_role: Annotated[Name | None, Api("global_role_id", ref="role")] = Field(
        None,
        description="The role a global user gets in groups and locations, by name "
        "(instead of their default roles).",
    )
    account_email: Annotated[Text | None, Api()] = Field(
        None, description="An email for this account, when not the login email."
    )
    account_alias: Annotated[Text | None, Api()] = Field(
        None, description="The alias route conditions on PHYSICIAN_ALIAS match."
    )
    account_login: Annotated[Text | None, Api()] = Field(
        None, description="A login name in the account (unique in it)."
    )
    epic_user: Annotated[Text | None, Api()] = Field(
        None, description="The Epic user mapped to this one, to track activity."
    )
    session_expire: Annotated[Integer | None, Api()] = Field(
        None, ge=0, description="Idle minutes before a session expires."
    )
    max_sessions: Annotated[Integer | None, Api()] = Field(
        None, ge=0, description="Simultaneous sessions allowed (overrides the default)."
    )
    sso_only: Annotated[Flag | None, Api()] = Field(None, description="May log in only by SSO.")
    event_share: Annotated[Flag | None, Api()] = None
    event_approve: Annotated[Flag | None, Api()] = None
    event_upload: Annotated[Flag | None, Api()] = None
    event_upload_fail: Annotated[Flag | None, Api()] = None
    event_harvest: Annotated[Flag | None, Api()] = None
    event_join: Annotated[Flag | None, Api()] = None
    event_purge: Annotated[Flag | None, Api()] = None
    event_new_report: Annotated[Flag | None, Api()] = None
    event_report_remove: Annotated[Flag | None, Api()] = None
    event_study_comment: Annotated[Flag | None, Api()] = None
    event_status_change: Annotated[Flag | None, Api()] = None
    event_message: Annotated[Flag | None, Api()] = None
    event_node: Annotated[Flag | None, Api()] = None
    event_link: Annotated[Flag | None, Api()] = None
    event_link_mine: Annotated[Flag | None, Api()] = None
    event_thin_study_success: Annotated[Flag | None, Api()] = None
    event_thin_study_fail: Annotated[Flag | None, Api()] = None
    event_case_assignment: Annotated[Flag | None, Api()] = None
    event_incoming_study_request: Annotated[Flag | None, Api()] = None
    event_query_add: Annotated[Flag | None, Api()] = None
    event_query_edit: Annotated[Flag | None, Api()] = None
    event_query_new_recipient: Annotated[Flag | None, Api()] = None
    event_query_reply: Annotated[Flag | None, Api()] = None
    event_site_qualified: Annotated[Flag | None, Api()] = None
    settings: UserSettings | None = Field(
        None, description="Account settings overridden for this user (user-overridable ones)."
    )
    customfields: dict[str, Text] | None = Field(
        None, description="User_account custom field values by custom field name."
    )

    @model_validator(mode="before")
    @classmethod
    def _not_renamed(cls, data: Any) -> Any:
        """The email is the grid user's own: an account cannot rename it."""
        if isinstance(data, dict) and data.get("renamed_from") is not None:
            message = (
                "a user is known by the grid's email: renamed_from does not apply "
                "(list the new email; prune removes the old one from the account)"
            )
            raise problem_error([(("renamed_from",), message)], "account user")
        return data


CREATOR_ROLE = "Admin"
"""The role of the user who adds an account: ``/account/add`` makes its creator a member
(the SDK's tests see it; the documentation is silent on the role, and the stock
administrator role is assumed). A plan of an account to create counts that membership as
live, so a config listing its creator sets it instead of adding it (ALREADY_EXISTS)."""

API = ApiMap(
    list_path="/account/user/list",
    list_key="users",
    add_path="/account/user/add",
    set_path="/account/user/set",
    delete_path="/account/user/delete",
    scope_param="uuid",
    object_param="user_id",
    name_field="user_email",
    uuid_field="user_id",
    merged_hashes=frozenset({"settings"}),
    flagged=frozenset({"global"}),  # global users are in every group: members spare them
    hooks=(
        SETTINGS_HOOK,
        CUSTOMFIELD_VALUES,
    ),
)

SPEC = KindSpec(
    api=API,
    name="account_user",
    key="users",
    title="account user",
    model=AccountUser,
    identity=("email",),
    name_key="email",
    nameable_unmanaged=True,
    exists_outside=GRID_USER,
    references=(
        Reference(("role",), "role", forbid=(("for_account", False),), label="role"),
        Reference(("global_role",), "role", label="global_role"),
        Reference(
            ("customfields", KEYS),
            "customfield",
            where=(("object", "User_account"),),
            label="custom field value",
        ),
    ),
)
