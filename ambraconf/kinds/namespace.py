"""What groups and locations share: they both own a namespace with the same fields.

Not a kind of its own; ``group.py`` and ``location.py`` build on it, and the account reuses
the namespace's companion fields (``NamespaceCompanions``): what the get-or-set endpoints
``/namespace/settings``, ``/namespace/study/defaults``, ``/namespace/event/defaults``,
``/namespace/coverpage``, ``/namespace/share/pricing`` and ``/namespace/anonymize``
(``ambraconf.kinds.anonymization``) keep, keyed by the owner's ``namespace_id``.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import Field

from ambraconf.facts import ACCOUNT_SETTINGS, ENDPOINTS, STUDY_DICOM_FIELDS
from ambraconf.kinds.anonymization import (
    PROFILE_KIND,
    NamespaceAnonymization,
    anonymization_clear,
    anonymization_from_api,
    anonymization_to_api,
)
from ambraconf.kinds.apimap import ApiMap, Companion, Hook
from ambraconf.kinds.base import (
    AT_KEY,
    FLAG_SCHEMA,
    UUID_RE,
    ExactObject,
    Flag,
    Integer,
    JsonObject,
    Model,
    Name,
    Problem,
    Text,
    checked_mapping,
    describe,
    one_of,
    problem_error,
    to_flag,
)
from ambraconf.kinds.codec import Names, as_flag, json_text, parse_json_text
from ambraconf.kinds.compare import is_empty
from ambraconf.kinds.danger import Danger, settings_dangers
from ambraconf.kinds.members import MEMBER_LIST, Members, member_references, members_companion
from ambraconf.kinds.permissions import (
    CUSTOMFIELDS_KEY,
    FIELD_FLAGS_SCHEMA,
    check_field_flags,
    permissions_from_api,
    permissions_to_api,
)
from ambraconf.kinds.setting_names import setting_references
from ambraconf.kinds.settings import (
    namespace_overridable,
    setting_schema,
    setting_value,
    settings_from_api,
    settings_to_api,
    sysadmin_only,
)
from ambraconf.kinds.spec import KEYS, REVERT, ExactHash, Reference
from ambraconf.kinds.wiring import Api
from ambraconf.suggest import did_you_mean

_OWN_FLAGS = ("no_dup_share", "share_related", "ira_namespace")
_THRESHOLD = "study_size_soft_threshold_per_user"
_OWN_SCHEMAS: dict[str, dict[str, Any]] = {
    _THRESHOLD: {
        "type": "integer",
        "minimum": 0,
        "description": "Studies size per user past which the study_quota_exceeded mail goes.",
    },
    "no_dup_share": {**FLAG_SCHEMA, "description": "Stop duplicate studies being shared in."},
    "share_related": {**FLAG_SCHEMA, "description": "Shares include related studies."},
    "ira_namespace": {**FLAG_SCHEMA, "description": "A viable owner namespace for queries."},
    "study_field_flags": FIELD_FLAGS_SCHEMA,
    "download_anonymize": {"type": ["string", "object"], "description": "Anonymize on download."},
    "storage_always_dicom_tags": {"type": "array", "items": {"type": "string"}},
}
_OVERRIDABLE = sorted(n for n, f in ACCOUNT_SETTINGS.items() if namespace_overridable(f))


def check_namespace_settings(values: dict[str, Any]) -> dict[str, Any]:
    """``/namespace/settings``: its own keys plus namespace-overridable account settings."""
    result: dict[str, Any] = {}
    problems: list[Problem] = []
    for name, value in values.items():
        try:
            if name in _OWN_FLAGS:
                result[name] = to_flag(value)
            elif name == "study_field_flags":
                if not isinstance(value, dict):
                    raise ValueError(f"expected a mapping, got {describe(value)}")
                result[name] = check_field_flags(value)
            elif name == "storage_always_dicom_tags":
                if not isinstance(value, list):
                    raise ValueError(f"expected a list of DICOM tags, got {describe(value)}")
                result[name] = [str(v) for v in value]
            elif name == "download_anonymize":
                result[name] = value
            elif name == _THRESHOLD:
                result[name] = _threshold(value)
            elif name in ACCOUNT_SETTINGS and namespace_overridable(ACCOUNT_SETTINGS[name]):
                result[name] = setting_value(ACCOUNT_SETTINGS[name], value)
            elif name in ACCOUNT_SETTINGS:
                problems.append(
                    (
                        (name,),
                        f"setting '{name}' cannot be overridden in a namespace "
                        "(the settings table does not allow it)",
                        AT_KEY,
                    )
                )
            else:
                known = [*_OWN_SCHEMAS, *_OVERRIDABLE]
                problems.append(
                    (
                        (name,),
                        f"unknown namespace setting '{name}'{did_you_mean(name, known)}",
                        AT_KEY,
                    )
                )
        except ValueError as exc:
            problems.append(((name,), str(exc)))
        except Exception as exc:  # a nested problem_error or a flag error: keep its text
            problems.extend(_nested(name, exc))
    if problems:
        raise problem_error(problems, "namespace_settings")
    return result


def _threshold(value: Any) -> int:
    """``study_size_soft_threshold_per_user``: the endpoint's own key, "a threshold for
    studies size per user" (no unit given): a whole number, 0 or more."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(f"expected a whole number, got {describe(value)}")
    text = str(value).strip()
    if not re.fullmatch(r"\d+", text):
        raise ValueError(f"expected a whole number of 0 or more, got {describe(value)}")
    return int(text)


