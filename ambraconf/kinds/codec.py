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
from dataclasses import dataclass, replace
from types import UnionType
from typing import Annotated, Any, Protocol, Union, get_args, get_origin

from pydantic import BaseModel


class Names(Protocol):
    """What codecs need from the reference index (see ``ambraconf.engine.refs``)."""

    def uuid(self, kind: str, name: str) -> str: ...
    def name(self, kind: str, uuid: str) -> str | None: ...
    def namespace_id(self, kind: str, name: str) -> str: ...
    def namespace_owner(self, namespace_id: str) -> tuple[str, str] | None: ...


@dataclass(frozen=True)
class Api:
    """How a model field travels to and from the API; the model annotates it in place
    (``for_group: Annotated[Flag | None, Api()]``), so a field is declared once.

    ``name`` is the API's parameter name when it differs (``role`` is ``role_id``);
    ``codec`` is needed only where the field's type does not decide it (a list is JSON
    or comma-separated); ``ref`` names the kind a reference points at. ``add_only``
    fields can only be given when the object is created (a change is a replace);
    ``set_only`` ones only in a set (a create sends them right after the add).
    ``compare=False`` fields are sent on add but never diffed (an account's name).
    ``add_default`` is sent on add when the config leaves the field out (the add requires
    it); ``resend`` fields go with every set, changed or not (the set requires them).
    """

    name: str | None = None
    codec: str | None = None
    ref: str | None = None
    add_only: bool = False
    set_only: bool = False
    compare: bool = True
    add_default: Any = None
    resend: bool = False


@dataclass(frozen=True)
class Field:
    """One wired field of a kind, as derived from its model (see ``fields_of``).

    ``codec`` is one of: text, flag (bool ↔ 1/0), int, json (structure ↔ JSON text),
    csv (list ↔ "a,b"), ref (name ↔ uuid of ``ref``), refs_csv (names ↔ CSV of uuids).
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

    @property
    def api_name(self) -> str:
        return self.api or self.name


CODECS = ("text", "flag", "int", "json", "csv", "ref", "refs_csv")


class DeclarationError(TypeError):
    """A kind whose declaration contradicts itself or the documented API (at import)."""


def fields_of(model: type[BaseModel]) -> tuple[Field, ...]:
    """The wired fields of ``model``: those annotated with ``Api``, codec from the type."""
    found = []
    for name, info in model.model_fields.items():
        api = next((m for m in info.metadata if isinstance(m, Api)), None)
        if api is None:
            continue
        key = info.alias or name
        codec, shape = _codec(model, key, info.annotation, api)
        found.append(
            Field(
                key,
                codec,
                api.name,
                api.ref,
                api.add_only,
                api.set_only,
                api.compare,
                shape,
                api.add_default,
                api.resend,
            )
        )
    return tuple(found)


def _codec(
    model: type[BaseModel], name: str, annotation: Any, api: Api
) -> tuple[str, type[BaseModel] | None]:
    """One rule per type: bool is a flag, int a number, a mapping or a documented
    structure JSON, text text (or a reference with ``ref``); lists must say."""
    base = plain_type(annotation)
    shape = base if isinstance(base, type) and issubclass(base, BaseModel) else None
    if api.codec is not None:
        if api.codec not in CODECS:
            raise DeclarationError(f"{model.__name__}.{name}: unknown codec {api.codec!r}")
        return api.codec, shape
    if base is bool:
        return "flag", None
    if base is int:
        return "int", None
    if base is str:
        return ("ref" if api.ref else "text"), None
    if base is dict or shape is not None:
        return "json", shape
    raise DeclarationError(
        f"{model.__name__}.{name}: say how the API encodes it (Api(codec=...)); "
        f"its type {annotation!r} does not decide"
    )


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


def json_text(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), sort_keys=False, ensure_ascii=False)


def shaped(value: Any, shape: type[BaseModel], flag: Callable[[Any], Any]) -> Any:
    """``value`` with ``flag`` applied to every flag its documented ``shape`` declares, at
    any depth: the API's flags are 1/0 inside JSON too ("Flags are numeric fields with a 1
    or 0 value"), while keys the shape does not declare pass as written."""
    if not isinstance(value, dict):
        return value
    result = dict(value)
    for name, info in shape.model_fields.items():
        key = info.alias or name
        if result.get(key) is None:
            continue
        base = plain_type(info.annotation)
        if base is bool:
            result[key] = flag(result[key])
        elif isinstance(base, type) and issubclass(base, BaseModel):
            result[key] = shaped(result[key], base, flag)
        elif base is list and isinstance(result[key], list) and (item := _item_model(info)):
            result[key] = [shaped(v, item, flag) for v in result[key]]
    return result


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


