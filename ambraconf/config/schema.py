"""JSON Schema of the config files, generated from the kind models, for editors and CI.

A file may stand in ``${env:NAME}``/``${var:NAME}`` for any value, so every typed or
constrained leaf of the schema also accepts such an expression; otherwise an editor
would flag ``suspended: ${var:uat}`` although ambraconf accepts it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import Field

from ambraconf.config.policies import PolicyRule
from ambraconf.kinds import Account, SharedBlock
from ambraconf.kinds.account import Scalar
from ambraconf.kinds.base import Model

SCHEMA_FILE = "ambraconf.schema.json"
SCHEMA_ID = "https://github.com/ambraconf/ambraconf/schemas/ambraconf.schema.json"
INTERPOLATION = {
    "type": "string",
    "pattern": r"\$\{(env|var):[A-Za-z_][A-Za-z0-9_.\-]*\}",
    "description": "An ${env:NAME} or ${var:NAME} expression.",
}
_CONSTRAINTS = ("enum", "pattern", "minimum", "maximum", "minLength")


class ConfigFile(Model):
    """One ambraconf file; a directory of them is merged (accounts by name)."""

    variables: dict[str, Scalar] | None = Field(
        None, description="Values for ${var:NAME}, shared by every account unless overridden."
    )
    # Account and SharedBlock are classes the registry builds at import from the kinds
    # (create_model), so the checker sees variables of type type[Model]; pydantic reads
    # these annotations at run time, when they are those classes.
    shared: dict[str, SharedBlock] | None = Field(  # type: ignore[valid-type]
        None, description="Named blocks of objects that accounts add with include: [name]."
    )
    accounts: list[Account] | None = Field(None, description="The accounts to manage.")  # type: ignore[valid-type]
    policies: list[PolicyRule] | None = Field(
        None, description="Guard-rail rules over the files and the plan (docs/policies.md)."
    )


def config_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one config file."""
    schema = ConfigFile.model_json_schema(by_alias=True)
    schema = _allow_interpolation(_json_keywords(schema))
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "ambraconf configuration",
        **{k: v for k, v in schema.items() if k != "title"},
    }


_KEYWORDS = {"ge": "minimum", "le": "maximum", "gt": "exclusiveMinimum", "lt": "exclusiveMaximum"}


def _json_keywords(node: Any) -> Any:
    """Bounds on types with their own schema come through under pydantic's names."""
    if isinstance(node, list):
        return [_json_keywords(item) for item in node]
    if not isinstance(node, dict):
        return node
    is_number = node.get("type") in ("integer", "number")
    return {
        (_KEYWORDS.get(key, key) if is_number else key): _json_keywords(value)
        for key, value in node.items()
    }


def _allow_interpolation(node: Any) -> Any:
    """Top down: a constrained leaf, or a choice of them, also takes an expression."""
    if isinstance(node, list):
        return [_allow_interpolation(item) for item in node]
    if not isinstance(node, dict):
        return node
    if _is_constrained_leaf(node):
        leaf = {k: v for k, v in node.items() if k != "description"}
        wrapped: dict[str, Any] = {"anyOf": [leaf, INTERPOLATION]}
        if "description" in node:
            wrapped["description"] = node["description"]
        return wrapped
    choices = node.get("anyOf")
    if isinstance(choices, list) and choices and all(_is_scalar_choice(c) for c in choices):
        if any(_is_constrained_leaf(c) for c in choices) and INTERPOLATION not in choices:
            return {**node, "anyOf": [*choices, INTERPOLATION]}
        return node
    return {key: _allow_interpolation(value) for key, value in node.items()}


def _is_scalar_choice(node: Any) -> bool:
    """A choice that is a leaf (or null): object and array choices are recursed into."""
    return (
        isinstance(node, dict)
        and "anyOf" not in node
        and "$ref" not in node
        and not any(t in ("object", "array") for t in _types(node))
    )


def _types(node: dict[str, Any]) -> list[Any]:
    types = node.get("type")
    return types if isinstance(types, list) else [types]


def _is_constrained_leaf(node: dict[str, Any]) -> bool:
    """A scalar schema that plain text would not satisfy (a number, an enum, a pattern)."""
    if node == INTERPOLATION or "anyOf" in node or "$ref" in node:
        return False
    types = _types(node)
    if any(t in ("object", "array") for t in types):
        return False
    non_text = any(t in ("boolean", "integer", "number") for t in types)
    return non_text or any(c in node for c in _CONSTRAINTS)


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def expected_files() -> dict[str, str]:
    """File name to content of everything ``ambraconf schema`` writes."""
    return {SCHEMA_FILE: render(config_schema())}


def write_schemas(directory: Path) -> list[Path]:
    """Write (or refresh) the schema files into ``directory``; returns the files written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in expected_files().items():
        target = directory / name
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
            written.append(target)
    return written


def stale_schemas(directory: Path) -> list[str]:
    """Names of schema files in ``directory`` that are missing or out of date."""
    stale = []
    for name, text in expected_files().items():
        target = directory / name
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            stale.append(name)
    return stale