def _nested(name: str, exc: Exception) -> list[Problem]:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        return [((name, *e["loc"]), e["msg"]) for e in errors()]
    return [((name,), str(exc))]


NAMESPACE_SETTINGS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        **_OWN_SCHEMAS,
        **{name: setting_schema(ACCOUNT_SETTINGS[name]) for name in _OVERRIDABLE},
    },
    "additionalProperties": False,
}
NamespaceSettings = Annotated[
    dict[str, Any], checked_mapping(check_namespace_settings, NAMESPACE_SETTINGS_SCHEMA)
]


class _NamespaceFields(ExactObject):
    """Fields of ``/group/add`` and ``/location/add`` (names as in the API; ``role`` is
    ``role_id`` by name; ``customfields`` are ``customfield-<UUID>`` values by field name)."""

    name: Annotated[Name, Api()]
    must_approve: Annotated[Flag | None, Api()] = Field(
        None, description="Shared studies must be approved."
    )
    must_approve_upload: Annotated[Flag | None, Api()] = Field(
        None, description="Uploads must be approved."
    )
    must_approve_harvest: Annotated[Flag | None, Api()] = Field(
        None, description="Harvests must be approved."
    )
    must_approve_move: Annotated[Flag | None, Api()] = Field(
        None, description="Moved studies must be approved."
    )
    no_share: Annotated[Flag | None, Api()] = Field(
        None, description="Studies cannot be shared with it."
    )
    share_code: Annotated[Text | None, Api()] = Field(
        None, description="Share code (unique system-wide)."
    )
    share_description: Annotated[Text | None, Api()] = None
    share_settings: Annotated[JsonObject | None, Api()] = Field(
        None, description="Share display settings."
    )
    share_via_gateway: Annotated[Flag | None, Api()] = None
    hl7_template: Annotated[Text | None, Api()] = Field(
        None, description="The HL7 reporting template."
    )
    search_threshold: Annotated[Integer | None, Api()] = None
    role: Annotated[Name | None, Api("role_id", ref="role")] = Field(
        None, description="Default role of new members, by name."
    )
    customfields: dict[str, Text] | None = Field(
        None, description="Custom field values by custom field name."
    )


# --- /namespace/study/defaults -----------------------------------------------------------

STUDY_DEFAULT_CUSTOMFIELDS = "customfields"
"""In ``study_defaults``, the Study custom fields' defaults by name (API ``customfield-<UUID>``)."""
_STUDY_DEFAULT_KEYS = sorted([*STUDY_DICOM_FIELDS, STUDY_DEFAULT_CUSTOMFIELDS])
_CUSTOMFIELD_KEY = re.compile(rf"customfield-({UUID_RE})")


