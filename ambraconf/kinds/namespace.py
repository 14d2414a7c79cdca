"""What groups and locations share: they both own a namespace with the same fields.

Not a kind of its own; ``group.py`` and ``location.py`` build on it.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from ambraconf.facts import ACCOUNT_SETTINGS
from ambraconf.kinds.apimap import ApiMap, Companion, Hook
from ambraconf.kinds.base import (
    AT_KEY,
    FLAG_SCHEMA,
    Flag,
    Integer,
    JsonObject,
    Name,
    ObjectModel,
    Problem,
    Text,
    checked_mapping,
    describe,
    problem_error,
    to_flag,
)
from ambraconf.kinds.codec import Names, as_flag, json_text, parse_json_text
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
)
from ambraconf.kinds.spec import KEYS, Reference
from ambraconf.kinds.wiring import Api
from ambraconf.suggest import did_you_mean

_OWN_FLAGS = ("no_dup_share", "share_related", "ira_namespace")
_OWN_SCHEMAS: dict[str, dict[str, Any]] = {
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


class NamespaceObject(ObjectModel):
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
    namespace_settings: NamespaceSettings | None = Field(
        None, description="/namespace/settings: own keys and namespace-overridable settings."
    )


def is_empty_override(name: str, value: Any) -> bool:
    """A namespace setting override that overrides nothing: an own flag off, or empty (an
    override equal to the account's value still overrides it, so it is kept)."""
    return value is False or value is None or value == "" or value in ({}, [])


NAMESPACE_DEFAULTS = {"namespace_settings": is_empty_override}


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
        Reference(
            ("namespace_settings", "study_field_flags", CUSTOMFIELDS_KEY, KEYS),
            "customfield",
            where=(("object", "Study"),),
            label="custom field flag",
        ),
        *setting_references("namespace_settings", namespace_overridable),
    )


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
        merged_hashes=frozenset({"namespace_settings"}),
        companions=(
            Companion(
                "namespace_settings",
                "/namespace/settings",
                "namespace_id",
                namespace_settings_from_api,
                namespace_settings_to_api,
            ),
        ),
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
        elif name in ACCOUNT_SETTINGS:
            result.update(settings_from_api({name: value}, names))
        else:
            result[name] = value
    return result


def namespace_settings_to_api(values: dict[str, Any], names: Names) -> dict[str, str]:
    """One parameter per key, as ``/namespace/settings`` takes them."""
    params: dict[str, str] = {}
    for name, value in values.items():
        if name == "study_field_flags":
            params[name] = json_text(permissions_to_api(value, names))
        elif name == "storage_always_dicom_tags":
            params[name] = json_text(value)
        else:
            params.update(settings_to_api({name: value}, names))
    return params
