"""Pydantic validation errors as diagnostics at the file, line and column of the bad value.

Pydantic reports a location inside the data it was given (``('roles', 2, 'permissions',
'study_veiw')``); the located containers map that back to the source. Messages are
rewritten for people who write YAML, not Python.
"""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from ambraconf.config.diagnostics import Diagnostics
from ambraconf.config.positions import PathPart, locate
from ambraconf.kinds.base import describe
from ambraconf.suggest import did_you_mean

_EXPECTED = {
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "int_from_float": "expected a whole number",
    "float_type": "expected a number",
    "float_parsing": "expected a number",
    "string_type": "expected text",
    "list_type": "expected a list",
    "dict_type": "expected a mapping",
    "model_type": "expected a mapping",
    "model_attributes_type": "expected a mapping",
}


def report_validation_error(
    error: ValidationError,
    root: Any,
    model: type[BaseModel],
    diagnostics: Diagnostics,
) -> None:
    """Every error of ``error`` as a diagnostic located through ``root`` (the data given)."""
    for item in error.errors(include_url=False):
        loc = tuple(item["loc"])
        kind = item["type"]
        ctx = item.get("ctx") or {}
        at_key = kind == "extra_forbidden" or ctx.get("at") == "key"
        mark, rest = locate(root, loc, key=at_key)
        if kind == "missing":
            diagnostics.error(
                mark, f"missing required key '{loc[-1]}'", extra_path=_shown(rest[:-1])
            )
            continue
        if kind == "extra_forbidden":
            key = str(loc[-1])
            message = f"unknown key '{key}'{did_you_mean(key, field_names(model, loc[:-1]))}"
        else:
            message = _message(kind, item, ctx)
        diagnostics.error(mark, message, extra_path=_shown(rest))


def _message(kind: str, item: ErrorDetails, ctx: dict[str, Any]) -> str:
    if kind == "ambraconf":
        return str(ctx["message"])
    if kind in _EXPECTED:
        return f"{_EXPECTED[kind]}, got {describe(item.get('input'))}"
    if kind == "too_short" and ctx.get("min_length") == 1:
        return "needs at least one item"
    if kind == "greater_than_equal":
        return f"must be {ctx.get('ge')} or more, got {describe(item.get('input'))}"
    if kind == "less_than_equal":
        return f"must be {ctx.get('le')} or less, got {describe(item.get('input'))}"
    message = str(item.get("msg", "invalid value"))
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    return message[:1].lower() + message[1:]


def _shown(rest: tuple[Any, ...]) -> tuple[PathPart, ...]:
    """Path parts worth showing: pydantic adds tags like ``function-plain[...]`` to unions."""
    return tuple(p for p in rest if isinstance(p, int) or ("[" not in p and "(" not in p))


def field_names(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The keys the model expects at ``loc`` (for 'did you mean'); empty if unknown there."""
    annotation: Any = model
    for part in loc:
        annotation = _step(annotation, part)
        if annotation is None:
            return []
    models = _models(annotation)
    return [info.alias or name for m in models for name, info in m.model_fields.items()]


def _step(annotation: Any, part: Any) -> Any:
    for candidate in _unwrap(annotation):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            for name, info in candidate.model_fields.items():
                if part in (name, info.alias):
                    return info.annotation
        origin = typing.get_origin(candidate)
        args = typing.get_args(candidate)
        if origin is list and isinstance(part, int) and args:
            return args[0]
        if origin is dict and isinstance(part, str) and len(args) == 2:
            return args[1]
    return None


def _unwrap(annotation: Any) -> list[Any]:
    """The alternatives of an optional/union/Annotated type."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [a for arg in typing.get_args(annotation) for a in _unwrap(arg)]
    return [annotation]


def _models(annotation: Any) -> list[type[BaseModel]]:
    return [c for c in _unwrap(annotation) if isinstance(c, type) and issubclass(c, BaseModel)]
