"""What ambraconf knows about a kind of object, as a plain record the engine reads.

Checks that span documents (duplicate names, references, cycles, secrets) are driven by
these records, never by ``if kind == ...``: adding a kind is one module and one registry
line. Each field is declared once, on the model (``Api`` annotations); the API mapping's field
table is derived from it, and ``ambraconf.kinds.declarations`` checks every record against
the documented endpoints at import.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from pydantic import BaseModel

from ambraconf.kinds.apimap import ApiMap
from ambraconf.kinds.codec import Names
from ambraconf.kinds.danger import Danger
from ambraconf.kinds.wiring import fields_of

ANY = "*"
"""In a reference path: every item of a list, or every value of a mapping."""
KEYS = "<keys>"
"""In a reference path: the keys of a mapping (``show_when: {Other field: [...]}``)."""
SET = object()
"""In a reference's ``forbid``: the target field having any value (a satellite site's
``parent``: a site that has one cannot be another's parent)."""

PathSpec = tuple[str, ...]
RefPath = tuple[str | int, ...]
"""A reference's path: keys, ``*``, ``<keys>``, and list indexes (``study_stat_filter``'s
first item is a custom field)."""


@dataclass(frozen=True)
class Reference:
    """A field that names another object, e.g. a group's ``role`` names a role.

    ``path`` walks the object's YAML shape; ``*`` and ``<keys>`` fan out over lists and
    mappings. The target is a registered kind (the registry checks it); a kind declared
    ``nameable_unmanaged`` may be named without being defined. The target's natural key
    beyond its name comes from ``where`` (fixed values, e.g. a route condition names a
    Study custom field) or ``same`` (copied from the holder,
    e.g. a custom field's ``show_when`` names fields of its own object).
    ``forbid`` lists target field values that make the reference invalid (a role with
    ``for_group: false`` cannot be a group's default role); the value ``SET`` forbids any.
    References sharing a ``cycle`` label must not form a cycle (``show_when`` chains,
    webhook token chains).
    ``deferrable`` says the field may be left out of the holder's add and set once the
    target exists, later in the same apply: a new account's default role (``fields.role``)
    names a role that can only be made inside the account, so without it creating an
    account with its roles would be a cycle (account -> role -> account). Ambra's own
    clone scripts do the same: add the account, add its roles, then set the default role.
    What is deferred is the top-level field the reference sits in, whole (its settings,
    its custom field values), which the kind's set must take.
    ``pattern`` is for names inside a text (a webhook parameter
    ``study.customfield:Referral Priority``): a regular expression whose one group is the
    name; texts it does not match name nothing. With ``many`` the pattern is searched
    through the text, each match one name (an HL7 template body names several fields).
    """

    path: RefPath
    target: str
    where: tuple[tuple[str, str], ...] = ()
    same: tuple[str, ...] = ()
    forbid: tuple[tuple[str, Any], ...] = ()
    cycle: str | None = None
    label: str | None = None
    pattern: str | None = None
    many: bool = False
    deferrable: bool = False

    def names_in(self, values: Any) -> list[tuple[tuple[Any, ...], Any]]:
        """Every (concrete path, name) this reference finds in an object's values (a
        spec's references all at once: ``kinds.refwalk``)."""
        places = walk(values, self.path)
        if self.pattern is None:
            return places
        return [named for path, value in places for named in self.named_at(path, value)]

    def named_at(self, path: tuple[Any, ...], value: Any) -> list[tuple[tuple[Any, ...], Any]]:
        """The (path, name) a patterned reference finds in the value its path reaches:
        none where it is not a text the pattern matches, each match with ``many``."""
        if not isinstance(value, str) or self.pattern is None:
            return []
        if self.many:
            return [(path, found.group(1)) for found in re.finditer(self.pattern, value)]
        match = re.fullmatch(self.pattern, value)
        return [(path, match.group(1))] if match else []

    def with_name(self, value: str, name: str, old: str = "") -> str:
        """``value`` naming ``name`` instead of ``old`` (the text around a patterned name is
        kept; in a text of ``many`` names, only those that were ``old`` change)."""
        if self.pattern and self.many:

            def renamed(match: re.Match[str]) -> str:
                if fold(match.group(1)) != fold(old):
                    return match.group(0)
                start, end = match.start(1) - match.start(), match.end(1) - match.start()
                return match.group(0)[:start] + name + match.group(0)[end:]

            return re.sub(self.pattern, renamed, value)
        match = re.fullmatch(self.pattern, value) if self.pattern else None
        return value[: match.start(1)] + name + value[match.end(1) :] if match else name

    @property
    def describe(self) -> str:
        """How the message names the field: ``default role``, ``show_when``."""
        if self.label:
            return self.label
        return ".".join(str(p) for p in self.path if p not in (ANY, KEYS))