def _default_text(value: Any) -> str:
    """A default value: text (a YAML number is taken as its text; true/false must be quoted,
    since which spelling a study field wants is not documented)."""
    if value is None or isinstance(value, dict | list):
        raise ValueError(f"expected text, got {describe(value)}")
    if isinstance(value, bool):
        raise ValueError(f"expected text, got {describe(value)}: quote it")
    return str(value)


def check_study_defaults(values: dict[str, Any]) -> dict[str, Any]:
    """Keys are the study fields a DICOM tag fills (``/study/set``: the ``fields`` the
    endpoint offers), or ``customfields`` naming Study custom fields: anything else is what
    the API refuses as INVALID_FIELD_NAME."""
    result: dict[str, Any] = {}
    problems: list[Problem] = []
    for name, value in values.items():
        if name == STUDY_DEFAULT_CUSTOMFIELDS:
            if not isinstance(value, dict):
                problems.append(
                    (
                        (name,),
                        f"expected a mapping of custom field name to value, got {describe(value)}",
                    )
                )
                continue
            inner: dict[str, str] = {}
            for field, text in value.items():
                try:
                    inner[str(field)] = _default_text(text)
                except ValueError as exc:
                    problems.append(((name, field), str(exc)))
            if inner:
                result[name] = inner
        elif name in STUDY_DICOM_FIELDS:
            try:
                result[name] = _default_text(value)
            except ValueError as exc:
                problems.append(((name,), str(exc)))
        elif _CUSTOMFIELD_KEY.fullmatch(name):
            hint = f"name it instead: {STUDY_DEFAULT_CUSTOMFIELDS}: {{<custom field name>: ...}}"
            problems.append(((name,), f"custom field by uuid; {hint}", AT_KEY))
        else:
            known = did_you_mean(name, _STUDY_DEFAULT_KEYS)
            problems.append(((name,), f"unknown study field '{name}'{known}", AT_KEY))
    if problems:
        raise problem_error(problems, "study_defaults")
    return result


STUDY_DEFAULTS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "/namespace/study/defaults: values new studies of the namespace get for "
    "fields they lack; the whole hash is replaced ({} clears it).",
    "properties": {
        **{
            name: {"type": "string", "description": f"DICOM tag {tag}"}
            for name, tag in STUDY_DICOM_FIELDS.items()
        },
        STUDY_DEFAULT_CUSTOMFIELDS: {
            "type": "object",
            "description": "Study custom field defaults by custom field name.",
            "additionalProperties": {"type": "string"},
        },
    },
    "additionalProperties": False,
}
StudyDefaults = Annotated[
    dict[str, Any], checked_mapping(check_study_defaults, STUDY_DEFAULTS_SCHEMA)
]


def study_defaults_from_api(reply: dict[str, Any], names: Names) -> dict[str, Any]:
    """``defaults`` (a hash, or its JSON text) with custom fields by name; a uuid that names
    no custom field of the account stays as read, for validate to report."""
    live = parse_json_text(reply.get("defaults"))
    result: dict[str, Any] = {}
    customfields: dict[str, Any] = {}
    for key, value in (live if isinstance(live, dict) else {}).items():
        text = value if value is None or isinstance(value, dict | list) else str(value)
        found = _CUSTOMFIELD_KEY.fullmatch(key)
        name = names.name("customfield", found.group(1)) if found else None
        if name:
            customfields[name] = text
        else:
            result[key] = text
    if customfields:
        result[STUDY_DEFAULT_CUSTOMFIELDS] = customfields
    return result


def study_defaults_to_api(values: dict[str, Any], names: Names) -> dict[str, str]:
    """The whole hash in one ``defaults`` parameter, custom fields as ``customfield-<UUID>``."""
    defaults = {k: v for k, v in values.items() if k != STUDY_DEFAULT_CUSTOMFIELDS}
    for name, value in (values.get(STUDY_DEFAULT_CUSTOMFIELDS) or {}).items():
        defaults[f"customfield-{names.uuid('customfield', name)}"] = value
    return {"defaults": json_text(defaults)}


