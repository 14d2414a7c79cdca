"""How one kind is read and written through the API: endpoints, hooks, companions.

The wired fields come from the model (``ambraconf.kinds.wiring``); what no field table can
carry is a ``Hook`` or a ``Companion``, each naming the fields it handles.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any
from urllib.parse import parse_qsl, urlencode

from ambraconf.kinds.codec import DECODERS, Field, Names, encode_value
from ambraconf.kinds.compare import same

Sync = Callable[[list[tuple[Any, Any]], str, Names], list[tuple[str, dict[str, str]]]]
"""A companion set's calls: ((live item or None, desired item or None) per changed item,
owner's key, names)."""


@dataclass(frozen=True)
class Companion:
    """A field kept by a second, get-or-set endpoint keyed by one of the object's ids
    (a group's ``namespace_settings`` live at ``/namespace/settings?uuid=<namespace_id>``).

    Lists do not return it, so it is read with one bundled call per object that the
    config sets it for, and written with one call after the object's own. The answer is
    also kept in the object's raw form under ``field``, for a hook's ``after_write`` and
    the saved plan's fingerprint. Without ``encode`` the endpoint only reads, and a hook's
    ``after_write`` writes the field (a dictionary's entries: one call per entry).

    Some are sets of sub-objects rather than one record (a group's members, at
    ``/group/user/list``): ``list_key`` makes the read a paged list, every page of it, with
    ``decode`` given ``{list_key: items}``; such a field is one of ``keyed_lists``, and
    ``sync(changed, key, names)`` gives the calls that bring the set in step from the
    plan's changed items, each a (live, desired) pair with None for an item to add or to
    remove (an add per new or changed member, a delete per leaver); ``paths`` names the
    endpoints those calls use, for the registry's check. ``reads`` are
    kinds whose names ``decode`` needs even when the config names none of them (member
    rows carry user ids, known by email through the account users).
    """

    field: str
    path: str
    key: str
    decode: Callable[[dict[str, Any], Names], Any]
    encode: Callable[[Any, Names], dict[str, str]] | None = None
    param: str = "uuid"
    list_key: str | None = None
    sync: Sync | None = None
    paths: tuple[str, ...] = ()
    reads: tuple[str, ...] = ()

    clear: Callable[[Any, Names], dict[str, str] | None] | None = None
    """Parameters of a call sent just before the write, in the same bundle (its calls run
    in order), clearing what the value excludes: a namespace's anonymization is a profile
    or rules, and the API refuses either while the other is there (None: no call)."""

    @property
    def writes(self) -> bool:
        """Whether apply writes the field through this endpoint (by ``encode`` or ``sync``);
        one that only reads leaves the writing to a hook's ``after_write``."""
        return self.encode is not None or self.sync is not None


@dataclass(frozen=True)
class KeyedDiff:
    """How a keyed list differs: (live item or None, desired item) for each desired item
    that is new or changes, in the config's order; live items to remove; how many stay as
    they are."""

    differing: list[tuple[Any, Any]]
    removed: list[Any]
    kept: int

    @property
    def added(self) -> list[Any]:
        return [wanted for live, wanted in self.differing if live is None]

    @property
    def changed(self) -> list[tuple[Any, Any]]:
        return [(live, wanted) for live, wanted in self.differing if live is not None]

    @property
    def summary(self) -> str:
        """``2 added, 1 changed, 1 removed; 40 unchanged``: what a reviewer reads first."""
        counts = [
            f"{len(items)} {verb}"
            for items, verb in (
                (self.added, "added"),
                (self.changed, "changed"),
                (self.removed, "removed"),
            )
            if items
        ]
        return ", ".join(counts) + (f"; {self.kept} unchanged" if self.kept else "")


def _all_of_it(values: dict[str, Any]) -> bool:
    return True