REVERT = object()
"""What ``ExactHash.off`` answers for a key whose off state is its absence (a namespace's
override of an account setting, reverted to the account's value): the key is laid under
the config as null, which the hash's encoding sends as the API's revert."""


@dataclass(frozen=True)
class ExactHash:
    """How one merged hash means exactly what the files say (``exact: true``): every key
    it does not list is turned off. ``keys()`` are the keys known without live state (the
    documented permissions: a new object gets them all); ``off(key)`` is the value that
    turns one off, ``REVERT`` for a key turned off by removing it, None for a key that
    cannot be (left alone, as in merge mode: sysadmin-only settings)."""

    keys: Callable[[], Iterable[str]]
    off: Callable[[str], Any]


@dataclass(frozen=True)
class Outside:
    """Objects that are identities kept outside the account (grid users): an add only links
    one into the account, and answers ``error`` when it does not exist; ``hint`` says what
    to do then (ambraconf never creates them)."""

    error: str
    hint: str


@dataclass(frozen=True)
class Spared:
    """Items of a list field that others keep, left alone unless the config lists them:
    those whose ``key`` names a ``kind`` object with ``flag`` on in the reference index
    (``ApiMap.flagged``: the API adds global users to every group and location by itself),
    or that the account's ``ignore:`` patterns for ``kind`` match (users an SSO provisions).
    They are neither compared, nor removed, nor exported."""

    field: str
    key: str
    kind: str
    flag: str

    def kept(
        self, values: dict[str, Any], listed: Any, names: Names, ignored: Callable[[str], bool]
    ) -> dict[str, Any]:
        """``values`` without the items spared; ``listed`` is the config's list (or None)."""
        items = values.get(self.field)
        if not isinstance(items, list):
            return values
        wanted = {fold(i.get(self.key)) for i in listed or () if isinstance(i, dict)}

        def spared(item: Any) -> bool:
            key = item.get(self.key) if isinstance(item, dict) else None
            if not isinstance(key, str) or fold(key) in wanted:
                return False
            return names.flagged(self.kind, key, self.flag) or ignored(key)

        return {**values, self.field: [i for i in items if not spared(i)]}


@dataclass(frozen=True)
class SettingValues:
    """Values of a field that must be among those an account setting defines: a purge
    rule's ``study_status_tags`` are tags the account's ``study_status_tags`` setting (a
    comma-separated list) names. A reference cannot say it, since the values name no
    object; validate checks them only when the files set the setting (otherwise the live
    account decides, which validate cannot see). Values compare exactly: tags are text."""

    path: RefPath
    setting: str
    label: str


@dataclass(frozen=True)
class Preview:
    """A dry run the API offers for a saved object of the kind, which ``plan --preview``
    sends for each changed one and reports on its action as a preview line (a purge rule's
    ``/purge/run`` with ``dry_run``: which studies a rule deletes is worth seeing before it
    runs at night). Data, so the engine needs no kind's name: ``path`` is called with the
    object's uuid as ``param`` and the fixed ``params``; the line is ``queued`` when the API
    accepts it, ``unsaved`` for an object that is not saved yet (a create or a replace:
    nothing to run), and ``offer`` when plan was not asked to run previews (a dry run may
    queue a job and send mail, so it is never sent unasked)."""

    path: str
    param: str
    params: Mapping[str, str]
    queued: str
    unsaved: str
    offer: str


@dataclass(frozen=True)
class FileField:
    """A text field whose value may live in a file of the repository (custom code): the
    object says ``key: <path>`` (relative to the YAML file that says it) instead of
    ``field: <text>``, never both. validate reads the file in, so the rest of ambraconf
    sees the text; plans show a change to it as a digest and a short diff, not kilobytes
    of text; export writes it to a file of its own (``suffix``) next to the YAML."""

    key: str
    field: str
    suffix: str = ".txt"