# --- /namespace/event/defaults -----------------------------------------------------------

EVENT_FLAGS = tuple(p for p in ENDPOINTS["/namespace/event/defaults"].parameters if p != "uuid")
"""The documented ``event_*`` flags a user added to the namespace is given."""


def check_event_defaults(values: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    problems: list[Problem] = []
    for name, value in values.items():
        if name not in EVENT_FLAGS:
            known = did_you_mean(name, EVENT_FLAGS)
            problems.append(((name,), f"unknown event default '{name}'{known}", AT_KEY))
            continue
        try:
            result[name] = to_flag(value)
        except Exception as exc:  # noqa: BLE001 - to_flag's message, at the flag
            problems.append(((name,), str(exc)))
    if problems:
        raise problem_error(problems, "event_defaults")
    return result


EVENT_DEFAULTS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "/namespace/event/defaults: notifications users added to the namespace "
    "get (flags the config leaves out keep their live values).",
    "properties": {name: dict(FLAG_SCHEMA) for name in EVENT_FLAGS},
    "additionalProperties": False,
}
EventDefaults = Annotated[
    dict[str, Any], checked_mapping(check_event_defaults, EVENT_DEFAULTS_SCHEMA)
]


def event_defaults_from_api(reply: dict[str, Any], names: Names) -> dict[str, Any]:
    return {name: as_flag(reply[name]) for name in EVENT_FLAGS if name in reply}


def event_defaults_to_api(values: dict[str, Any], names: Names) -> dict[str, str]:
    """One parameter per flag the config sets; the others are left as they are."""
    return {name: "1" if value else "0" for name, value in values.items()}


# --- /namespace/coverpage ----------------------------------------------------------------

_UNESCAPED_BRACE = re.compile(r"(?<!\\)[{}]")


def _template_problem(text: str) -> str | None:
    """Text::Template runs what sits between braces; a brace without its partner is a
    template that cannot compile (a literal one is written ``\\{``)."""
    depth = 0
    for brace in _UNESCAPED_BRACE.findall(text):
        depth += 1 if brace == "{" else -1
        if depth < 0:
            return "a '}' closes no '{' (a literal brace is written \\})"
    return "a '{' is never closed (a literal brace is written \\{)" if depth else None


def check_coverpage(values: dict[str, Any]) -> dict[str, Any]:
    """Keys of the cover page (``title``, ``footer``, ``uploadedBy``...) to
    Text::Template texts such as ``"{$created_by_name}"``."""
    result: dict[str, Any] = {}
    problems: list[Problem] = []
    for name, value in values.items():
        if value is None or isinstance(value, dict | list | bool):
            problems.append(((name,), f"expected a Text::Template text, got {describe(value)}"))
            continue
        problem = _template_problem(str(value))
        if problem:
            problems.append(((name,), problem))
        result[str(name)] = str(value)
    if problems:
        raise problem_error(problems, "coverpage")
    return result


COVERPAGE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "/namespace/coverpage: the DICOM cover page prepended to new studies, "
    "key to Text::Template text; replaced whole, {} removes it.",
    "additionalProperties": {"type": "string"},
}
Coverpage = Annotated[dict[str, Any], checked_mapping(check_coverpage, COVERPAGE_SCHEMA)]


def coverpage_from_api(reply: dict[str, Any], names: Names) -> Any:
    """The cover page's JSON; none is ``{}``; text that is not JSON stays text (drift)."""
    page = parse_json_text(reply.get("coverpage"))
    return {} if page is None else page


def coverpage_to_api(values: dict[str, Any], names: Names) -> dict[str, str]:
    """The JSON text, or the empty string that removes the cover page."""
    return {"coverpage": json_text(values) if values else ""}


# --- /namespace/share/pricing -----------------------------------------------------------

_PRICE_MINIMUM = 50
"""Cents: "The price can be either zero or greater than or equal to 50 cents"."""


