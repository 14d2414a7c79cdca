"""Account: its fields (``/account/set``), its settings, and the lists of objects it holds.

The account model is assembled from the registry of kinds (``account_models``), so a new
kind appears under every account, in shared blocks and in the JSON Schema by itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from fnmatch import fnmatchcase
from typing import Annotated, Any

from pydantic import BaseModel, Field, create_model

from ambraconf.kinds.apimap import ApiMap
from ambraconf.kinds.base import (
    AT_KEY,
    Flag,
    Integer,
    JsonObject,
    Model,
    Name,
    Problem,
    Text,
    Uuid,
    checked_mapping,
    describe,
    problem_error,
    to_flag,
)
from ambraconf.kinds.danger import settings_dangers
from ambraconf.kinds.namespace import (
    COMPANION_REFERENCES,
    CUSTOMFIELD_VALUES,
    NAMESPACE_COMPANIONS,
    NAMESPACE_DANGERS,
    NAMESPACE_DEFAULTS,
    NAMESPACE_EXACT,
    NAMESPACE_MERGED,
    NamespaceCompanions,
)
from ambraconf.kinds.setting_names import setting_references
from ambraconf.kinds.settings import (
    SETTINGS_HOOK,
    AccountSettings,
    is_default_setting,
    setting_off,
)
from ambraconf.kinds.spec import KEYS, ExactHash, KindSpec, Reference
from ambraconf.kinds.wiring import Api
from ambraconf.suggest import did_you_mean

ALL_KINDS = "*"
"""``ignore:`` key for patterns that apply to every kind."""


SET = Api(set_only=True)
"""An account is added by name alone (``/account/add``); everything else follows in a set."""


class _AccountSetFields(Model):
    """Fields of ``/account/set`` that ambraconf manages (``name`` and ``vanity`` are not)."""

    password_expire: Annotated[Integer | None, SET] = Field(
        None, ge=0, description="Days; 0 never expires."
    )
    session_expire: Annotated[Integer | None, SET] = Field(None, ge=0, description="Idle minutes.")
    must_approve: Annotated[Flag | None, SET] = Field(
        None, description="Shared studies must be approved."
    )
    must_approve_upload: Annotated[Flag | None, SET] = None
    must_approve_harvest: Annotated[Flag | None, SET] = None
    must_approve_move: Annotated[Flag | None, SET] = None
    no_share: Annotated[Flag | None, SET] = None
    can_request: Annotated[Flag | None, SET] = Field(None, description="Users may request to join.")
    share_code: Annotated[Text | None, SET] = None
    share_description: Annotated[Text | None, SET] = None
    share_settings: Annotated[JsonObject | None, SET] = None
    share_via_gateway: Annotated[Flag | None, SET] = None
    hl7_template: Annotated[Text | None, SET] = None
    search_threshold: Annotated[Integer | None, SET] = None
    css: Annotated[Text | None, SET] = None
    vendor: Annotated[Text | None, SET] = None
    role: Annotated[Name | None, Api("role_id", ref="role", set_only=True)] = Field(
        None, description="The account's default role, by name."
    )
    customfields: dict[str, Text] | None = Field(
        None, description="Account custom field values by custom field name."
    )


class AccountFields(NamespaceCompanions, _AccountSetFields):
    """The account's ``fields:``: those of ``/account/set``, then what its own namespace
    (``namespace_id``) keeps, as a group's or a location's namespace does."""


class AccountObject(AccountFields):
    """The account as plan and apply see it: one object holding its ``fields:`` and its
    ``settings:``. Its name is its identity, sent to create it and never changed."""

    name: Annotated[Name, Api(compare=False)]
    settings: AccountSettings | None = None
    exact: Flag | None = None  # the account's own ``exact:`` (AccountHead): its hashes too


Scalar = str | int | float | bool


def _prune_type(keys: Sequence[str], every: Sequence[str], never: Sequence[str]) -> Any:
    """``prune: true`` or ``prune: {roles: true, ...}``; normalised to a mapping per kind.

    ``prune: true`` covers the ``every`` kinds; a kind whose objects a config may name
    without defining (destinations on gateways someone else manages) is pruned only when
    named, ``prune: {destinations: true}``; kinds ambraconf ``never`` deletes (nodes: the
    kind has no delete) are not pruned at all, and naming one is an error.
    """

    def check(value: dict[str, Any]) -> dict[str, Any]:
        problems: list[Problem] = []
        result: dict[str, bool] = {}
        for key, flag in value.items():
            if key not in keys:
                problems.append(((key,), f"unknown kind '{key}'{did_you_mean(key, keys)}", AT_KEY))
                continue
            if key in never:
                problems.append(((key,), f"ambraconf never deletes {key}: it cannot prune them"))
                continue
            try:
                result[key] = to_flag(flag)
            except Exception:  # noqa: BLE001 - reported as a problem at the key
                problems.append(((key,), f"expected true or false, got {describe(flag)}"))
        if problems:
            raise problem_error(problems, "prune")
        return result

    schema = {
        "anyOf": [
            {"type": "boolean"},
            {
                "type": "object",
                "properties": {k: {"type": "boolean"} for k in keys if k not in never},
                "additionalProperties": False,
            },
        ],
        "description": "Which live objects no file mentions may be deleted: true, or per kind.",
    }
    return Annotated[dict[str, Any], checked_mapping(check, schema, _prune_shorthand(every))]


def _ignore_type(keys: Sequence[str]) -> Any:
    """``ignore: [patterns]`` (every kind) or ``ignore: {roles: [patterns], '*': [...]}``."""
    allowed = [*keys, ALL_KINDS]

    def check(value: dict[str, Any]) -> dict[str, Any]:
        problems: list[Problem] = []
        result: dict[str, list[str]] = {}
        for key, patterns in value.items():
            if key not in allowed:
                problems.append(((key,), f"unknown kind '{key}'{did_you_mean(key, keys)}", AT_KEY))
            elif not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
                expected = "expected a list of name patterns"
                problems.append(((key,), f"{expected}, got {describe(patterns)}"))
            else:
                result[key] = list(patterns)
        if problems:
            raise problem_error(problems, "ignore")
        return result

    patterns = {"type": "array", "items": {"type": "string"}}
    schema = {
        "anyOf": [
            patterns,
            {
                "type": "object",
                "properties": {k: patterns for k in allowed},
                "additionalProperties": False,
            },
        ],
        "description": "Name patterns (fnmatch, case-insensitive) ambraconf never touches.",
    }
    return Annotated[dict[str, Any], checked_mapping(check, schema, _every_kind)]


def _acknowledged_type(keys: Sequence[str]) -> Any:
    """``dangerous_ok: {purge_rules: {"Nightly cleanup": "CHG-1042, approved by PACS"}}``:
    objects whose dangerous changes (``kinds.danger``) apply may make, each with the reason,
    which the plan shows to the reviewer; a reason is required, for the audit trail."""

    def check(value: dict[str, Any]) -> dict[str, Any]:
        problems: list[Problem] = []
        result: dict[str, dict[str, str]] = {}
        for key, names in value.items():
            if key not in keys:
                problems.append(((key,), f"unknown kind '{key}'{did_you_mean(key, keys)}", AT_KEY))
            elif not isinstance(names, dict):
                expected = "expected object names, each with the reason its change is wanted"
                problems.append(((key,), f"{expected}, got {describe(names)}"))
            else:
                for name, why in names.items():
                    if not isinstance(why, str) or not why.strip():
                        message = f"say why the dangerous change is wanted, got {describe(why)}"
                        problems.append(((key, name), message))
                result[key] = {str(name): str(why) for name, why in names.items()}
        if problems:
            raise problem_error(problems, "dangerous_ok")
        return result

    reasons = {"type": "object", "additionalProperties": {"type": "string", "minLength": 1}}
    schema = {
        "type": "object",
        "properties": dict.fromkeys(keys, reasons),
        "additionalProperties": False,
        "description": "Objects whose dangerous changes apply may make, each with the reason.",
    }
    return Annotated[dict[str, Any], checked_mapping(check, schema)]


def _every_kind(value: Any) -> dict[str, Any] | None:
    """``ignore: [patterns]`` is short for ``ignore: {'*': [patterns]}``."""
    return {ALL_KINDS: value} if isinstance(value, list) else None


def _prune_shorthand(keys: Sequence[str]) -> Any:
    def expand(value: Any) -> dict[str, Any] | None:
        if isinstance(value, (dict, list)) or value is None:
            return None
        return dict.fromkeys(keys, to_flag(value))

    return expand


def account_models(kinds: Sequence[KindSpec]) -> tuple[type[Model], type[Model], type[Model]]:
    """(AccountHead, Account, SharedBlock) for the registered ``kinds``.

    ``AccountHead`` validates everything but the kind lists (each object is validated on its
    own so one bad object does not hide the others); ``Account`` adds the lists and is what
    the JSON Schema describes; ``SharedBlock`` holds kind lists only.
    """
    keys = [k.key for k in kinds]
    head = create_model(
        "AccountHead",
        __base__=Model,
        __doc__="An Ambra account, identified by name (case-insensitive) or pinned by uuid.",
        name=(Name, Field(description="The account's name in Ambra.")),
        uuid=(Uuid | None, Field(None, description="Pin to this live account uuid.")),
        create=(Flag | None, Field(None, description="Create it if missing (sysadmin only).")),
        variables=(
            dict[str, Scalar] | None,
            Field(None, description="Variables for this account (override the top level)."),
        ),
        include=(
            list[Name] | None,
            Field(None, description="Shared blocks whose objects this account also holds."),
        ),
        prune=(
            _prune_type(
                keys,
                [k.key for k in kinds if not k.nameable_unmanaged and k.api.delete_path],
                [k.key for k in kinds if not k.api.delete_path],
            )
            | None,
            None,
        ),
        exact=(
            Flag | None,
            Field(
                None,
                description="Exact for the account's own settings and namespace settings, "
                "and the default of its objects' exact (roles, groups, locations): keys of "
                "those hashes the files do not list are turned off.",
            ),
        ),
        ignore=(_ignore_type(keys) | None, None),
        dangerous_ok=(_acknowledged_type(keys) | None, None),
        fields=(AccountFields | None, Field(None, description="Fields set by /account/set.")),
        settings=(
            AccountSettings | None,
            Field(None, description="Account settings by their documented names."),
        ),
    )
    lists: dict[str, Any] = {
        k.key: (list_of(written_model(k)), Field(None, description=f"The account's {k.plural}."))
        for k in kinds
    }
    account = create_model("Account", __base__=head, **lists)
    account.__doc__ = head.__doc__
    shared = create_model(
        "SharedBlock",
        __base__=Model,
        __doc__="Objects that several accounts include (interpolated per account).",
        **lists,
    )
    return head, account, shared


def written_model(spec: KindSpec) -> type[BaseModel]:
    """The kind's model as files may write it (what the JSON Schema describes): a text
    that a file may hold (``FileField``) is given by the field or by the file's key."""
    if not spec.files:
        return spec.model
    extra: dict[str, Any] = {}
    for file in spec.files:
        text = spec.model.model_fields[file.field]
        extra[file.field] = (str | None, Field(None, description=text.description))
        extra[file.key] = (
            str | None,
            Field(
                None,
                description=f"A file holding the {file.field}, relative to this YAML file "
                f"(instead of {file.field}:).",
            ),
        )
    return create_model(spec.model.__name__, __base__=spec.model, **extra)


