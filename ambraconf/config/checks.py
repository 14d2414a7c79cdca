"""Checks across objects of an account, driven by the registry's tables.

Duplicate natural keys, references to objects that no file defines, forbidden targets,
reference cycles and secrets written into files. Nothing here knows a kind by name: what
to check comes from each ``KindSpec`` (identity, references, builtin names, secrets).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ambraconf.config.desired import DesiredAccount, DesiredObject
from ambraconf.config.diagnostics import Diagnostics
from ambraconf.config.interpolate import EnvStr
from ambraconf.config.positions import LocatedDict, LocatedList, Mark, locate
from ambraconf.kinds import ACCOUNT, BY_NAME, KEYS, KINDS, KindSpec, Reference
from ambraconf.kinds.account import is_ignored
from ambraconf.kinds.codec import split_csv
from ambraconf.kinds.refwalk import FoundNames
from ambraconf.kinds.spec import SET, fold, walk
from ambraconf.suggest import did_you_mean


class Scoped:
    """Problems found once per account, reported once per place.

    An object of a shared block is checked in every account that includes it; the same
    dangling name would otherwise be reported once per account. Messages carry an
    ``{accounts}`` placeholder that becomes "account 'A'" or "accounts 'A' and 'B'".
    """

    def __init__(self) -> None:
        self._found: dict[tuple[Mark, str, str | None], list[str]] = {}

    def error(self, mark: Mark, template: str, account: str, hint: str | None = None) -> None:
        self._found.setdefault((mark, template, hint), []).append(account)

    def flush(self, diagnostics: Diagnostics) -> None:
        for (mark, template, hint), accounts in self._found.items():
            names = [f"'{a}'" for a in dict.fromkeys(accounts)]
            listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
            noun = "account" if len(names) == 1 else "accounts"
            diagnostics.error(mark, template.format(accounts=f"{noun} {listed}"), hint=hint)
        self._found.clear()


def check_accounts(
    accounts: list[DesiredAccount], diagnostics: Diagnostics, *, references: bool = True
) -> None:
    """Every cross-object check for every account.

    ``references=False`` skips reference and cycle checks: when a file could not be read,
    its objects are missing and every reference to them would be reported as dangling.
    """
    scoped = Scoped()
    found = FoundNames()
    for account in accounts:  # one for all: accounts that share values share their walk
        account.found_names = found
    names = ReferenceNames(found)
    for account in accounts:
        check_duplicates(account, scoped)
        check_renames(account, diagnostics)
        if references:
            edges = check_references(account, diagnostics, scoped, names)
            check_cycles(edges, diagnostics)
        check_secrets(account, diagnostics)
        check_setting_values(account, scoped)
    scoped.flush(diagnostics)


def check_duplicates(account: DesiredAccount, scoped: Scoped) -> None:
    """Natural keys are unique per kind; names compare case-insensitively, as in the API.
    So are the values of a kind's ``unique`` fields (an HL7 transform's ``order_by``)."""
    for spec in KINDS:
        seen: dict[tuple[str, ...], DesiredObject] = {}
        for obj in account.of(spec.name):
            first = seen.setdefault(obj.identity, obj)
            if first is not obj:
                scoped.error(
                    obj.where(spec.name_key),
                    f"duplicate {spec.title} '{_braces(obj.display)}' in {{accounts}} "
                    f"(first defined at {first.where(spec.name_key).where})",
                    account.name,
                    hint="names are compared without regard to letter case; "
                    "rename one or merge them",
                )
        for field in spec.unique:
            holders: dict[str, DesiredObject] = {}
            for obj in account.of(spec.name):
                value = obj.values.get(field)
                first = holders.setdefault(str(value), obj) if value is not None else obj
                if first is not obj:
                    scoped.error(
                        obj.where(field),
                        f"{spec.title} '{_braces(obj.display)}' has {field} "
                        f"{_braces(str(value))}, as '{_braces(first.display)}' does "
                        f"(at {first.where(field).where}) in {{accounts}}",
                        account.name,
                        hint=f"{field} is unique among an account's {spec.plural}",
                    )


def check_renames(account: DesiredAccount, diagnostics: Diagnostics) -> None:
    """``renamed_from`` must name an object the config no longer defines, unless the one
    defined under that name is renamed into it from another name itself: a chain of
    renames (A to B, B to C) or a swap (A to B, B to A), which plan matches as such."""
    for spec in KINDS:
        for obj in account.of(spec.name):
            old = obj.renamed_from
            if not old:
                continue
            old_identity = spec.identity_of({**obj.values, "name": old})
            clash = next((o for o in account.of(spec.name) if o.identity == old_identity), None)
            if clash is not None and not clash.renamed_from:
                diagnostics.error(
                    obj.where("renamed_from"),
                    f"{spec.title} '{obj.display}' is renamed from '{old}', but '{clash.display}' "
                    f"is still defined (at {clash.where('name').where})",
                    hint="remove the old definition, or drop renamed_from (to swap names, "
                    "give the other object a renamed_from too)",
                )


@dataclass(frozen=True)
class Edge:
    """``holder`` names ``target`` through ``reference``, written at ``mark``."""

    holder: DesiredObject
    target: DesiredObject
    reference: Reference
    mark: Mark


Found = list[tuple[Reference, KindSpec, tuple[Any, ...], str, dict[str, str]]]
"""Per reference found in an object: the reference, its target kind, the path and the name
written there, and the part of the target's natural key it gives."""