@dataclass(frozen=True)
class KeyedList:
    """A list of mappings that is a set keyed by its items' identity (a dictionary's entries
    by lookup, a group's members by email): items compare by key, on the keys the config
    sets, so the API's defaults for the others are not changes.

    ``key(item, values)`` is an item's identity, given its holder's values (a dictionary
    folds lookups unless it is case sensitive); ``whole(values)`` says whether the list the
    config gives is all there is, or live items it does not list are left alone (entries a
    dictionary adds to itself at runtime). How a plan shows the difference: by default one
    change of the field carrying only the items that differ, with their counts in its note,
    since such a list can hold thousands of items (entries); with ``each``, a change per
    item at ``field.<each(item)>`` (``members.<email>``), its live side the keys the config
    sets of a changed item, or those not off or empty of a removed one: sets of a few
    items, each reviewed on its own.
    """

    key: Callable[[dict[str, Any], dict[str, Any]], Any]
    whole: Callable[[dict[str, Any]], bool] = _all_of_it
    each: Callable[[dict[str, Any]], str] | None = None

    def differences(self, want: Any, have: Any, values: dict[str, Any]) -> KeyedDiff:
        live = {self.key(i, values): i for i in have or [] if isinstance(i, dict)}
        differing = []
        kept = 0
        for item in want or []:
            found = live.pop(self.key(item, values), None)
            if found is not None and all(same(v, found.get(k)) for k, v in item.items()):
                kept += 1
            else:
                differing.append((found, item))
        removed = list(live.values()) if self.whole(values) else []
        return KeyedDiff(differing, removed, kept)

    def count(self, want: Any, values: dict[str, Any]) -> str | None:
        """The note of a new list (``120 added``), counted as its changes are later; None
        for per-item lists, whose items are changes of their own."""
        return None if self.each else self.differences(want, [], values).summary


Call = tuple[str, dict[str, str]]
"""One API call: its path and its parameters."""


@dataclass(frozen=True)
class Lock:
    """Other objects whose hold on this one makes the API refuse to write it: namespaces
    connected to an anonymization profile (a change of its rules: IN_USE), deployments of
    custom code (any set or delete: IS_DEPLOYED). Apply releases the holders before the
    write, as the action's first step (a bundle of its own), and restores them after.

    ``by(live_raw)`` lists the live object's holders, ``release(holder)`` is the call that
    lets one go. The writes it locks: a set of one of ``fields`` (None: of any field but the
    ``managed`` ones), and with ``deletes`` a delete or a replace too. The holders come
    back one of two ways:

    - ``restore(holder, uuid)``, for holders the object does not manage (a profile's
      namespaces, which connect through their own settings): each is put back as it was,
      right after the write and before the level's companion writes (so a namespace the
      same plan moves elsewhere ends where the plan says), and also when the write fails or
      the apply is stopped: nothing is left released by an action that did not happen.
    - ``managed``, the model fields saying where the holders are (custom code's
      ``deploy_to``): the hook that writes those fields restores them after the write as
      for a new object, from the config, or from live where the config leaves them out, so
      that a change of them and the restore are one set of calls. After a failed or stopped
      write they stay released, and the next apply puts them where the config says.

    ``note`` is the plan's note on an action it locks; ``paths`` are the endpoints the
    calls use (checked at import).
    """

    by: Callable[[dict[str, Any]], list[Any]]
    release: Callable[[Any], Call]
    restore: Callable[[Any, str], Call] | None = None
    fields: frozenset[str] | None = None
    managed: tuple[str, ...] = ()
    deletes: bool = False
    note: str = ""
    paths: tuple[str, ...] = ()

    def locks(self, changed: set[str] | None) -> bool:
        """Whether it locks a set of ``changed`` fields (None: a delete or a replace)."""
        if changed is None:
            return self.deletes
        if self.fields is not None:
            return bool(changed & self.fields)
        return bool(changed - set(self.managed))


