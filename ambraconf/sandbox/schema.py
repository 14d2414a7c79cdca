"""The shape every emulated kind is written in: fields, endpoints, seeding, as data.

A kind module (roles.py, webhooks.py, ...) declares one :class:`Kind`: its
:class:`Field` table, the generic endpoints it has, any special endpoints, the
hooks that hold its documented rules, and how a seed file names it. The generic
handlers in ``crud.py`` and the seeder in ``seed.py`` read these tables, so a field
is one line in its kind's module rather than an ``if`` in a handler, and a new
kind is one module and one line in ``registry.py``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from ambraconf.sandbox.context import Call
from ambraconf.sandbox.store import Row

REQUIRED = "required"
OPTIONAL = "optional"
NO = "no"

Handler = Callable[[Call], dict[str, Any]]
Hook = Callable[..., Any]


@dataclass(frozen=True)
class Field:
    """One documented parameter/field of a kind.

    ``type``: text, flag (0/1), int, json (JSON text in, structure out), csv (comma list
    kept as text). ``add``/``set``: required, optional or no. ``ci``: compared without case
    in filters and uniqueness (names are citext in the data dictionary). ``hidden``: accepted
    but never returned (a password, a parent's uuid).
    """

    name: str
    type: str = "text"
    add: str = OPTIONAL
    set: str = OPTIONAL
    default: Any = None
    ci: bool = False
    hidden: bool = False


def flags(*names: str, default: int = 0, add: str = OPTIONAL, set: str = OPTIONAL) -> list[Field]:
    """Many 0/1 fields alike: the documentation lists flags by the dozen."""
    return [Field(name, "flag", add=add, set=set, default=default) for name in names]


def defaults(fields: list[Field]) -> dict[str, Any]:
    """The stored document of an object nobody has given any field yet."""
    return {f.name: copy.deepcopy(f.default) for f in fields}


@dataclass(frozen=True)
class Endpoint:
    """An endpoint: its handler, whether it needs a session, whether GET is refused.

    ``object_name`` is what ``fields.OBJECT`` names for the objects it returns, and
    ``list_key`` the array they are in (None: the object is the reply itself).
    ``undocumented`` says why the sandbox serves a path the documentation lacks;
    every other emulated path must be a documented one (a test checks).
    """

    handler: Handler
    auth: bool = True
    post_only: bool = False
    object_name: str | None = None
    list_key: str | None = None
    undocumented: str = ""


class SeedError(ValueError):
    """A seed that cannot be loaded; the message names the object and the API's error."""


class SeedContext(Protocol):
    """What a kind's seeding hooks may ask of the seeder: names to uuids, and calls.

    ``account`` gives another account's uuid by name; ``save`` stores what a hook changed
    in a row that no documented call can set (a custom code's sharing).
    ``uuid``, ``user`` and ``account`` raise :class:`SeedError` for a name that is not there,
    ``call`` for an error answer; ``named`` and ``row`` answer None.
    """

    account_id: str

    def named(self, kind: str, name: str) -> Row | None: ...

    def uuid(self, kind: str, name: str) -> str: ...

    def user(self, email: str) -> str: ...

    def row(self, kind: str, uuid: str) -> Row | None: ...

    def call(self, path: str, params: dict[str, Any]) -> dict[str, Any]: ...

    def account(self, name: str) -> str: ...

    def save(self, row: Row) -> None: ...


@dataclass(frozen=True)
class Ref:
    """A seed key that names an object; the seeder sends that object's uuid as ``param``.

    ``kind`` "user" means the name is an email.
    """

    param: str
    kind: str


@dataclass(frozen=True)
class Seeding:
    """How a seed account lists objects of a kind (docs/sandbox.md, "Seed files").

    ``key`` is the list's name in the seed; each entry is sent to the kind's add call,
    with the keys in ``refs`` turned from names into uuids. ``prepare`` rewrites what
    else in an entry names things (a route's conditions and actions); ``then`` takes
    keys that become calls after the add, ``then[key](context, uuid, value)``.
    ``params`` are set parameters beyond the fields (the account's ``settings``).
    ``verb`` is the call an entry goes to, where the kind has no ``/add`` (a share rule is
    added with ``/account/can/share``, a terminology override written with
    ``/terminology/set``).
    """

    key: str
    refs: Mapping[str, Ref] = field(default_factory=dict)
    prepare: Callable[[SeedContext, dict[str, Any]], dict[str, Any]] | None = None
    then: Mapping[str, Callable[[SeedContext, str, Any], None]] = field(default_factory=dict)
    params: tuple[str, ...] = ()
    verb: str = "add"


@dataclass
class Kind:
    """One kind of object: its fields, its endpoints, its rules, its seed key.

    ``endpoints`` are the generic ones crud.py serves from the fields; ``extra`` maps
    further verbs (``"settings"`` for ``/role/settings``) to their own handlers.
    Permissions come from the documented endpoint table (``documented.py``);
    ``view``/``edit`` are given only where the sandbox knowingly differs from it.
    ``scope_params`` name the account (or what links to one) in an add, and
    ``parent`` the field holding the object an added one hangs off (its
    ``parent_id`` in the store, deleted with it).

    Hooks: ``add_scope(call)`` finds the account of an add (and linkage fields);
    ``check(call, kind, doc, old, account)`` enforces the rules on the resulting
    object (``old`` is the object before a set, None on add); ``present(call, row,
    out)`` adds read-only fields; ``after_add``, ``after_set``, ``before_delete``
    do side effects and cascades.
    """

    name: str
    path: str
    list_key: str
    fields: list[Field]
    paged: bool = True
    account_missing: str = "NOT_FOUND"
    readonly: tuple[str, ...] = ()
    customfield_object: str | None = None
    scope_params: tuple[str, ...] = ("account_id",)
    parent: str | None = None
    list_filters: tuple[str, ...] = ()
    endpoints: tuple[str, ...] = ("list", "get", "add", "set", "delete")
    extra: Mapping[str, Endpoint] = field(default_factory=dict)
    view: tuple[str, ...] | None = None
    edit: tuple[str, ...] | None = None
    seed: Seeding | None = None
    add_scope: Hook | None = None
    check: Hook | None = None
    present: Hook | None = None
    after_add: Hook | None = None
    after_set: Hook | None = None
    before_delete: Hook | None = None
    by_name: dict[str, Field] = field(init=False)

    def __post_init__(self) -> None:
        self.by_name = {f.name: f for f in self.fields}

    def defaults(self) -> dict[str, Any]:
        return defaults(self.fields)

    def visible(self) -> frozenset[str]:
        """Names a get returns, and so the names a filter or sort may use."""
        shown = {f.name for f in self.fields if not f.hidden}
        return frozenset({"uuid", *shown, *self.readonly})

    def accepts(self, mode: str) -> frozenset[str]:
        """The field names add or set takes."""
        return frozenset(f.name for f in self.fields if (f.add if mode == "add" else f.set) != NO)
