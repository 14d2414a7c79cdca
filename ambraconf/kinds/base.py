"""Building blocks of the kind models: strict mappings, flags, enumerations, value checks.

Value checks that find several problems at once (one per permission, one per setting)
raise a single ``ValidationError`` whose locations are relative to the value; pydantic
prefixes them with the field's own location, so every problem lands on its own line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    PlainValidator,
    ValidationError,
    WithJsonSchema,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import InitErrorDetails, PydanticCustomError, core_schema

from ambraconf.suggest import did_you_mean

Problem = tuple[tuple[str | int, ...], str] | tuple[tuple[str | int, ...], str, str]
"""A location relative to the value being checked, what is wrong there, and optionally
``"key"`` when the message is about the mapping key itself (an unknown name), not its value.
"""
AT_KEY = "key"

UUID_RE = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
OWN_NAMESPACE = "ACCOUNT"
"""How the config names the account's own namespace, which no group or location owns (a
route action, a setting that names namespaces): the API takes its uuid."""


class Model(BaseModel):
    """A YAML mapping with a closed set of keys (a typo is an error, never ignored)."""

    model_config = ConfigDict(
        extra="forbid",
        coerce_numbers_to_str=True,
        populate_by_name=False,
        validate_default=False,
    )


def under(prefix: tuple[str | int, ...], problem: Problem) -> Problem:
    """``problem`` of a value nested at ``prefix``."""
    if len(problem) == 3:
        return ((*prefix, *problem[0]), problem[1], problem[2])
    return ((*prefix, *problem[0]), problem[1])


def problem_error(problems: Iterable[Problem], title: str = "value") -> ValidationError:
    """One ``ValidationError`` carrying every problem at its own location."""
    details = [
        InitErrorDetails(
            type=PydanticCustomError(
                "ambraconf", "{message}", {"message": message, "at": at[0] if at else "value"}
            ),
            loc=loc,
            input=None,
        )
        for loc, message, *at in problems
    ]
    return ValidationError.from_exception_data(title, details)


def fail(message: str) -> PydanticCustomError:
    """An error for the value being validated as a whole."""
    return PydanticCustomError("ambraconf", "{message}", {"message": message})


def describe(value: Any) -> str:
    """How a wrong value is named in a message: ``text 'yes'``, ``a list``, ``the number 3``."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"text {value!r}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


# --- flags -------------------------------------------------------------------------------

_FLAG_TEXT = {"true": True, "false": False, "1": True, "0": False}


def to_flag(value: Any) -> bool:
    """A YAML boolean; 0/1 (the API's spelling) and 'true'/'false' from ${env:...} too."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _FLAG_TEXT:
        return _FLAG_TEXT[value.strip().lower()]
    raise fail(f"expected true or false, got {describe(value)}")


FLAG_SCHEMA: dict[str, Any] = {"anyOf": [{"type": "boolean"}, {"enum": [0, 1]}]}
Flag = Annotated[bool, PlainValidator(to_flag), WithJsonSchema(FLAG_SCHEMA)]


# --- text, names, numbers ----------------------------------------------------------------


def _name(value: Any) -> str:
    if isinstance(value, bool) or value is None or isinstance(value, (dict, list)):
        raise fail(f"expected a name, got {describe(value)}")
    text = str(value)
    if not text.strip():
        raise fail("a name cannot be empty")
    if text != text.strip():
        raise fail(f"name {text!r} has leading or trailing spaces")
    return text


Name = Annotated[str, PlainValidator(_name), WithJsonSchema({"type": "string", "minLength": 1})]
"""An object's name, or a reference to another object by its name."""


@dataclass(frozen=True, eq=False)
class Checked:
    """Annotated metadata: a value check and the JSON Schema that describes it, as one
    object (``Annotated[str, one_of(...)]``), so the type checker reads the annotation too."""

    check: Callable[[Any], Any]
    schema: Mapping[str, Any]

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(self.check)

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return dict(self.schema)


def pattern_text(regex: str, expected: str) -> Checked:
    """Text that must match ``regex``; the message says what was expected in words."""
    compiled = re.compile(regex)

    def check(value: Any) -> str:
        text = _text(value)
        if not compiled.fullmatch(text):
            raise fail(f"expected {expected}, got {text!r}")
        return text

    return Checked(check, {"type": "string", "pattern": f"^{regex}$"})


Uuid = Annotated[str, pattern_text(UUID_RE, "a uuid like 0f8e0a1c-1b2c-4d5e-8f90-a1b2c3d4e5f6")]
Email = Annotated[str, pattern_text(r"[^@\s]+@[^@\s]+", "an email address like rad@clinic.example")]
"""A grid user's login email (account users, group and location members)."""

WebUrl = Annotated[
    str,
    pattern_text(r"https?://[^\s/?#]+\S*", "an http or https URL like https://ehr.example/hook"),
]
"""A URL the API calls out to: the webhook add refuses anything else (INVALID_URL, "The url
value is invalid"), which validate says at the line instead of apply."""