_ABSENT: Any = object()
"""What ``dict.get`` answers for a field a live object lacks (None is a value there)."""

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
    ``add_only`` ones can only be given on add (a change is a replace); ``resend`` ones go
    with every set, changed or not (an HL7 template's body); ``compare=False`` ones are sent
    and never diffed (an identity the match compares without case). ``scope(desired,
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
    resend: bool = False
    compare: bool = True
    scope: Callable[[dict[str, Any], Names, str], dict[str, str]] | None = None


@dataclass(frozen=True)
class ApiMap:
    """How one kind is read and written through the API: endpoints and protocol facts.

    The fields are not listed here: ``KindSpec`` derives them from its model's ``Api``
    annotations (``fields_of``) and binds them with ``with_fields``.
    ``owns_namespace`` marks kinds whose objects each have a namespace (groups,
    locations): routes and namespace settings name them through it. ``partial_items``
    are lists of mappings matched as a set whose items are compared on the keys the
    config sets. ``scope_param`` is
    the parameter an add and a list name the owner with
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

    ``key_params`` are for objects the API keeps no uuid for and names by their natural
    key within the owner (a terminology override is a ``tag`` and a ``language`` of the
    account, written with ``/terminology/set``): their stand-in uuid is those parameters
    as a query string (``tag=study&language=en``), which set and delete send back as the
    parameters naming the object, and an add that answers no uuid gets it from its own
    parameters. ``delete_params`` are what a delete sends besides naming the object,
    where deleting is a set (an empty ``value`` deletes a terminology tag).
    ``keyed_lists`` are lists compared as sets by key (``KeyedList``: a dictionary's
    entries, a group's members by email); ``unread_item_keys``
    are keys of ``partial_items`` lists' items that no read returns (a dictionary
    attachment's ``run_once``): sent, never compared.
    ``flagged`` are flags of listed objects that other kinds read through the reference
    index (``Names.flagged``): a global account user is in every group without being
    listed there.
    ``locks`` are other objects whose hold on an object makes the API refuse to write it
    (``Lock``): released before the write and restored after.
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
    key_params: tuple[str, ...] = ()
    delete_params: tuple[tuple[str, str], ...] = ()
    keyed_lists: Mapping[str, KeyedList] = field(default_factory=dict)
    unread_item_keys: Mapping[str, frozenset[str]] = field(default_factory=dict)
    flagged: frozenset[str] = frozenset()
    locks: tuple[Lock, ...] = ()
    owner_field: str | None = None

    def with_fields(self, fields: tuple[Field, ...]) -> ApiMap:
        return replace(self, fields=fields)

    @cached_property
    def add_only(self) -> frozenset[str]:
        """Fields the API takes only on add: changing one means delete and add again
        (worked out once: the planner asks for every changed object)."""
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
        """Model fields the kind's own code reads and writes (hooks and companions; a
        companion that only reads, neither encoding nor syncing, handles its field only
        with a hook that writes it)."""
        return frozenset(
            {f for hook in self.hooks for f in hook.fields}
            | {c.field for c in self.companions if c.writes}
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

    def uuid_of(self, item: Mapping[str, Any]) -> str | None:
        """The uuid of a listed object (or of an add's parameters, for ``key_params``
        kinds: their stand-in uuid); None when it lacks one."""
        if not self.key_params:
            value = item.get(self.uuid_field)
            return None if value in (None, "") else str(value)
        if any(item.get(p) in (None, "") for p in self.key_params):
            return None
        return urlencode([(p, str(item[p])) for p in self.key_params])

    def target(self, uuid: str, account_uuid: str) -> dict[str, str]:
        """The parameters a set or delete names one object with."""
        if self.key_params:
            return {**dict(parse_qsl(uuid)), **self.list_scope(account_uuid)}
        if self.object_param == "uuid":
            return {"uuid": uuid}
        return {self.object_param: uuid, **self.list_scope(account_uuid)}

    def delete_target(self, uuid: str, account_uuid: str) -> dict[str, str]:
        """The parameters of a delete: the object's, and what deleting by a set needs."""
        return {**self.target(uuid, account_uuid), **dict(self.delete_params)}

    def list_scope(self, account_uuid: str) -> dict[str, str]:
        """The parameters a list call of one account's objects takes."""
        return {self.scope_param: account_uuid} if self.scope_param else {}

    @cached_property
    def _reads(self) -> tuple[tuple[str, str, Field, Callable[[Field, Any, Names], Any]], ...]:
        """Each field with the name reads return it under and its decoder: decode runs for
        every live object, so the names and the codec are worked out once."""
        return tuple((f.read_name, f.name, f, DECODERS[f.codec]) for f in self.fields)

    @cached_property
    def _decode_hooks(self) -> tuple[Decode, ...]:
        return tuple(hook.decode for hook in self.hooks if hook.decode)

    def decode(self, api_object: dict[str, Any], names: Names) -> dict[str, Any]:
        """A live API object in the config's shape; read-only and unknown fields dropped.

        A field the object lacks is left out, one it holds as null is None: ``_ABSENT``
        tells the two apart in one lookup (most listed fields are null)."""
        result: dict[str, Any] = {}
        for read_name, name, f, decoder in self._reads:
            value = api_object.get(read_name, _ABSENT)
            if value is None:
                result[name] = None
            elif value is not _ABSENT:
                result[name] = decoder(f, value, names)
        for decode in self._decode_hooks:
            decode(api_object, result, names)
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

    def locked(self, raw: dict[str, Any], changed: set[str] | None) -> list[tuple[Lock, list[Any]]]:
        """The locks a write of the live object ``raw`` must release first, each with its
        holders: for a set of ``changed`` fields, or a delete or replace (None)."""
        return [
            (lock, holders)
            for lock in self.locks
            if lock.locks(changed) and (holders := lock.by(raw))
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
