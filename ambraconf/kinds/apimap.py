"""How one kind is read and written through the API: endpoints, hooks, companions.

The wired fields come from the model (``ambraconf.kinds.wiring``); what no field table can
carry is a ``Hook`` or a ``Companion``, each naming the fields it handles.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from ambraconf.kinds.codec import Field, Names, decode_value, encode_value


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
BeforeWrite = Callable[[dict[str, Any]], list[tuple[str, dict[str, str]]]]


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
    ``add_only`` ones can only be given on add (a change is a replace); ``resend`` ones go
    with every set, changed or not (an HL7 template's body); ``compare=False`` ones are sent
    and never diffed (an identity the match compares without case). ``scope(desired,
    names, account_uuid)`` names the owner an add links the object to, instead of the
    kind's ``scope_param`` (a route belongs to a group's namespace or the account).

    ``before_write(live_raw)`` marks sub-objects that make the API refuse to set or delete
    the object itself (deployed custom code: IS_DEPLOYED): it gives the calls that remove
    them, which apply sends before such a set or delete (and before a replace), and after a
    set or a replace ``after_write`` restores them as for a new object, from the config's
    fields, or from live ones where the config leaves the hook's fields out. ``pause``
    says so in the plan.
    """

    fields: tuple[str, ...]
    decode: Decode | None = None
    encode: Encode | None = None
    after_write: AfterWrite | None = None
    params: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()
    set_only: bool = False
    add_only: bool = False
    resend: bool = False
    compare: bool = True
    scope: Callable[[dict[str, Any], Names, str], dict[str, str]] | None = None
    before_write: BeforeWrite | None = None
    pause: str = ""


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
    owner per object instead. ``object_param`` is how set and delete name the object: its
    ``uuid``, or its own id within the owner (an account user is ``user_id`` in account
    ``uuid``; see ``target``). An empty ``add_path`` means ambraconf never creates the kind
    (an object the files describe must be live: nodes), an empty ``delete_path`` that it
    never deletes or prunes one. ``owner_field`` is the listed objects' field naming the
    account that owns each, where a list returns others' too (custom code shared from other
    accounts): only the account's own are read as its objects, so others' are never managed
    or pruned. ``undocumented`` lists paths the public documentation
    lacks but Ambra's own tools use (``/account/add``): the registry's check lets those
    through, and only those.
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
    object_param: str = "uuid"
    owns_namespace: bool = False
    merged_hashes: frozenset[str] = frozenset()
    unordered_lists: frozenset[str] = frozenset()
    hooks: tuple[Hook, ...] = ()
    companions: tuple[Companion, ...] = ()
    partial_items: frozenset[str] = frozenset()
    undocumented: frozenset[str] = frozenset()
    owner_field: str | None = None

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
        hooked = {f for hook in self.hooks if not hook.compare for f in hook.fields}
        return frozenset(f.name for f in self.fields if not f.compare) | hooked

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
        hooked = {f for hook in self.hooks if hook.resend for f in hook.fields}
        return frozenset(f.name for f in self.fields if f.resend) | hooked

    def target(self, uuid: str, account_uuid: str) -> dict[str, str]:
        """The parameters a set or delete names one object with."""
        if self.object_param == "uuid":
            return {"uuid": uuid}
        return {self.object_param: uuid, **self.list_scope(account_uuid)}

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

    def owns(self, item: dict[str, Any], account_uuid: str) -> bool:
        """Whether a listed object is the account's own (see ``owner_field``)."""
        return self.owner_field is None or item.get(self.owner_field) in (None, account_uuid)

    def pauses(
        self, raw: dict[str, Any], changed: set[str] | None
    ) -> list[tuple[Hook, list[tuple[str, dict[str, str]]]]]:
        """The hooks whose sub-objects must go before the object's own write, each with the
        calls that remove them: for a delete or replace (``changed`` None), and for a set of
        fields other than the hook's own."""
        return [
            (hook, calls)
            for hook in self.hooks
            if hook.before_write
            and (changed is None or changed - set(hook.fields))
            and (calls := hook.before_write(raw))
        ]

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
