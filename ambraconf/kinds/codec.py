"""Values between the config's shape and the API's, one codec per type.

Reading turns an API value into the config's shape (flags to booleans, JSON text to
structures, uuids to names); writing does the reverse. Which codec a field uses is derived
from its model's annotation (``ambraconf.kinds.wiring``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from types import UnionType
from typing import Annotated, Any, Protocol, Union, get_args, get_origin

from pydantic import BaseModel


class Names(Protocol):
    """What codecs need from the reference index (see ``ambraconf.engine.refs``)."""

    def uuid(self, kind: str, name: str) -> str: ...
    def name(self, kind: str, uuid: str) -> str | None: ...
    def namespace_id(self, kind: str, name: str) -> str: ...
    def namespace_owner(self, namespace_id: str) -> tuple[str, str] | None: ...
    def own_namespace(self) -> str: ...
    def own_account(self) -> str: ...
    def is_own_namespace(self, namespace_id: str) -> bool: ...
    def flagged(self, kind: str, name: str, flag: str) -> bool: ...


@dataclass(frozen=True)
class Field:
    """One wired field of a kind, as derived from its model (see ``fields_of``).

    ``codec`` is one of: text, flag (bool ↔ 1/0), int, json (structure ↔ JSON text),
    csv (list ↔ "a,b"), ref (name ↔ uuid of ``ref``), refs_csv (names ↔ CSV of uuids),
    refs_json (names ↔ a JSON array of uuids).
    ``shape`` is the model of a documented JSON structure (route options): its flags
    travel as 1/0 like every documented flag; free-form JSON travels as written.
    """

    name: str
    codec: str = "text"
    api: str | None = None
    ref: str | None = None
    add_only: bool = False
    set_only: bool = False
    compare: bool = True
    shape: type[BaseModel] | None = None
    add_default: Any = None
    resend: bool = False
    read_as: str | None = None

    @property
    def api_name(self) -> str:
        return self.api or self.name

    @property
    def read_name(self) -> str:
        """The name reads return it under (``Api.read_as``), else its parameter's."""
        return self.read_as or self.api_name


CODECS = ("text", "flag", "int", "json", "csv", "ref", "refs_csv", "refs_json")


def plain_type(annotation: Any) -> Any:
    """``Flag | None`` → ``bool``, ``list[Text]`` → ``list``: the type that picks a codec."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, UnionType):
            options = [a for a in get_args(annotation) if a is not type(None)]
            if len(options) != 1:
                return object
            annotation = options[0]
        elif origin is not None:
            return origin
        else:
            return annotation


def decode_value(f: Field, value: Any, names: Names) -> Any:
    """An API value in the config's shape."""
    if value is None:
        return None
    decoder = DECODERS[f.codec]
    return decoder(f, value, names)


def encode_value(f: Field, value: Any, names: Names) -> str:
    """A config value as the API's form field text."""
    return ENCODERS[f.codec](f, value, names)


def parse_json_text(value: Any) -> Any:
    """The API returns some JSON fields as structures and some as text; accept both."""
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        try:
            return json.loads(text)
        except ValueError:
            return value
    return value


def as_flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes")
    return bool(value)


API_FLAGS: Mapping[Any, bool] = {0: False, 1: True, "0": False, "1": True}
"""How the API spells nearly every flag it returns, and what ``as_flag`` makes of each
(``True`` and ``False`` hash as 1 and 0, so they are found too)."""


def _decode_flag(f: Field, value: Any, names: Names) -> bool:
    """``as_flag``, with the API's own spellings looked up: a live route or group is mostly
    flags, and a 500-account read decodes some 800,000 of them."""
    if type(value) is int or type(value) is str:
        known = API_FLAGS.get(value)
        if known is not None:
            return known
    return as_flag(value)


def json_text(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), sort_keys=False, ensure_ascii=False)


