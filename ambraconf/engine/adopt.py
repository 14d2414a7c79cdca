"""Adopt: write the live values of drifted objects back into the files that define them.

The plan says, per drifted field, the value in the files and the value live; the desired
state says where each value was written (``adopt_edits``). What may be written where
(docs/adopt.md):

- a place that several objects read (a shared block included by several accounts, an
  anchor) is written only when every one of them has the same live value there: the
  edit would change them all. Objects are never merged (a shared role cannot be
  overridden in one account), so otherwise the value is reported, not adopted;
- a value that is exactly ``${var:NAME}`` is adopted by writing the variable, when every
  use of that definition (by every account that reads it) is a whole value whose live
  value is the same; any other value made by interpolation (``${env:...}``, a variable
  inside a text) is reported, with where it comes from, and its template never rewritten;
- secrets and texts compared by digest are never written; objects missing live or only
  live are reported (apply creates or prunes them; export writes live-only ones).
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ambraconf.config.desired import Config, DesiredObject
from ambraconf.config.diagnostics import Diagnostics
from ambraconf.config.errors import UserError
from ambraconf.config.interpolate import has_interpolation
from ambraconf.config.loader import load_path
from ambraconf.config.merge import Merged, merge_documents
from ambraconf.config.positions import LocatedDict, LocatedList, Mark
from ambraconf.engine.adopt_edits import Edit, Place, Skipped, edits_of, located_values, places
from ambraconf.engine.plan import Action, Plan
from ambraconf.engine.records import ApplyRecord

_WHOLE_VARIABLE = re.compile(r"\$\{var:([A-Za-z_][A-Za-z0-9_.\-]*)\}")
_EXPRESSION = re.compile(r"\$\{(env|var):([A-Za-z_][A-Za-z0-9_.\-]*)\}")
NOT_IN_LIVE = (
    "missing live: apply creates it (remove it from the files if it was deleted on purpose)"
)
PENDING = (
    "changed in the files since the last apply: adopting would undo that edit "
    "(apply it, or revert the files)"
)
ONLY_LIVE = "only live: apply deletes it (prune is on); `ambraconf export` writes it as YAML"


@dataclass
class Adopted:
    """A live value written into the files: whose, which field, where, and how."""

    address: str
    field: str
    where: str
    value: Any
    via: str | None = None
    """``variable NAME``: the variable was written, not the value's own place."""


@dataclass
class FileChange:
    """One file's text before and after adopting."""

    file: str
    before: str
    after: str

    def diff(self) -> str:
        """The unified diff, as ``git diff`` shows it."""
        return "".join(
            difflib.unified_diff(
                self.before.splitlines(keepends=True),
                self.after.splitlines(keepends=True),
                *(
                    (self.file, self.file)
                    if Path(self.file).is_absolute()
                    else (f"a/{self.file}", f"b/{self.file}")
                ),
            )
        )


@dataclass
class Adoption:
    """What adopt wrote (or, in a dry run, would write) and what it left as drift."""

    adopted: list[Adopted] = field(default_factory=list)
    not_adopted: list[Skipped] = field(default_factory=list)
    files: list[FileChange] = field(default_factory=list)
    writes: list[Edit] = field(default_factory=list)
    dry_run: bool = False

    @property
    def nothing(self) -> bool:
        return not self.adopted and not self.not_adopted

    @property
    def complete(self) -> bool:
        """Whether every difference in the selection was adopted."""
        return not self.not_adopted


@dataclass
class RawConfig:
    """The files as written, before interpolation: the texts with ``${...}`` by place,
    and the merged documents (variables, accounts, shared blocks)."""

    merged: Merged
    templates: dict[Place, str]


def read_raw(path: Path) -> RawConfig:
    """The config at ``path`` as written (it has been validated already)."""
    diagnostics = Diagnostics()
    loaded = load_path(path, diagnostics)
    templates: dict[Place, str] = {}
    for document in loaded.documents:
        for value, mark in located_values(document.data, document.mark):
            if isinstance(value, str) and has_interpolation(value):
                templates[(mark.file, mark.line, mark.column)] = value
    return RawConfig(merge_documents(loaded.documents, diagnostics), templates)