def list_of(model: type[Model] | type[Any]) -> Any:
    """``list[model] | None`` for a model known only at run time."""
    return list[model] | None  # type: ignore[valid-type]  # a run-time class, as intended


def is_ignored(ignore: dict[str, list[str]] | None, key: str, name: str) -> bool:
    """Whether ``ignore:`` patterns for kind ``key`` (or all kinds) match ``name``."""
    if not ignore:
        return False
    patterns = [*ignore.get(key, []), *ignore.get(ALL_KINDS, [])]
    return any(fnmatchcase(name.casefold(), p.casefold()) for p in patterns)


API = ApiMap(
    list_path="/account/list",
    list_key="accounts",
    add_path="/account/add",
    set_path="/account/set",
    delete_path="",
    scope_param=None,
    undocumented=frozenset({"/account/add"}),
    merged_hashes=frozenset({"settings"}) | NAMESPACE_MERGED,
    companions=NAMESPACE_COMPANIONS,
    hooks=(
        replace(SETTINGS_HOOK, set_only=True),
        replace(CUSTOMFIELD_VALUES, set_only=True),
    ),
)


SPEC = KindSpec(
    api=API,
    name="account",
    key="accounts",
    title="account",
    model=AccountObject,
    identity=("name",),
    share_codes=(("share_code",),),
    holds_others=True,
    # other accounts are named live only (a share rule's ``with: {account: Partner}``)
    nameable_unmanaged=True,
    defaults={"password_expire": 0, "session_expire": 0},  # 0: never expires
    nested_defaults={"settings": is_default_setting, **NAMESPACE_DEFAULTS},
    dangers=(*settings_dangers("settings"), *NAMESPACE_DANGERS),
    # the account's settings are listed whole, so live state gives every key to turn off
    exact={"settings": ExactHash(tuple, setting_off), **NAMESPACE_EXACT},
    references=(
        Reference(
            ("role",),
            "role",
            forbid=(("for_account", False),),
            label="default role",
            deferrable=True,
        ),
        Reference(
            ("customfields", KEYS),
            "customfield",
            where=(("object", "Account"),),
            label="custom field value",
            deferrable=True,
        ),
        *(replace(r, deferrable=True) for r in setting_references("settings", lambda f: True)),
        *COMPANION_REFERENCES,
    ),
)