def shaped(value: Any, shape: type[BaseModel], flag: Callable[[Any], Any]) -> Any:
    """``value`` with ``flag`` applied to every flag its documented ``shape`` declares, at
    any depth: the API's flags are 1/0 inside JSON too ("Flags are numeric fields with a 1
    or 0 value"), while keys the shape does not declare pass as written."""
    if not isinstance(value, dict):
        return value
    result = dict(value)
    for key, base, item in _shape_fields(shape):
        if result.get(key) is None:
            continue
        if base is bool:
            result[key] = flag(result[key])
        elif item is None:
            result[key] = shaped(result[key], base, flag)
        elif isinstance(result[key], list):
            result[key] = [shaped(v, item, flag) for v in result[key]]
    return result


@cache
def _shape_fields(shape: type[BaseModel]) -> tuple[tuple[str, Any, Any], ...]:
    """The keys of ``shape`` that ``shaped`` converts, each with its type (``bool``, or a
    model to descend into) and, for a list of models, the items' model: worked out once
    per shape, as every live route's options and schedule are shaped."""
    fields: list[tuple[str, Any, Any]] = []
    for name, info in shape.model_fields.items():
        base = plain_type(info.annotation)
        if base is bool or (isinstance(base, type) and issubclass(base, BaseModel)):
            fields.append((info.alias or name, base, None))
        elif base is list and (item := _item_model(info)):
            fields.append((info.alias or name, base, item))
    return tuple(fields)


def _item_model(info: Any) -> type[BaseModel] | None:
    args = get_args(_without_none(info.annotation))
    item = plain_type(args[0]) if args else None
    return item if isinstance(item, type) and issubclass(item, BaseModel) else None


def _without_none(annotation: Any) -> Any:
    if get_origin(annotation) in (Union, UnionType):
        options = [a for a in get_args(annotation) if a is not type(None)]
        return options[0] if len(options) == 1 else annotation
    return annotation


def decode_json(value: Any, shape: type[BaseModel] | None) -> Any:
    """JSON text (or a structure) from the API in the config's shape."""
    parsed = parse_json_text(value)
    return shaped(parsed, shape, as_flag) if shape is not None else parsed


def encode_json(value: Any, shape: type[BaseModel] | None) -> str:
    """A structure as the API's JSON text, documented flags as 1/0."""
    return json_text(shaped(value, shape, lambda v: int(as_flag(v))) if shape else value)


def split_csv(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, dict):  # stored as hstore on some instances (api-notes §9.5)
        return list(value)
    return [part.strip() for part in str(value).split(",") if part.strip()]


def _ref_name(f: Field, uuid: str, names: Names) -> str:
    return names.name(f.ref or "", uuid) or uuid


def _ref_names(f: Field, uuids: Any, names: Names) -> Any:
    return [_ref_name(f, str(u), names) for u in uuids] if isinstance(uuids, list) else uuids


DECODERS: Mapping[str, Callable[[Field, Any, Names], Any]] = {
    "text": lambda f, v, n: v if isinstance(v, str) else str(v),
    "flag": _decode_flag,
    "int": lambda f, v, n: int(v) if str(v).strip().lstrip("-").isdigit() else v,
    "json": lambda f, v, n: decode_json(v, f.shape),
    "csv": lambda f, v, n: split_csv(v),
    "ref": lambda f, v, n: _ref_name(f, v, n) if v else None,
    "refs_csv": lambda f, v, n: [_ref_name(f, u, n) for u in split_csv(v)],
    "refs_json": lambda f, v, n: _ref_names(f, parse_json_text(v), n),
}

ENCODERS: Mapping[str, Callable[[Field, Any, Names], str]] = {
    "text": lambda f, v, n: "" if v is None else str(v),
    "flag": lambda f, v, n: "1" if as_flag(v) else "0",
    "int": lambda f, v, n: str(int(v)),
    "json": lambda f, v, n: encode_json(v, f.shape),
    "csv": lambda f, v, n: ",".join(v),
    "ref": lambda f, v, n: n.uuid(f.ref or "", v) if v else "",
    "refs_csv": lambda f, v, n: ",".join(n.uuid(f.ref or "", name) for name in v),
    "refs_json": lambda f, v, n: json_text([n.uuid(f.ref or "", name) for name in v]),
}