AeTitle = Annotated[
    str,
    pattern_text(r"[^\\\x00-\x1f]{1,16}", "a DICOM AE title: 1 to 16 characters, no backslash"),
]
"""A DICOM application entity title: the standard's AE value representation is at most 16
characters, without backslash or control characters; a longer one is cut or refused by
the far end, so a destination would never be reached."""


def _text(value: Any) -> str:
    if isinstance(value, (dict, list)) or value is None:
        raise fail(f"expected text, got {describe(value)}")
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


Text = Annotated[str, PlainValidator(_text), WithJsonSchema({"type": "string"})]
"""Free text; YAML numbers and booleans written where text is expected are taken as text."""


def _integer(value: Any) -> int:
    if isinstance(value, bool):
        raise fail(f"expected a whole number, got {describe(value)}")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
        return int(value)
    raise fail(f"expected a whole number, got {describe(value)}")


Integer = Annotated[int, PlainValidator(_integer), WithJsonSchema({"type": "integer"})]


def text_or_list(value: Any) -> str | list[str]:
    """One text, or a list of texts (webhook filters, route ``rv`` for ``in``)."""
    if isinstance(value, list):
        problems = [
            ((i,), f"expected text, got {describe(v)}")
            for i, v in enumerate(value)
            if isinstance(v, (dict, list)) or v is None
        ]
        if problems:
            raise problem_error(problems)
        return [_text(v) for v in value]
    return _text(value)


TextOrList = Annotated[
    str | list[str],
    PlainValidator(text_or_list),
    WithJsonSchema({"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}),
]

JsonObject = Annotated[
    dict[str, Any],
    BeforeValidator(lambda v: _require_mapping(v)),
    WithJsonSchema({"type": "object"}),
]
"""A JSON structure the API takes as text (``share_settings``, ``ui_json``): write YAML."""


def _require_mapping(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise fail(f"expected a mapping, got {describe(value)}")
    return value


# --- enumerations ------------------------------------------------------------------------


def one_of(values: Collection[str], what: str, *, description: str | None = None) -> Checked:
    """A text type limited to documented values, with a 'did you mean' for typos."""
    allowed = frozenset(values)

    def check(value: Any) -> str:
        text = _text(value)
        if text not in allowed:
            raise fail(f"unknown {what} {text!r}{did_you_mean(text, allowed)}")
        return text

    schema: dict[str, Any] = {"type": "string", "enum": sorted(allowed)}
    if description:
        schema["description"] = description
    return Checked(check, schema)


def checked_mapping(
    check: Callable[[dict[str, Any]], dict[str, Any]],
    schema: dict[str, Any],
    shorthand: Callable[[Any], dict[str, Any] | None] = lambda value: None,
) -> Checked:
    """A mapping validated as a whole by ``check`` (which raises ``problem_error``).

    ``shorthand`` turns a short form (``prune: true``) into the mapping, or returns None.
    """

    def validate(value: Any) -> dict[str, Any]:
        expanded = shorthand(value)
        return check(_require_mapping(value if expanded is None else expanded))

    return Checked(validate, schema)


# --- objects -----------------------------------------------------------------------------


class ObjectModel(Model):
    """Keys every managed object may carry besides its own fields."""

    uuid: Uuid | None = Field(
        None, description="Pin this object to a live uuid (the name may then differ)."
    )
    protect: Flag | None = Field(
        None, description="Never delete or replace this object, even when pruning."
    )
    renamed_from: Name | None = Field(
        None, description="The object's previous name: rename it rather than recreate it."
    )


class ExactObject(ObjectModel):
    """An object whose merged hashes (role permissions, namespace settings) may mean
    exactly what they say."""

    exact: Flag | None = Field(
        None,
        description="Keys of its hashes (permissions, namespace_settings) that the files do "
        "not list are turned off on apply, and any other live value is drift (default: the "
        "account's exact, else merge: unlisted keys are left alone).",
    )


META_FIELDS: frozenset[str] = frozenset(ExactObject.model_fields)


def exactly_one(values: dict[str, Any], keys: Iterable[str], what: str) -> str | None:
    """The problem when not exactly one of ``keys`` is set, else None."""
    keys = list(keys)
    present = [k for k in keys if values.get(k) is not None]
    if len(present) == 1:
        return None
    if not present:
        return f"{what} needs one of: {', '.join(keys)}"
    return f"{what} takes only one of: {', '.join(present)}"


def secret_paths(
    model: type[BaseModel], prefix: tuple[str, ...] = ()
) -> tuple[tuple[str, ...], ...]:
    """Paths of fields marked ``json_schema_extra={"secret": True}``, nested models included."""
    found: list[tuple[str, ...]] = []
    for name, info in model.model_fields.items():
        key = info.alias or name
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        if extra.get("secret"):
            found.append((*prefix, key))
        for inner in _models_in(info.annotation):
            found.extend(secret_paths(inner, (*prefix, key)))
    return tuple(found)


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in getattr(annotation, "__args__", ()) for m in _models_in(arg)]