def decide(
    plan: Plan,
    config: Config,
    raw: RawConfig,
    *,
    accounts: Iterable[str] = (),
    targets: Iterable[str] = (),
    records: Mapping[str, ApplyRecord | None] | None = None,
    new: bool = False,
) -> Adoption:
    """What to write where for the drift of the chosen accounts and targets (all when
    none) in ``plan``, a plan of every account of ``config`` (a shared place is written
    only when every account that reads it agrees). ``records``, the last apply to each
    account, tell a difference made outside ambraconf (adopted) from an edit of the
    files not applied yet (never undone). With ``new``, objects only live are left to
    ``adopt_new`` rather than reported."""
    wanted_accounts = {a.casefold() for a in accounts}
    wanted_targets = {t.casefold() for t in targets}
    everything = {f"{a.kind}/{a.name}" for a in plan.actions} | {
        f"{kind}/{name}"
        for kinds in plan.unmanaged.values()
        for kind, names in kinds.items()
        for name in names
    }
    if wanted_targets and not {t.casefold() for t in everything} & wanted_targets:
        known = ", ".join(sorted(everything)[:20])
        raise UserError(
            f"no object matches --target {', '.join(targets)}", hint=f"objects: {known}"
        )
    adoption = Adoption()
    chosen: set[str] = set()
    edits: list[Edit] = []
    for action in plan.actions:
        if action.op == "noop" or (new and action.op == "delete"):
            continue
        picked = (not wanted_accounts or action.account.casefold() in wanted_accounts) and (
            not wanted_targets or _target(action) in wanted_targets
        )
        if picked:
            chosen.add(action.address)
        obj = _desired(config, action) if action.op in ("update", "replace") else None
        if obj is None:
            if picked:
                reason = NOT_IN_LIVE if action.op == "create" else ONLY_LIVE
                adoption.not_adopted.append(Skipped(action.address, "", reason))
            continue
        record = (records or {}).get(action.account)
        if record is not None and record.matches(action) is False:
            if picked:
                adoption.not_adopted.append(Skipped(action.address, "", PENDING))
            continue
        found, skipped = edits_of(action, obj)
        edits += found
        if picked:
            adoption.not_adopted += skipped
    _Decider(config, raw, edits, chosen, adoption).run()
    return adoption


def _target(action: Action) -> str:
    return f"{action.kind}/{action.name}".casefold()


def _desired(config: Config, action: Action) -> DesiredObject | None:
    account = config.account(action.account)
    if account is None:
        return None
    return next((o for o in account.of(action.kind) if o.display == action.name), None)


