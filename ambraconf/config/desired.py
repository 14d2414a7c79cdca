"""The desired state: what a valid configuration asks for, by name, with source positions.

This is what the engine consumes. Objects hold only the fields the files set (the engine
manages those and leaves every other live field alone), references are names, and each
object remembers where it was written so a plan can point back at the YAML.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from ambraconf.config.positions import LocatedDict, Mark, locate
from ambraconf.config.sources import Sources
from ambraconf.kinds import ACCOUNT, KINDS, KindSpec
from ambraconf.kinds.account import is_ignored
from ambraconf.kinds.base import META_FIELDS
from ambraconf.kinds.refwalk import FoundNames

if TYPE_CHECKING:  # policies read desired objects: imported for the type only
    from ambraconf.config.policies import Policy


_NOT_VALUES: set[str] = set(META_FIELDS)
"""What a model's dump leaves out of the values (the meta fields, kept apart)."""


def meta_of(model: BaseModel) -> dict[str, Any]:
    """The meta fields ``model`` holds a value for (what ``DesiredObject`` keeps of it)."""
    return {f: v for f in META_FIELDS if (v := getattr(model, f, None)) is not None}


@dataclass
class DesiredObject:
    """One object of one kind in one account, as the config describes it.

    ``values`` are the fields the config sets (YAML names, plain data, defaults not filled
    in; ``uuid``/``protect``/``renamed_from``/``exact`` are attributes instead, from
    ``meta``); ``source`` is the interpolated YAML with every position. The validated
    pydantic instance is not kept: nothing reads it past validation, and 10,000 of them
    were a quarter of a loaded config's memory.
    """

    spec: KindSpec
    values: dict[str, Any]
    mark: Mark
    source: LocatedDict
    account: str
    meta: dict[str, Any] = field(default_factory=dict)
    """The meta fields (``META_FIELDS``) the model holds a value for."""

    @classmethod
    def from_model(
        cls,
        spec: KindSpec,
        model: BaseModel,
        source: LocatedDict,
        account: str,
        values: dict[str, Any] | None = None,
    ) -> DesiredObject:
        """The object ``model`` validated from ``source``; ``values``: its dump, where a
        shared block's template gave it already."""
        if values is None:
            values = model.model_dump(by_alias=True, exclude_unset=True, exclude=_NOT_VALUES)
        return cls(spec, values, source.mark, source, account, meta_of(model))

    @property
    def kind(self) -> str:
        return self.spec.name

    @property
    def name(self) -> str:
        return str(self.values.get(self.spec.name_key, ""))

    @cached_property
    def identity(self) -> tuple[str, ...]:
        """The natural key, case-folded: equal identities are the same object. Worked out
        once: ``values`` are not changed after validation, and checks and the planner ask
        for it many times per object."""
        return self.spec.identity_of(self.values)

    @property
    def display(self) -> str:
        return self.spec.display(self.values)

    @property
    def uuid(self) -> str | None:
        return self.meta.get("uuid")

    @property
    def protect(self) -> bool:
        return bool(self.meta.get("protect", False))

    @property
    def renamed_from(self) -> str | None:
        return self.meta.get("renamed_from")

    @property
    def exact(self) -> bool | None:
        """``exact:`` as written on the object (None: the account's default applies)."""
        return self.meta.get("exact")

    def where(self, *path: Any, key: bool = False) -> Mark:
        """The position of a field (or of the object when ``path`` is empty)."""
        return locate(self.source, path, key=key)[0]