def check_pricing(values: dict[str, Any]) -> dict[str, Any]:
    """Modality to price in cents; ``ANY`` (any other modality) is required, unless ``ALL``
    (every study of one upload) stands alone; ``{}`` clears the table."""
    result: dict[str, Any] = {}
    problems: list[Problem] = []
    for modality, price in values.items():
        if isinstance(price, bool) or not isinstance(price, int):
            problems.append(((modality,), f"expected a price in cents, got {describe(price)}"))
        elif price != 0 and price < _PRICE_MINIMUM:
            problems.append(((modality,), f"a price is 0 or at least 50 cents, got {price}"))
        result[str(modality)] = price
    if values and "ALL" in values and len(values) > 1:
        others = ", ".join(str(k) for k in values if k != "ALL")
        problems.append(((), f"ALL prices every study alone: it takes no other keys ({others})"))
    elif values and "ANY" not in values and "ALL" not in values:
        problems.append(((), "the table needs ANY, the price of every other modality"))
    if problems:
        raise problem_error(problems, "pricing")
    return result


PRICING_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Modality to price in cents (0, or 50 and more); ANY is required unless "
    "ALL stands alone; {} clears it.",
    "additionalProperties": {"type": "integer", "minimum": 0},
}


class SharePricing(Model):
    """``/namespace/share/pricing``: what sharing into the namespace costs, and its second
    opinion workflow. Each key the config sets is managed; the pricing table is replaced
    whole. (``customfields_pricing``, whose conditions name custom fields by uuid inside
    expressions, is not managed.)"""

    currency: Annotated[str, one_of(("USD", "GBP"), "currency")] | None = None
    charge_description: Text | None = None
    pricing: Annotated[dict[str, Any], checked_mapping(check_pricing, PRICING_SCHEMA)] | None = None
    sum_price_matches: Flag | None = None
    second_opinion_share: Flag | None = Field(
        None, description="Shares start the second opinion workflow."
    )
    second_opinion_config: JsonObject | None = None
    share_charge_by_modality: Flag | None = Field(
        None, description="Charge by the shared study's modality (the pricing table)."
    )


_PRICING_FLAGS = ("sum_price_matches", "second_opinion_share", "share_charge_by_modality")
_PRICING_JSON = ("pricing", "second_opinion_config")


def share_pricing_from_api(reply: dict[str, Any], names: Names) -> dict[str, Any]:
    """The keys ``SharePricing`` manages; JSON ones parsed, flags as booleans."""
    result: dict[str, Any] = {}
    for name in SharePricing.model_fields:
        value = reply.get(name)
        if name in _PRICING_FLAGS:
            result[name] = as_flag(value)
        elif name in _PRICING_JSON:
            parsed = parse_json_text(value)
            result[name] = {} if parsed is None else parsed
        elif value is not None:
            result[name] = value
    return result


def share_pricing_to_api(values: dict[str, Any], names: Names) -> dict[str, str]:
    """One parameter per key the config sets."""
    params: dict[str, str] = {}
    for name, value in values.items():
        if name in _PRICING_FLAGS:
            params[name] = "1" if value else "0"
        elif name in _PRICING_JSON:
            params[name] = json_text(value)
        else:
            params[name] = str(value)
    return params


class NamespaceCompanions(Model):
    """What a namespace keeps beside its owner's own fields, each field through its own
    get-or-set endpoint: groups, locations and the account all have them."""

    namespace_settings: NamespaceSettings | None = Field(
        None, description="/namespace/settings: own keys and namespace-overridable settings."
    )
    study_defaults: StudyDefaults | None = None
    event_defaults: EventDefaults | None = None
    coverpage: Coverpage | None = None
    share_pricing: SharePricing | None = None
    anonymization: NamespaceAnonymization | None = Field(
        None, description="/namespace/anonymize: a profile by name, or rules of its own."
    )