class ReferenceNames:
    """The names each object's values give its references (``FoundNames``), with the
    targets' keys, worked out once per values.

    Accounts that include one shared block hold the same values (``config.validate``
    shares them), so this is done once for them, not once per account.
    """

    def __init__(self, found: FoundNames) -> None:
        self.found = found
        self._found: dict[int, tuple[dict[str, Any], Found]] = {}

    def of(self, spec: KindSpec, values: dict[str, Any]) -> Found:
        known = self._found.get(id(values))
        if known is not None and known[0] is values:
            return known[1]
        found: Found = []
        for reference, path, name in self.found.of(spec, values):
            if isinstance(name, str):
                target = BY_NAME[reference.target]
                key = _target_key(target, reference, values, name)
                found.append((reference, target, path, name, key))
        self._found[id(values)] = (values, found)
        return found


def check_references(
    account: DesiredAccount,
    diagnostics: Diagnostics,
    scoped: Scoped,
    names: ReferenceNames | None = None,
) -> list[Edge]:
    """Every reference to a managed kind resolves; returns the resolved edges of the
    references that take part in cycle checks (the only ones anything reads).

    Positions are looked up only for what is reported or returned: most references
    resolve, and finding the line of each was a large share of validating a big config.
    """
    names = names or ReferenceNames(account.found_names)
    index = _Index(account)
    edges: list[Edge] = []
    holders = [(spec, obj) for spec in (ACCOUNT, *KINDS) for obj in account.of(spec.name)]
    for spec, holder in holders:
        for reference, target_spec, path, name, key in names.of(spec, holder.values):
            target = index.get(target_spec, key)
            if target is None:
                if not _resolved_elsewhere(account, target_spec, name):
                    mark = _reference_mark(holder, reference, path)
                    _dangling(scoped, mark, account, reference, target_spec, name)
                continue
            _check_forbidden(diagnostics, path, holder, reference, target_spec, target)
            if reference.cycle:
                mark = _reference_mark(holder, reference, path)
                edges.append(Edge(holder, target, reference, mark))
    return edges


def _reference_mark(holder: DesiredObject, reference: Reference, path: tuple[Any, ...]) -> Mark:
    return holder.where(*path, key=reference.path[-1] == KEYS)


class _Index:
    """Objects per kind by natural key, and by name alone for partial keys."""

    def __init__(self, account: DesiredAccount) -> None:
        self.by_key = {
            spec.name: {obj.identity: obj for obj in reversed(account.of(spec.name))}
            for spec in KINDS
        }

    def get(self, spec: KindSpec, key: dict[str, str]) -> DesiredObject | None:
        objects = self.by_key.get(spec.name, {})
        if all(field in key for field in spec.identity):
            return objects.get(spec.identity_of(key))
        matches = [
            obj
            for identity, obj in objects.items()
            if all(fold(key[f]) == identity[i] for i, f in enumerate(spec.identity) if f in key)
        ]
        return matches[0] if len(matches) == 1 else None


def _target_key(
    target: KindSpec, reference: Reference, values: dict[str, Any], name: str
) -> dict[str, str]:
    key = {target.name_key: name, **dict(reference.where)}
    key.update({f: str(values.get(f, "")) for f in reference.same})
    return {f: v for f, v in key.items() if f in target.identity}


def _resolved_elsewhere(account: DesiredAccount, target: KindSpec, name: str) -> bool:
    """Builtin objects (default roles), ignored live objects and objects of kinds that may
    be named unmanaged need no definition (plan resolves those from live state)."""
    if target.nameable_unmanaged:
        return True
    known = [*target.builtin, *account.invalid_names.get(target.name, [])]
    if fold(name) in {fold(k) for k in known}:
        return True
    return is_ignored(account.ignore, target.key, name)


def _dangling(
    scoped: Scoped,
    mark: Mark,
    account: DesiredAccount,
    reference: Reference,
    target: KindSpec,
    name: str,
) -> None:
    where = "".join(f"{v} " for k, v in reference.where if k in target.identity)
    candidates = [
        *(o.name for o in account.of(target.name)),
        *account.invalid_names.get(target.name, []),
        *target.builtin,
    ]
    builtin = f", use one of {', '.join(target.builtin)}" if target.builtin else ""
    scoped.error(
        mark,
        f"{reference.describe} '{_braces(name)}': no {where}{target.title} of that name in "
        f"{{accounts}}{_braces(did_you_mean(name, candidates))}",
        account.name,
        hint=f"define it under {target.key}:{builtin}, or fix the name",
    )