@dataclass
class DesiredAccount:
    """One account: its own fields and settings, how to treat live extras, its objects."""

    name: str
    mark: Mark
    head: BaseModel
    source: LocatedDict
    uuid: str | None = None
    create: bool = False
    exact: bool = False
    fields: dict[str, Any] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    variables: dict[str, Any] = field(default_factory=dict)
    prune: dict[str, bool] = field(default_factory=dict)
    ignore: dict[str, list[str]] = field(default_factory=dict)
    dangerous_ok: dict[str, dict[str, str]] = field(default_factory=dict)
    """Objects whose dangerous changes are acknowledged: kind key, name, the reason."""
    objects: dict[str, list[DesiredObject]] = field(
        default_factory=lambda: {spec.name: [] for spec in KINDS}
    )
    invalid_names: dict[str, list[str]] = field(default_factory=dict)
    """Names of objects that failed validation (only in an invalid config): references to
    them are not reported a second time as dangling."""
    found_names: FoundNames = field(default_factory=FoundNames, repr=False, compare=False)
    """What its objects' references name, found once (``kinds.refwalk``): validation's
    checks fill it, one for every account of the config, and the plan reads it. An
    account made without checks finds the names when first asked."""

    def of(self, kind: str) -> list[DesiredObject]:
        """The objects of ``kind`` ("role"), in file order; ``account``: the account itself."""
        return self.objects.get(kind, [])

    def own_object(self) -> DesiredObject:
        """The account as an object of the account kind: its name, ``fields:`` and
        ``settings:`` in one mapping, each value still at its place in the files."""
        values: dict[str, Any] = {"name": self.name, **self.fields}
        source = LocatedDict(self.mark)
        source.put("name", self.name, self.source.key_mark("name"), self.source.value_mark("name"))
        fields = self.source.get("fields")
        if isinstance(fields, LocatedDict):
            for key, value, key_mark, value_mark in fields.located_items():
                source.put(key, value, key_mark, value_mark)
        if self.settings:
            values["settings"] = self.settings
            source.put(
                "settings",
                self.source.get("settings"),
                self.source.key_mark("settings"),
                self.source.value_mark("settings"),
            )
        return DesiredObject(ACCOUNT, values, self.mark, source, self.name, meta_of(self.head))

    def all_objects(self) -> Iterator[DesiredObject]:
        """Every object, kinds in registry order (the usual creation order)."""
        for spec in KINDS:
            yield from self.objects.get(spec.name, [])

    def find(self, kind: str, *identity: str) -> DesiredObject | None:
        """The object of ``kind`` whose natural key is ``identity`` (any letter case)."""
        wanted = tuple(part.casefold() for part in identity)
        return next((o for o in self.of(kind) if o.identity == wanted), None)

    def prunes(self, kind: str) -> bool:
        """Whether unmanaged live objects of ``kind`` may be deleted (default: never)."""
        spec = next((s for s in KINDS if s.name == kind), None)
        return bool(spec and self.prune.get(spec.key, False))

    def ignores(self, kind: str, name: str) -> bool:
        """Whether ``ignore:`` patterns keep ambraconf away from the live ``kind`` ``name``."""
        spec = next((s for s in KINDS if s.name == kind), None)
        return bool(spec and is_ignored(self.ignore, spec.key, name))

    def counts(self) -> dict[str, int]:
        return {spec.name: len(self.objects.get(spec.name, [])) for spec in KINDS}

    def is_exact(self, obj: DesiredObject) -> bool:
        """Whether ``obj``'s merged hashes mean exactly what they say (its own ``exact:``,
        else the account's)."""
        return bool(obj.spec.exact) and (self.exact if obj.exact is None else obj.exact)


@dataclass
class Config:
    """A whole validated configuration: its accounts, the files it was read from (by name
    in ``files``; every file read, with its digest, in ``sources``), and the policies
    (``config.policies.Policy``) that plans are checked against."""

    accounts: list[DesiredAccount]
    files: list[str]
    sources: Sources = field(default_factory=Sources)
    policies: list[Policy] = field(default_factory=list)

    def account(self, name: str) -> DesiredAccount | None:
        """The account called ``name`` (any letter case)."""
        folded = name.casefold()
        return next((a for a in self.accounts if a.name.casefold() == folded), None)

    def counts(self) -> dict[str, int]:
        """Objects per kind over all accounts, in registry order."""
        totals = {spec.name: 0 for spec in KINDS}
        for account in self.accounts:
            for kind, count in account.counts().items():
                totals[kind] += count
        return totals