class _Decider:
    """Groups the edits by place and writes each place once, or reports why not."""

    def __init__(
        self,
        config: Config,
        raw: RawConfig,
        edits: list[Edit],
        chosen: set[str],
        adoption: Adoption,
    ) -> None:
        self.raw = raw
        self.chosen = chosen
        self.adoption = adoption
        self.groups: dict[tuple[Place, tuple[Any, ...]], list[Edit]] = {}
        for edit in edits:
            self.groups.setdefault(edit.target, []).append(edit)
        wanted = {edit.place for edit in edits}
        self.readers: dict[Place, set[str]] = {}
        for account in config.accounts:
            for objects in account.objects.values():
                for obj in objects:
                    address = f"{account.name}/{obj.kind}/{obj.display}"
                    for place in places(obj):
                        if place in wanted:
                            self.readers.setdefault(place, set()).add(address)
        self.written: dict[tuple[str, tuple[Any, ...]], Edit] = {}

    def run(self) -> None:
        for (place, below), group in self.groups.items():
            mine = [e for e in group if e.address in self.chosen]
            if not mine:
                continue
            template = None if below else self.raw.templates.get(place)
            if template is not None:
                self._interpolated(template, group, mine)
                continue
            problem = self._disagreement(place, group)
            if problem:
                self._skip(mine, problem)
            else:
                self._write(group[0])
                self._adopted(mine)
        self.adoption.writes = list(self.written.values())

    def _disagreement(self, place: Place, group: list[Edit]) -> str | None:
        """Why ``place`` cannot take the group's value: other objects read it and live
        holds something else for them."""
        first = group[0]
        by_address = {e.address: e for e in group}
        others = sorted(self.readers.get(place, set()) - by_address.keys())
        differing = sorted(e.address for e in group if not _identical(e, first))
        if not others and not differing:
            return None
        return (
            f"written once at {first.where} for {len(self.readers.get(place, ()))} objects, "
            f"and live differs between them ({', '.join(others + differing)} "
            "would change too): change them alike, or adopt by hand"
        )

    def _interpolated(self, template: str, group: list[Edit], mine: list[Edit]) -> None:
        whole = _WHOLE_VARIABLE.fullmatch(template.strip())
        if whole is None:
            made_of = ", ".join(
                f"{'environment variable' if m[1] == 'env' else 'variable'} {m[2]}"
                for m in _EXPRESSION.finditer(template)
            )
            self._skip(mine, f"comes from {made_of} at {group[0].where} ({template!r})")
            return
        name = whole.group(1)
        definitions: dict[Place, tuple[Mark, list[Edit]]] = {}
        for edit in group:
            mark = self._definition(name, edit.account)
            if mark is None:
                self._skip([edit], f"comes from variable {name}, which is not defined")
                continue
            definitions.setdefault(_place(mark), (mark, []))[1].append(edit)
        for mark, edits in definitions.values():
            picked = [e for e in edits if e.address in self.chosen]
            if not picked:
                continue
            problem = self._variable_problem(name, mark, edits[0])
            if problem:
                self._skip(
                    picked, f"comes from variable {name} at {mark.file}:{mark.line}: {problem}"
                )
                continue
            write = Edit(
                edits[0].account, "", name, "set", _place(mark), (), mark.path, edits[0].value
            )
            self._write(write)
            self._adopted(picked, via=f"variable {name} at {mark.file}:{mark.line}")

    def _variable_problem(self, name: str, definition: Mark, edit: Edit) -> str | None:
        """Why the variable cannot take ``edit``'s value: its definition is a template,
        or one of its uses is part of a text or has another live value."""
        if _place(definition) in self.raw.templates:
            return "its value is itself interpolated"
        for account in self.raw.merged.accounts:
            account_name = str(account.get("name"))
            mark = self._definition(name, account_name)
            if mark is None or _place(mark) != _place(definition):
                continue
            for place, whole in self._uses(account, name):
                if not whole:
                    return f"it is also part of a text at {place[0]}:{place[1]}"
                same_use = [
                    e
                    for e in self.groups.get((place, ()), [])
                    if e.account.casefold() == account_name.casefold() and _identical(e, edit)
                ]
                if not same_use:
                    return (
                        f"it is also used at {place[0]}:{place[1]} by {account_name}, "
                        "where live has another value"
                    )
        return None

    def _definition(self, name: str, account_name: str) -> Mark | None:
        """Where the variable ``name`` that ``account_name`` reads is defined: the
        account's own ``variables:`` first, then the top level."""
        merged = self.raw.merged
        account = next(
            (
                a
                for a in merged.accounts
                if str(a.get("name")).casefold() == account_name.casefold()
            ),
            None,
        )
        own = account.get("variables") if account is not None else None
        if isinstance(own, LocatedDict) and name in own:
            return own.value_mark(name)
        variable = merged.variables.get(name)
        return variable.mark if variable is not None else None

    def _uses(self, account: LocatedDict, name: str) -> list[tuple[Place, bool]]:
        """Every text of ``account`` (its own and its included blocks') that names
        ``${var:name}``, and whether it is the whole text."""
        pattern = re.compile(r"\$\{var:" + re.escape(name) + r"\}")
        roots: list[tuple[Any, Mark]] = [
            (v, account.value_mark(k)) for k, v in account.items() if k not in ("name", "variables")
        ]
        include = account.get("include")
        if isinstance(include, LocatedList):
            for block_name in include:
                block = self.raw.merged.shared.get(str(block_name).casefold())
                if block is not None:
                    roots += [(items, items.mark) for items in block.lists.values()]
        found = []
        for root, mark in roots:
            for value, where in located_values(root, mark):
                if isinstance(value, str) and pattern.search(value):
                    found.append((_place(where), pattern.fullmatch(value.strip()) is not None))
        return found

    def _write(self, edit: Edit) -> None:
        self.written.setdefault((edit.place[0], edit.doc_path), edit)

    def _adopted(self, edits: list[Edit], via: str | None = None) -> None:
        self.adoption.adopted += [Adopted(e.address, e.field, e.where, e.value, via) for e in edits]

    def _skip(self, edits: list[Edit], reason: str) -> None:
        self.adoption.not_adopted += [Skipped(e.address, e.field, reason) for e in edits]


def _place(mark: Mark) -> Place:
    return (mark.file, mark.line, mark.column)


def _identical(a: Edit, b: Edit) -> bool:
    """The same operation with the same value, types included (``1`` is not ``true``)."""
    return a.op == b.op and json.dumps(a.value, sort_keys=True, default=str) == json.dumps(
        b.value, sort_keys=True, default=str
    )