class NamespaceObject(NamespaceCompanions, _NamespaceFields):
    """A group or a location: its own fields, its namespace's companions, its members."""

    members: Members | None = Field(
        None,
        description="The whole set of members (account users by email, with a role and "
        "notification flags); left out, members are not managed. Global users and ignored "
        "ones are left alone unless listed.",
    )


def is_empty_override(name: str, value: Any) -> bool:
    """A namespace setting override that overrides nothing: an own flag off, or empty (an
    override equal to the account's value still overrides it, so it is kept)."""
    return value is False or is_empty(value)


NAMESPACE_DANGERS = (
    *settings_dangers("namespace_settings"),
    # which regexp strips less PHI cannot be told from the text: any change of a
    # namespace's anonymization that was set (its profile, its rules, either removed) is
    # reviewed; anonymizing where nothing was is not
    Danger(
        "anonymization",
        "changes or removes the anonymization of a namespace",
        fields={"anonymization.profile": "changed", "anonymization.rules": "changed"},
    ),
)
"""What a namespace may change that is dangerous (``kinds.danger``): settings turned on or
off, and its anonymization."""

NAMESPACE_DEFAULTS = {
    "namespace_settings": is_empty_override,
    "event_defaults": is_empty_override,
    "share_pricing": is_empty_override,
    "anonymization": is_empty_override,
}
"""What export leaves out of the companions: empty overrides and flags that are off."""


def namespace_references(kind_title: str, customfield_object: str) -> tuple[Reference, ...]:
    """References every namespace object makes; ``for_<kind>: false`` roles cannot serve."""
    return (
        Reference(
            ("role",),
            "role",
            forbid=((f"for_{kind_title}", False),),
            label="default role",
        ),
        Reference(
            ("customfields", KEYS),
            "customfield",
            where=(("object", customfield_object),),
            label="custom field value",
        ),
        *COMPANION_REFERENCES,
        *member_references(kind_title),
    )


COMPANION_REFERENCES: tuple[Reference, ...] = (
    Reference(
        ("namespace_settings", "study_field_flags", CUSTOMFIELDS_KEY, KEYS),
        "customfield",
        where=(("object", "Study"),),
        label="custom field flag",
    ),
    *setting_references("namespace_settings", namespace_overridable),
    Reference(
        ("study_defaults", STUDY_DEFAULT_CUSTOMFIELDS, KEYS),
        "customfield",
        where=(("object", "Study"),),
        label="study default",
    ),
    Reference(("anonymization", "profile"), PROFILE_KIND, label="anonymization profile"),
)
"""What the companion fields name, wherever they sit (a group, a location, the account)."""


def decode_customfield_values(raw: dict[str, Any], values: dict[str, Any], names: Names) -> None:
    """``customfields`` comes back as an array of {uuid, name, value}; the config keys by name."""
    live = raw.get("customfields")
    if isinstance(live, list):
        values["customfields"] = {
            names.name("customfield", str(c.get("uuid"))) or str(c.get("name")): c.get("value")
            for c in live
            if isinstance(c, dict) and c.get("value") not in (None, "")
        }


def encode_customfield_values(
    desired: dict[str, Any], params: dict[str, str], names: Names
) -> None:
    for name, value in (desired.get("customfields") or {}).items():
        params[f"customfield-{names.uuid('customfield', name)}"] = (
            "" if value is None else str(value)
        )


CUSTOMFIELD_VALUES = Hook(
    ("customfields",),
    decode=decode_customfield_values,
    encode=encode_customfield_values,
    params=("customfield-{CUSTOMFIELD_UUID}",),
)
"""``customfield-<UUID>`` parameters: one per custom field value, keyed by name in YAML."""


def namespace_api(kind: str) -> ApiMap:
    """Groups and locations are read and written alike, each through its own endpoints."""
    return ApiMap(
        list_path=f"/{kind}/list",
        list_key=f"{kind}s",
        add_path=f"/{kind}/add",
        set_path=f"/{kind}/set",
        delete_path=f"/{kind}/delete",
        owns_namespace=True,
        hooks=(CUSTOMFIELD_VALUES,),
        merged_hashes=NAMESPACE_MERGED,
        companions=(*NAMESPACE_COMPANIONS, members_companion(kind)),
        keyed_lists={"members": MEMBER_LIST},
    )