DECODERS: Mapping[str, Callable[[Field, Any, Names], Any]] = {
    "text": lambda f, v, n: v if isinstance(v, str) else str(v),
    "flag": lambda f, v, n: as_flag(v),
    "int": lambda f, v, n: int(v) if str(v).strip().lstrip("-").isdigit() else v,
    "json": lambda f, v, n: decode_json(v, f.shape),
    "csv": lambda f, v, n: split_csv(v),
    "ref": lambda f, v, n: _ref_name(f, v, n) if v else None,
    "refs_csv": lambda f, v, n: [_ref_name(f, u, n) for u in split_csv(v)],
}

ENCODERS: Mapping[str, Callable[[Field, Any, Names], str]] = {
    "text": lambda f, v, n: "" if v is None else str(v),
    "flag": lambda f, v, n: "1" if as_flag(v) else "0",
    "int": lambda f, v, n: str(int(v)),
    "json": lambda f, v, n: encode_json(v, f.shape),
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


Decode = Callable[[dict[str, Any], dict[str, Any], Names], None]
Encode = Callable[[dict[str, Any], dict[str, str], Names], None]
AfterWrite = Callable[
    [dict[str, Any], dict[str, Any], str, Names], list[tuple[str, dict[str, str]]]
]


@dataclass(frozen=True)
class Hook:
    """Fields no table row can carry, read and written by the kind's own code (route
    conditions name custom fields by uuid inside JSON; custom field mappings live under
    endpoints of their own).

    ``fields`` are the model fields it handles, ``params`` the API parameters its
    ``encode`` may send, ``paths`` the endpoints its ``after_write`` calls: the registry
    checks all three against the model and the documented endpoints at import.
    ``decode(raw, values, names)`` fills config-shaped values from a live object;
    ``encode(desired, params, names)`` adds form parameters; ``after_write(desired,
    live_raw, uuid, names)`` gives the calls that keep sub-objects in step once the
    object itself is written. ``set_only`` hooks are sent in the set that follows an add;
    ``add_only`` ones can only be given on add (a change is a replace). ``scope(desired,
    names, account_uuid)`` names the owner an add links the object to, instead of the
    kind's ``scope_param`` (a route belongs to a group's namespace or the account).
    """

    fields: tuple[str, ...]
    decode: Decode | None = None
    encode: Encode | None = None
    after_write: AfterWrite | None = None
    params: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()
    set_only: bool = False
    add_only: bool = False
    scope: Callable[[dict[str, Any], Names, str], dict[str, str]] | None = None


@dataclass(frozen=True)
class ApiMap:
    """How one kind is read and written through the API: endpoints and protocol facts.

    The fields are not listed here: ``KindSpec`` derives them from its model's ``Api``
    annotations (``fields_of``) and binds them with ``with_fields``.
    ``owns_namespace`` marks kinds whose objects each have a namespace (groups,
    locations): routes and namespace settings name them through it. ``partial_items``
    are lists of mappings matched as a set whose items are compared on the keys the
    config sets. ``scope_param`` is the parameter an add and a list name the owner with
    (None: the object has no owner, as an account); a hook's ``scope`` may pick the add's
    owner per object instead. An empty
    ``delete_path`` means the kind is never deleted. ``undocumented`` lists paths the
    public documentation lacks but Ambra's own tools use (``/account/add``): the
    registry's check lets those through, and only those.
    """

    list_path: str
    list_key: str
    add_path: str
    set_path: str
    delete_path: str
    fields: tuple[Field, ...] = ()
    paged: bool = True
    scope_param: str | None = "account_id"
    name_field: str = "name"
    uuid_field: str = "uuid"
    owns_namespace: bool = False
    merged_hashes: frozenset[str] = frozenset()
    unordered_lists: frozenset[str] = frozenset()
    hooks: tuple[Hook, ...] = ()
    companions: tuple[Companion, ...] = ()
    partial_items: frozenset[str] = frozenset()
    undocumented: frozenset[str] = frozenset()

    def with_fields(self, fields: tuple[Field, ...]) -> ApiMap:
        return replace(self, fields=fields)

    @property
    def add_only(self) -> frozenset[str]:
        """Fields the API takes only on add: changing one means delete and add again."""
        hooked = {f for hook in self.hooks if hook.add_only for f in hook.fields}
        return frozenset(f.name for f in self.fields if f.add_only) | hooked

    @property
    def set_only(self) -> frozenset[str]:
        """Fields add does not take: a create sends them in a set right after the add."""
        hooked = {f for hook in self.hooks if hook.set_only for f in hook.fields}
        return frozenset(f.name for f in self.fields if f.set_only) | hooked

    @property
    def uncompared(self) -> frozenset[str]:
        """Fields sent on add and never diffed."""
        return frozenset(f.name for f in self.fields if not f.compare)

    @property
    def hooked(self) -> frozenset[str]:
        """Model fields the kind's own code reads and writes (hooks and companions)."""
        return frozenset(
            {f for hook in self.hooks for f in hook.fields} | {c.field for c in self.companions}
        )

    def add_scope(self, desired: dict[str, Any], names: Names, account_uuid: str) -> dict[str, str]:
        """What an add names as its owner: the account, or (routes) a namespace."""
        for hook in self.hooks:
            if hook.scope:
                return hook.scope(desired, names, account_uuid)
        return {self.scope_param: account_uuid} if self.scope_param else {}

    def add_defaults(self, desired: dict[str, Any], names: Names) -> dict[str, str]:
        """What an add must carry although the config leaves it out."""
        return {
            f.api_name: encode_value(f, f.add_default, names)
            for f in self.fields
            if f.add_default is not None and desired.get(f.name) is None
        }

    @property
    def resent(self) -> frozenset[str]:
        """Fields every set carries, changed or not."""
        return frozenset(f.name for f in self.fields if f.resend)

    def list_scope(self, account_uuid: str) -> dict[str, str]:
        """The parameters a list call of one account's objects takes."""
        return {self.scope_param: account_uuid} if self.scope_param else {}

    def decode(self, api_object: dict[str, Any], names: Names) -> dict[str, Any]:
        """A live API object in the config's shape; read-only and unknown fields dropped."""
        result: dict[str, Any] = {}
        for f in self.fields:
            if f.api_name in api_object:
                result[f.name] = decode_value(f, api_object[f.api_name], names)
        for hook in self.hooks:
            if hook.decode:
                hook.decode(api_object, result, names)
        return result

    def encode(self, desired: dict[str, Any], names: Names) -> dict[str, str]:
        """Form parameters for add or set carrying the fields ``desired`` sets."""
        params: dict[str, str] = {}
        for f in self.fields:
            if f.name in desired and desired[f.name] is not None:
                params[f.api_name] = encode_value(f, desired[f.name], names)
        for hook in self.hooks:
            if hook.encode:
                hook.encode(desired, params, names)
        return params

    def after_write(
        self, desired: dict[str, Any], raw: dict[str, Any], uuid: str, names: Names
    ) -> list[tuple[str, dict[str, str]]]:
        """The calls that keep sub-objects in step once the object itself is written."""
        return [
            call
            for hook in self.hooks
            if hook.after_write
            for call in hook.after_write(desired, raw, uuid, names)
        ]
