"""Between the config's shape and the API's: a table of fields per kind, and their codecs.

Each kind declares its fields as data (config name, API name, value type, the kind a
reference points at, whether the API accepts it only on add). Reading turns an API object
into the config's shape (flags to booleans, JSON text to structures, uuids to names);
writing does the reverse. Nested references that no table can express (route conditions,
permission keys naming custom fields) are a kind's own hooks.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol


class Names(Protocol):
    """What codecs need from the reference index (see ``ambraconf.engine.refs``)."""

    def uuid(self, kind: str, name: str) -> str: ...
    def name(self, kind: str, uuid: str) -> str | None: ...
    def namespace_id(self, kind: str, name: str) -> str: ...
    def namespace_owner(self, namespace_id: str) -> tuple[str, str] | None: ...


@dataclass(frozen=True)
class Field:
    """One field of a kind: how it is called in YAML and in the API, and how it is encoded.

    ``type`` is one of: text, flag (bool ↔ 1/0), int, json (structure ↔ JSON text),
    json_flags (JSON whose booleans the API wants as 1/0),
    csv (list ↔ "a,b"), ref (name ↔ uuid of ``ref``), refs_csv (names ↔ CSV of uuids).
    """

    name: str
    type: str = "text"
    api: str | None = None
    ref: str | None = None
    add_only: bool = False
    set_only: bool = False

    @property
    def api_name(self) -> str:
        return self.api or self.name


def decode_value(f: Field, value: Any, names: Names) -> Any:
    """An API value in the config's shape."""
    if value is None:
        return None
    decoder = DECODERS[f.type]
    return decoder(f, value, names)


def encode_value(f: Field, value: Any, names: Names) -> str:
    """A config value as the API's form field text."""
    return ENCODERS[f.type](f, value, names)


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


def json_text(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), sort_keys=False, ensure_ascii=False)


def flags_as_numbers(value: Any) -> Any:
    """Inside JSON the API's flags are still 1/0 (route schedules and options)."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, dict):
        return {k: flags_as_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [flags_as_numbers(v) for v in value]
    return value


def split_csv(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, dict):  # stored as hstore on some instances (api-notes §9.5)
        return list(value)
    return [part.strip() for part in str(value).split(",") if part.strip()]


def _ref_name(f: Field, uuid: str, names: Names) -> str:
    return names.name(f.ref or "", uuid) or uuid


DECODERS: Mapping[str, Callable[[Field, Any, Names], Any]] = {
    "text": lambda f, v, n: v if isinstance(v, str) else str(v),
    "flag": lambda f, v, n: as_flag(v),
    "int": lambda f, v, n: int(v) if str(v).strip().lstrip("-").isdigit() else v,
    "json": lambda f, v, n: parse_json_text(v),
    "json_flags": lambda f, v, n: parse_json_text(v),
    "csv": lambda f, v, n: split_csv(v),
    "ref": lambda f, v, n: _ref_name(f, v, n) if v else None,
    "refs_csv": lambda f, v, n: [_ref_name(f, u, n) for u in split_csv(v)],
}

ENCODERS: Mapping[str, Callable[[Field, Any, Names], str]] = {
    "text": lambda f, v, n: "" if v is None else str(v),
    "flag": lambda f, v, n: "1" if as_flag(v) else "0",
    "int": lambda f, v, n: str(int(v)),
    "json": lambda f, v, n: json_text(v),
    "json_flags": lambda f, v, n: json_text(flags_as_numbers(v)),
    "csv": lambda f, v, n: ",".join(v),
    "ref": lambda f, v, n: n.uuid(f.ref or "", v) if v else "",
    "refs_csv": lambda f, v, n: ",".join(n.uuid(f.ref or "", name) for name in v),
}


@dataclass(frozen=True)
class Companion:
    """A field kept by a second, get-or-set endpoint keyed by one of the object's ids
    (a group's ``namespace_settings`` live at ``/namespace/settings?uuid=<namespace_id>``).

    Lists do not return it, so it is read with one bundled call per object that the
    config sets it for, and written with one call after the object's own.
    """

    field: str
    path: str
    key: str
    decode: Callable[[dict[str, Any], Names], Any]
    encode: Callable[[Any, Names], dict[str, str]]
    param: str = "uuid"


@dataclass(frozen=True)
class ApiMap:
    """How one kind is read and written through the API.

    ``owns_namespace`` marks kinds whose objects each have a namespace (groups,
    locations): routes and namespace settings name them through it. ``partial_items``
    are lists of mappings matched as a set whose items are compared on the keys the
    config sets. ``after_write(desired, live_raw, uuid, names)`` gives the calls that
    keep sub-objects (custom field mappings) in step once the object itself is written.
    """

    list_path: str
    list_key: str
    add_path: str
    set_path: str
    delete_path: str
    fields: tuple[Field, ...]
    paged: bool = True
    scope_param: str = "account_id"
    name_field: str = "name"
    uuid_field: str = "uuid"
    owns_namespace: bool = False
    system_types: frozenset[str] = frozenset()
    merged_hashes: frozenset[str] = frozenset()
    unordered_lists: frozenset[str] = frozenset()
    decode_hook: Callable[[dict[str, Any], dict[str, Any], Names], None] | None = None
    encode_hook: Callable[[dict[str, Any], dict[str, Any], Names], None] | None = None
    set_requires: tuple[str, ...] = ()
    immutable: frozenset[str] = frozenset()
    linkage: Callable[[dict[str, Any], Names, str], dict[str, str]] | None = None
    add_defaults: tuple[tuple[str, str], ...] = ()
    companions: tuple[Companion, ...] = ()
    partial_items: frozenset[str] = frozenset()
    after_write: (
        Callable[[dict[str, Any], dict[str, Any], str, Names], list[tuple[str, dict[str, str]]]]
        | None
    ) = None

    def is_system(self, raw: dict[str, Any]) -> bool:
        """Objects the system made (an account's admin and user roles) are never deleted."""
        return str(raw.get("type", "")) in self.system_types

    @property
    def add_only(self) -> frozenset[str]:
        """Fields the API takes only on add: changing one means delete and add again."""
        return self.immutable | {f.name for f in self.fields if f.add_only}

    @property
    def set_only(self) -> frozenset[str]:
        """Fields add does not take: a create sends them in a set right after the add."""
        return frozenset(f.name for f in self.fields if f.set_only)

    def add_scope(self, desired: dict[str, Any], names: Names, account_uuid: str) -> dict[str, str]:
        """What an add names as its owner: the account, or (routes) a namespace."""
        if self.linkage:
            return self.linkage(desired, names, account_uuid)
        return {self.scope_param: account_uuid}

    def decode(self, api_object: dict[str, Any], names: Names) -> dict[str, Any]:
        """A live API object in the config's shape; read-only and unknown fields dropped."""
        result: dict[str, Any] = {}
        for f in self.fields:
            if f.api_name in api_object:
                result[f.name] = decode_value(f, api_object[f.api_name], names)
        if self.decode_hook:
            self.decode_hook(api_object, result, names)
        return result

    def encode(self, desired: dict[str, Any], names: Names) -> dict[str, str]:
        """Form parameters for add or set carrying the fields ``desired`` sets."""
        params: dict[str, str] = {}
        for f in self.fields:
            if f.name in desired and desired[f.name] is not None:
                params[f.api_name] = encode_value(f, desired[f.name], names)
        if self.encode_hook:
            self.encode_hook(desired, params, names)
        return params