@dataclass(frozen=True)
class KindSpec:
    """One kind of object ambraconf manages inside an account.

    ``identity`` lists the fields of the natural key (compared case-insensitively, as the
    API compares names); ``builtin`` names objects every account has without a config
    saying so (the default roles), which references may name freely; ``system_types`` are
    the API ``type`` values of objects the system or a sysadmin made (an account's admin and
    user roles, LINKED destinations), never deleted. ``secret_fields``
    are paths whose values must be masked in every output (``*`` fans out).
    ``unique`` fields hold a different value in each object of an account (the API refuses
    a duplicate: an HL7 transform's ``order_by``). ``holds_others`` marks the account: the
    objects of every other kind live in it, so a new account is created before anything
    else of it. ``exact`` says, per merged hash (``permissions``, or one level down
    ``permissions.study_field_customfields``), how ``exact: true`` turns off what the files
    do not list; the model then takes ``exact`` (``ExactObject``).
    ``nameable_unmanaged`` lets a config name objects of the kind that no file
    defines (destinations tied to gateways someone else manages): those resolve from live
    state at plan time, while ones the files define are created first.
    ``name_key`` is the identity field a reference names an object by (``name``; an
    account user's ``email``). ``exists_outside`` marks objects that are identities kept
    outside the account (``Outside``: grid users). No read can tell beforehand whether one
    exists, so apply sends those adds before any other change and, if any is refused as
    missing, undoes the others and stops, naming every missing one. ``spared`` are list
    items others keep (``Spared``: global users among a group's members), which plan,
    drift and export leave alone.

    What the server holds when a config says nothing, so export can leave it out:
    ``defaults`` by field where that is not "off" or "empty" (a role's ``for_group`` is on);
    ``item_defaults`` for the keys of a list field's items (custom field mappings);
    ``nested_defaults`` a test per key of a mapping field (a role permission equal to the
    new-role column of the permissions table).

    ``dangers`` are its changes that are dangerous by their meaning (``kinds.danger``):
    listed first by plan, refused by apply unless acknowledged.
    ``setting_values`` are fields whose values an account setting defines (``SettingValues``).
    ``preview`` is the dry run plan may attach to the kind's changes (``Preview``).
    ``files`` are text fields a file of the repository may hold (``FileField``).
    ``share_codes`` are paths of values the API keeps unique across every account, not
    only inside one (share codes: ``DUP_SHARE_CODE``): a copy of the object into another
    account must take new ones, so ``clone`` rewrites them; ``share_code_refs`` are paths
    of values that name one (a route's ``share_code`` action), rewritten with it when they
    name a code of the account copied (a code of another account is kept).
    """

    name: str
    key: str
    model: type[BaseModel]
    identity: tuple[str, ...]
    title: str
    api: ApiMap
    references: tuple[Reference, ...] = ()
    secret_fields: tuple[PathSpec, ...] = ()
    builtin: tuple[str, ...] = ()
    system_types: frozenset[str] = frozenset()
    holds_others: bool = False
    nameable_unmanaged: bool = False
    name_key: str = "name"
    exists_outside: Outside | None = None
    unique: tuple[str, ...] = ()
    exact: Mapping[str, ExactHash] = field(default_factory=dict)
    defaults: Mapping[str, Any] = field(default_factory=dict)
    item_defaults: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    nested_defaults: Mapping[str, Callable[[str, Any], bool]] = field(default_factory=dict)
    dangers: tuple[Danger, ...] = ()
    plural_title: str = ""
    """How messages name several (``dictionaries``), where it is not the title and an s."""
    spared: tuple[Spared, ...] = ()
    setting_values: tuple[SettingValues, ...] = ()
    preview: Preview | None = None
    files: tuple[FileField, ...] = ()
    share_codes: tuple[PathSpec, ...] = ()
    share_code_refs: tuple[PathSpec, ...] = ()

    def __post_init__(self) -> None:
        # the API mapping's fields come from the model's annotations: declared once
        object.__setattr__(self, "api", self.api.with_fields(fields_of(self.model)))

    @property
    def plural(self) -> str:
        return self.plural_title or self.title + "s"

    def is_builtin(self, name: Any) -> bool:
        """One of the objects every account has without a config saying so (stock roles)."""
        return fold(name) in {fold(b) for b in self.builtin}

    def is_stock(self, raw: dict[str, Any], name: Any) -> bool:
        """A live object the account came with or the system made: never deleted, never
        exported, never reported as unmanaged."""
        return self.is_builtin(name) or str(raw.get(STOCK_FIELD, "")) in self.system_types

    def without_spared(
        self,
        values: dict[str, Any],
        names: Names,
        listed: Mapping[str, Any] | None = None,
        ignored: Callable[[str, str], bool] = lambda kind, name: False,
    ) -> dict[str, Any]:
        """Live ``values`` without the list items others keep (``spared``) that the
        config's ``listed`` values do not name."""
        for rule in self.spared:
            values = rule.kept(
                values, (listed or {}).get(rule.field), names, partial(ignored, rule.kind)
            )
        return values

    def identity_of(self, values: dict[str, Any]) -> tuple[str, ...]:
        """The natural key of an object's values, folded for comparison. A plan of 100,000
        objects asks 800,000 times, mostly of kinds keyed by one field: that case builds
        no list (0.17 µs a call against 0.40)."""
        identity = self.identity
        if len(identity) == 1:
            return (fold(values.get(identity[0])),)
        return tuple([fold(values.get(f)) for f in identity])

    def key_parts(self, values: dict[str, Any]) -> dict[str, str]:
        """The natural key as its fields (``{"group": "Radiology", "name": "STAT"}``): what
        names the object for programs, where a name holding ``/`` makes ``display`` ambiguous."""
        return {f: shown(values[f]) for f in self.identity if values.get(f) not in (None, "")}

    def display(self, values: dict[str, Any]) -> str:
        """``Study/Referral Priority``, ``Radiology/STAT to PACS``: the key as people read it."""
        return "/".join(shown(values[f]) for f in self.identity if values.get(f) not in (None, ""))