def _braces(text: str) -> str:
    """Text from the config, safe inside a ``str.format`` template."""
    return text.replace("{", "{{").replace("}", "}}")


def _check_forbidden(
    diagnostics: Diagnostics,
    path: tuple[Any, ...],
    holder: DesiredObject,
    reference: Reference,
    target_spec: KindSpec,
    target: DesiredObject,
) -> None:
    for field, value in reference.forbid:
        found = target.values.get(field)
        if found == value or (value is SET and found is not None):
            diagnostics.error(
                _reference_mark(holder, reference, path),
                f"{target_spec.title} '{target.display}' has {field}: "
                f"{_yaml(found)} (at {target.where(field).where}), so it cannot serve as "
                f"{holder.spec.title} {reference.describe}",
            )


def _yaml(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def check_cycles(edges: list[Edge], diagnostics: Diagnostics) -> None:
    """References sharing a ``cycle`` label must not loop (a show_when chain, say)."""
    by_label: dict[str, dict[int, list[Edge]]] = {}
    for edge in edges:
        if edge.reference.cycle:
            graph = by_label.setdefault(edge.reference.cycle, {})
            graph.setdefault(id(edge.holder), []).append(edge)
    for label, graph in by_label.items():
        for cycle in _cycles(graph):
            first = cycle[0]
            chain = " -> ".join([e.holder.display for e in cycle] + [first.holder.display])
            diagnostics.error(
                first.mark,
                f"{label} cycle among {first.holder.spec.plural}: {chain}",
                hint="break the chain: one of these must not depend on the next",
            )


def _cycles(graph: dict[int, list[Edge]]) -> Iterator[list[Edge]]:
    """Each elementary cycle found by an iterative depth-first search, reported once."""
    state: dict[int, str] = {}
    for start in list(graph):
        if start in state:
            continue
        stack: list[tuple[int, Iterator[Edge]]] = [(start, iter(graph.get(start, [])))]
        path: list[Edge] = []
        state[start] = "open"
        while stack:
            node, edges = stack[-1]
            edge = next(edges, None)
            if edge is None:
                state[node] = "done"
                stack.pop()
                if path:
                    path.pop()
                continue
            target = id(edge.target)
            if state.get(target) == "open":
                loop_start = next(
                    (i for i, e in enumerate(path) if id(e.holder) == target), len(path)
                )
                yield [*path[loop_start:], edge]
            elif target not in state:
                state[target] = "open"
                path.append(edge)
                stack.append((target, iter(graph.get(target, []))))


def check_setting_values(account: DesiredAccount, scoped: Scoped) -> None:
    """Values a kind declares the account's settings define (``SettingValues``) are among
    them, when the files set that setting."""
    for spec in KINDS:
        for rule in spec.setting_values:
            if account.settings.get(rule.setting) is None:
                continue
            allowed = split_csv(account.settings[rule.setting])
            for obj in account.of(spec.name):
                for path, value in walk(obj.values, rule.path):
                    if str(value) not in allowed:
                        scoped.error(
                            obj.where(*path),
                            f"{rule.label} '{_braces(str(value))}' of {spec.title} "
                            f"'{_braces(obj.display)}' is not in the {rule.setting} setting of "
                            f"{{accounts}}{_braces(did_you_mean(str(value), allowed))}",
                            account.name,
                            hint=f"use one of: {', '.join(allowed) or '(none defined)'}, "
                            f"or add it to settings: {rule.setting}",
                        )


def check_secrets(account: DesiredAccount, diagnostics: Diagnostics) -> None:
    """Warn about secrets written into a file instead of read from ``${env:NAME}``."""
    for spec in KINDS:
        leaves = _leaf_secret_paths(spec.secret_fields)
        for obj in account.of(spec.name):
            for path in leaves:
                for concrete, value in _walk_located(obj.source, path):
                    if isinstance(value, str) and value and not isinstance(value, EnvStr):
                        diagnostics.warning(
                            locate(obj.source, concrete)[0],
                            f"secret written into the file ({spec.title} '{obj.display}')",
                            hint="read it from the environment: ${env:NAME}",
                        )


def _leaf_secret_paths(paths: Iterable[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """Secret paths with no secret path below them; a mapping leaf covers all its values."""
    paths = list(paths)
    leaves = [p for p in paths if not any(q != p and q[: len(p)] == p for q in paths)]
    return [(*p, "*") if p else p for p in leaves]


def _walk_located(value: Any, path: tuple[str, ...], prefix: tuple[Any, ...] = ()) -> Iterator:
    if not path:
        yield prefix, value
        return
    head, rest = path[0], path[1:]
    if head == "*":
        if isinstance(value, LocatedDict):
            for key, item in value.items():
                yield from _walk_located(item, rest, (*prefix, key))
        elif isinstance(value, LocatedList):
            for i, item in enumerate(value):
                yield from _walk_located(item, rest, (*prefix, i))
        else:
            yield prefix, value
    elif isinstance(value, LocatedDict) and head in value:
        yield from _walk_located(value[head], rest, (*prefix, head))