def namespace_settings_from_api(reply: dict[str, Any], names: Names) -> dict[str, Any]:
    """The namespace's own keys and its setting overrides, typed like the config's."""
    result: dict[str, Any] = {}
    for name, value in reply.items():
        if name in _OWN_FLAGS:
            result[name] = as_flag(value)
        elif name == "study_field_flags":
            flags = parse_json_text(value)
            result[name] = permissions_from_api(flags, names) if isinstance(flags, dict) else {}
        elif name == "storage_always_dicom_tags":
            result[name] = parse_json_text(value)
        elif name == _THRESHOLD:
            text = "" if value is None else str(value).strip()
            result[name] = int(text) if text.isdigit() else value
        elif name in ACCOUNT_SETTINGS:
            result.update(settings_from_api({name: value}, names))
        else:
            result[name] = value
    return result


def namespace_settings_to_api(values: dict[str, Any], names: Names) -> dict[str, str]:
    """One parameter per key, as ``/namespace/settings`` takes them; null (an exact
    namespace reverting an override it does not list) as the API's ``__DELETE__``."""
    params: dict[str, str] = {}
    for name, value in values.items():
        if value is None:
            params[name] = DELETE_OVERRIDE
        elif name == "study_field_flags":
            params[name] = json_text(permissions_to_api(value, names))
        elif name == "storage_always_dicom_tags":
            params[name] = json_text(value)
        else:
            params.update(settings_to_api({name: value}, names))
    return params


DELETE_OVERRIDE = "__DELETE__"
"""Reverts a setting override to the account's value. /node/set and /account/user/set
document it; /namespace/settings documents no way to remove an override, so ambraconf sends
the same value there (docs/config.md, "Merge or exact")."""


def namespace_setting_off(name: str) -> Any:
    """A namespace setting an exact namespace does not list, turned off: an own flag false,
    ``study_field_flags`` empty, an override of an account setting reverted (REVERT); the own
    keys with no documented off value and sysadmin-only settings are left alone (None)."""
    if name in _OWN_FLAGS:
        return False
    if name == "study_field_flags":
        return {}
    fact = ACCOUNT_SETTINGS.get(name)
    if fact is None or sysadmin_only(fact):
        return None
    return REVERT


NAMESPACE_EXACT = {"namespace_settings": ExactHash(tuple, namespace_setting_off)}
"""``exact: true`` on a group, a location or the account: namespace settings the files do
not list are turned off (no key needs live state to be known: a new namespace overrides
nothing)."""


NAMESPACE_COMPANIONS = (
    Companion(
        "namespace_settings",
        "/namespace/settings",
        "namespace_id",
        namespace_settings_from_api,
        namespace_settings_to_api,
    ),
    Companion(
        "study_defaults",
        "/namespace/study/defaults",
        "namespace_id",
        study_defaults_from_api,
        study_defaults_to_api,
    ),
    Companion(
        "event_defaults",
        "/namespace/event/defaults",
        "namespace_id",
        event_defaults_from_api,
        event_defaults_to_api,
    ),
    Companion(
        "coverpage", "/namespace/coverpage", "namespace_id", coverpage_from_api, coverpage_to_api
    ),
    Companion(
        "share_pricing",
        "/namespace/share/pricing",
        "namespace_id",
        share_pricing_from_api,
        share_pricing_to_api,
    ),
    Companion(
        "anonymization",
        "/namespace/anonymize",
        "namespace_id",
        anonymization_from_api,
        anonymization_to_api,
        clear=anonymization_clear,
    ),
)
"""The companion fields of a namespace and their endpoints, all keyed by ``namespace_id``."""
NAMESPACE_MERGED = frozenset(
    {"namespace_settings", "event_defaults", "share_pricing", "anonymization"}
)
"""Companions whose endpoint changes only the keys given (study defaults, the cover page and
the pricing table inside share pricing are replaced whole, as are anonymization rules)."""