STOCK_FIELD = "type"
"""The raw field whose value marks a system-made object (``KindSpec.system_types``)."""


def fold(value: Any) -> str:
    """Names compare case-insensitively; an absent part of a key is the empty string."""
    if type(value) is str:  # nearly every key part: no abstract-class check for Mapping
        return value.casefold()
    return "" if value is None else shown(value).casefold()


def shown(value: Any) -> str:
    """A part of a natural key as people read it: a mapping part (a share rule's
    ``by: {group: ED}``) is its keys and values, ``group ED``."""
    if type(value) is str:
        return value
    if isinstance(value, Mapping):
        return " ".join(f"{key} {shown(item)}" for key, item in value.items())
    return str(value)


def walk(
    value: Any, path: RefPath, prefix: tuple[Any, ...] = ()
) -> list[tuple[tuple[Any, ...], Any]]:
    """Every (concrete path, value) that ``path`` matches in ``value`` (plain dicts/lists).

    A list rather than a generator: walks are many (a kind's references, compiled into one
    walk, follow the same steps: ``kinds.refwalk``), most finding nothing after one step,
    and nested generators cost several times what the step itself does.
    """
    head = path[0] if path else ANY
    unset = not isinstance(value, dict) or value.get(head) is None
    if isinstance(head, str) and head not in (ANY, KEYS):
        if unset:
            return []  # the field is not set: what most references of most objects find
        if len(path) == 1:
            return [((*prefix, head), value[head])]  # a field naming one object (a role)
    found: list[tuple[tuple[Any, ...], Any]] = []
    _walk(value, path, 0, prefix, found)
    return found


def _walk(
    value: Any,
    path: RefPath,
    depth: int,
    prefix: tuple[Any, ...],
    found: list[tuple[tuple[Any, ...], Any]],
) -> None:
    if depth == len(path):
        found.append((prefix, value))
        return
    head = path[depth]
    if head == ANY:
        if isinstance(value, list):
            items: Iterable[tuple[Any, Any]] = enumerate(value)
        elif isinstance(value, dict):
            items = value.items()
        else:
            return
        leaf = path[depth + 1] if depth + 2 == len(path) else None
        if isinstance(leaf, str) and leaf not in (ANY, KEYS):
            # a field of every item (a route's conditions' custom fields): no call per item
            for key, item in items:
                if isinstance(item, dict) and (named := item.get(leaf)) is not None:
                    found.append(((*prefix, key, leaf), named))
            return
        for key, item in items:
            _walk(item, path, depth + 1, (*prefix, key), found)
    elif head == KEYS:
        if isinstance(value, dict):
            found.extend(((*prefix, key), key) for key in value)
    elif isinstance(head, int):
        if isinstance(value, list) and head < len(value):
            _walk(value[head], path, depth + 1, (*prefix, head), found)
    elif isinstance(value, dict) and value.get(head) is not None:
        _walk(value[head], path, depth + 1, (*prefix, head), found)
