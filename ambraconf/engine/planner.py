"""Desired + live → plan: match objects by natural key, diff managed fields, order actions.

No kind is special here: identity, references, add-only fields and diff rules all come
from each kind's spec.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping, Sequence
from typing import Any

from ambraconf.config.desired import DesiredAccount, DesiredObject
from ambraconf.config.errors import UserError
from ambraconf.engine import danger
from ambraconf.engine.diff import DiffRules, diff_object, long_text_change
from ambraconf.engine.exact import laid_under, resets
from ambraconf.engine.graph import CycleError, levels
from ambraconf.engine.live import LiveAccount, LiveObject
from ambraconf.engine.plan import Action, Cause, FieldChange, Op, fingerprint
from ambraconf.kinds.refwalk import Found, FoundNames, walker
from ambraconf.kinds.spec import KEYS, KindSpec, Reference, fold


class PlanError(UserError):
    """The plan cannot be made as the config asks (ambiguous match, protected replace)."""


def diff_rules(spec: KindSpec) -> DiffRules:
    """How the kind's fields compare: worked out once per spec, not once per object (a
    plan of 500 accounts diffs 100,000 objects of a handful of kinds)."""
    known = _RULES.get(id(spec))
    if known is not None and known[0] is spec:
        return known[1]
    rules = _diff_rules(spec)
    _RULES[id(spec)] = (spec, rules)
    return rules


_RULES: dict[int, tuple[KindSpec, DiffRules]] = {}


def _diff_rules(spec: KindSpec) -> DiffRules:
    api = spec.api
    return DiffRules(
        merged_hashes=api.merged_hashes,
        unordered_lists=api.unordered_lists,
        partial_items=api.partial_items,
        secret_fields=frozenset(path[0] for path in spec.secret_fields),
        uncompared=api.uncompared,
        keyed_lists=api.keyed_lists,
        unread_item_keys=api.unread_item_keys,
        long_texts=frozenset(f.field for f in spec.files),
    )


def plan_account(
    desired: DesiredAccount,
    live: LiveAccount,
    specs: Mapping[str, KindSpec],
    applied_keys: Mapping[str, Mapping[str, list[str]]] | None = None,
    applied: frozenset[str] = frozenset(),
    retiring: Mapping[str, str] | None = None,
    renamed: Mapping[str, str] | None = None,
    *,
    dangling_ok: bool = False,
    names: NamedBy | None = None,
) -> tuple[list[Action], dict[str, dict[str, dict[str, str]]], dict[str, str]]:
    """Actions for one account (the account itself included), the unmanaged live objects
    by kind (each name with its key by field), and fingerprints of the live objects the
    actions change.

    ``applied_keys`` are the keys the last apply set in merged hashes, per ``kind/name``
    (from its record): keys the config has dropped since are noted, not promised away.
    ``applied`` are the ``kind/name`` of the objects the last apply made or matched: one of
    them missing live now was deleted outside ambraconf, and is recreated.
    ``retiring`` are the old objects of replaces an earlier apply started (uuid to
    ``kind/name``, from its record): see ``_set_aside``. ``renamed`` are the objects the
    config renames that an earlier apply renamed or was renaming (``kind/name`` to uuid,
    from its record): those match by uuid while it is live, so that a rename, a chain of
    renames or a swap is recognised as done, or half done, whatever the names say.
    ``names``: one ``NamedBy`` for all the accounts of a plan (see there).
    """
    actions: list[Action] = []
    unmanaged: dict[str, dict[str, dict[str, str]]] = {}
    live_values: dict[str, dict[str, Any]] = {}
    raws: dict[str, dict[str, Any]] = {}
    renames: dict[str, dict[str, str]] = {}
    names = names or NamedBy(specs)
    named = _named_in(desired, specs, names)
    matched: list[tuple[KindSpec, DesiredObject, LiveObject | None]] = []
    missing: list[str] = []
    for kind in kinds_in_play(desired, specs):
        spec = specs[kind]
        wanted = desired.of(kind)
        aside = _set_aside(spec, live, retiring or {})
        for old in aside:
            action = Action(
                "delete",
                desired.name,
                kind,
                f"{spec.display(old.values)} (old, {old.uuid})",
                f"the old {spec.title} of a replace an earlier apply did not finish: deleted "
                "once everything that names it points at its replacement",
                uuid=old.uuid,
                cause="retired",
                key=spec.key_parts(old.values),
            )
            actions.append(action)
            raws[action.address] = old.raw
        set_aside = {o.uuid for o in aside}
        kept = [o for o in live.of_kind(kind) if o.uuid not in set_aside]
        current = [_renamed(o, spec, renames) for o in kept]
        as_read = {o.uuid: o for o in kept}
        matcher = _Matcher(spec, current, desired.name, wanted)
        claims = matcher.claim_all(wanted, renamed or {})
        for obj, found in zip(wanted, claims, strict=True):
            if found is not None and obj.renamed_from:
                _record_rename(live, spec, obj, found, renames)
            if found is None and not spec.api.add_path:
                missing.append(
                    f"{obj.where()}: {spec.title} {obj.display!r} does not exist live in "
                    f"{desired.name}, and ambraconf never creates {spec.plural}"
                )
                continue
            matched.append((spec, obj, as_read[found.uuid] if found is not None else None))
        for leftover in matcher.unclaimed():
            name = spec.display(leftover.values)
            if (
                desired.ignores(kind, name)
                or spec.is_stock(leftover.raw, leftover.values.get(spec.name_key))
                or (kind, spec.identity_of(leftover.values)) in named
            ):
                continue
            if desired.prunes(kind):
                action = Action(
                    "delete",
                    desired.name,
                    kind,
                    name,
                    f"not in the config, and pruning is on for {spec.plural}",
                    uuid=leftover.uuid,
                    cause="pruned",
                    key=spec.key_parts(leftover.values),
                )
                actions.append(action)
                raws[action.address] = leftover.raw
            else:
                unmanaged.setdefault(kind, {})[name] = spec.key_parts(leftover.values)
    # diffed once every rename is known: the account, first of the kinds, may name a
    # custom field renamed further down (its settings do); each live object is renamed
    # once, from the object as read
    for spec, obj, found in matched:
        if found is not None:
            found = _renamed(found, spec, renames)
            found = _unspared(found, spec, obj, desired, live)
        action = _object_action(
            desired.name, spec, obj, found, applied, exact=desired.is_exact(obj)
        )
        actions.append(action)
        if found is not None:
            raws[action.address] = found.raw
            live_values[action.address] = found.values
    _check_references(desired, live, specs, missing, dangling_ok=dangling_ok)
    _note_dropped_keys(actions, live_values, applied_keys or {})
    _repoint(actions, specs)
    _note_locks(actions, raws, specs)
    _order(actions, specs)
    danger.mark(actions, specs, desired.dangerous_ok)
    # a saved plan is checked against the live objects it would change, and only those
    fingerprints = {
        a.address: fingerprint(raws[a.address])
        for a in actions
        if a.op != "noop" and a.address in raws
    }
    return actions, unmanaged, fingerprints


def _set_aside(spec: KindSpec, live: LiveAccount, retiring: Mapping[str, str]) -> list[LiveObject]:
    """The live objects of ``spec``'s kind that an earlier apply was replacing and that
    still share their natural key with another live object: its replacement, added by an
    apply that died (or failed) before deleting the old one. They are left out of matching
    (the config's object is the replacement), their names resolve to the replacement only,
    and they are deleted once what names them points at the replacement. A retiring object
    alone with its key is simply the object, whose replacement was never added."""
    objects = live.of_kind(spec.name)
    keys = {spec.identity_of(o.values) for o in objects if o.uuid not in retiring}
    aside = [o for o in objects if o.uuid in retiring and spec.identity_of(o.values) in keys]
    for obj in aside:
        live.names.forget(spec.name, obj.uuid)
    return aside


Named = list[tuple[str, tuple[str, tuple[str, ...]]]]
"""(top-level field, (target kind, natural key)) of each object a values object names."""


class NamedBy:
    """The objects each desired object's values name (matching, pruning and ordering
    read those), worked out once per values from the names validation found
    (``DesiredAccount.found_names``), not by walking the references again.

    Accounts that include one shared block hold the very same values objects
    (``config.validate`` shares them): planning 500 such accounts walked every reference
    of each 500 times, and three times per account. One of these serves every account of a
    plan with the same specs.
    """

    def __init__(self, specs: Mapping[str, KindSpec]) -> None:
        self.specs = specs
        self._named: dict[int, tuple[dict[str, Any], Named]] = {}

    def of(self, spec: KindSpec, values: dict[str, Any], found: FoundNames) -> Named:
        known = self._named.get(id(values))
        if known is not None and known[0] is values:
            return known[1]
        named = _named_by_field(self.specs, spec, values, found.of(spec, values))
        self._named[id(values)] = (values, named)
        return named


def _named_in(
    desired: DesiredAccount, specs: Mapping[str, KindSpec], names: NamedBy
) -> set[tuple[str, tuple[str, ...]]]:
    """(kind, natural key) of every object the config names: one it names but does not
    define (a route's destination on someone else's gateway) is in use, never pruned."""
    return {
        target
        for kind in specs
        for obj in desired.of(kind)
        for _, target in names.of(specs[kind], obj.values, desired.found_names)
    }


def _note_dropped_keys(
    actions: list[Action],
    live_values: Mapping[str, dict[str, Any]],
    applied_keys: Mapping[str, Mapping[str, list[str]]],
) -> None:
    """Settings and permissions merge on set: a key removed from the config is not reset
    by the API, so the plan says so instead of promising a change apply cannot make
    (unless the object is exact: then apply turns the key off)."""
    for action in actions:
        before = applied_keys.get(f"{action.kind}/{action.name}")
        if not before:
            continue
        desired = laid_under(action.resets, action.desired or {})
        live = live_values.get(action.address, {})
        for field, keys in before.items():
            kept = _mapping(desired.get(field))
            current = _mapping(live.get(field))
            for key in keys:
                if key not in kept and key in current:
                    action.notes.append(
                        f"{field}.{key} was removed from the config, but the API merges "
                        f"{field} on set, so it keeps its live value "
                        f"({json.dumps(current[key], ensure_ascii=False)}); set it explicitly "
                        "to change it"
                    )


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _record_rename(
    live: LiveAccount,
    spec: KindSpec,
    obj: DesiredObject,
    found: LiveObject,
    renames: dict[str, dict[str, str]],
) -> None:
    """From here on the new name is the object's: objects that name it by its old name in
    live state match the config's new name, and apply resolves the new name to its uuid."""
    old, new = found.values.get("name"), obj.values.get("name")
    if not isinstance(old, str) or not isinstance(new, str) or fold(old) == fold(new):
        return
    renames.setdefault(spec.name, {})[fold(old)] = new
    namespace = found.raw.get("namespace_id") if spec.api.owns_namespace else None
    live.names.forget(spec.name, found.uuid)  # in a swap, the old name is the other's
    live.names.add(spec.name, new, found.uuid, namespace)


def _renamed(
    obj: LiveObject, spec: KindSpec, renames: Mapping[str, Mapping[str, str]]
) -> LiveObject:
    """A live object whose references to renamed objects use their new names."""
    affected = [ref for ref in spec.references if renames.get(ref.target)]
    if not affected:
        return obj
    values = copy.deepcopy(obj.values)
    changed = False
    for ref in affected:
        table = renames[ref.target]
        for path, name in list(ref.names_in(values)):
            if isinstance(name, str) and fold(name) in table:
                _replace(values, path, ref, name, table[fold(name)])
                changed = True
    return LiveObject(obj.kind, obj.uuid, obj.raw, values) if changed else obj


def _unspared(
    obj: LiveObject,
    spec: KindSpec,
    desired_obj: DesiredObject,
    desired: DesiredAccount,
    live: LiveAccount,
) -> LiveObject:
    """A live object without the list items others keep that the config does not list
    (global users among a group's members, ignored ones): never compared, never removed."""
    if not spec.spared:
        return obj
    values = spec.without_spared(obj.values, live.names, desired_obj.values, desired.ignores)
    return LiveObject(obj.kind, obj.uuid, obj.raw, values)


def _replace(values: Any, path: tuple[Any, ...], ref: Reference, old: str, new: str) -> None:
    parent = values
    for part in path[:-1]:
        parent = parent[part]
    if ref.path[-1] == KEYS:
        parent[new] = parent.pop(path[-1])
    else:
        parent[path[-1]] = ref.with_name(parent[path[-1]], new, old)


def _repoint(actions: list[Action], specs: Mapping[str, KindSpec]) -> None:
    """A replace gives an object a new uuid: everything the config has naming it is set
    again in the same apply, so nothing keeps pointing at the old one. The same goes for
    the old object of a replace an earlier apply left (``retired``): what names it may
    still point at it, and reads the same by name; its delete waits for those sets."""
    replaced: dict[tuple[str, tuple[str, ...]], list[Action]] = {}
    for a in actions:
        if a.kind in specs and (a.op == "replace" or a.cause == "retired"):
            values = a.desired if a.op == "replace" else a.key
            replaced.setdefault((a.kind, specs[a.kind].identity_of(values or {})), []).append(a)
    if not replaced:
        return
    for action in actions:
        if action.op not in ("noop", "update") or action.kind not in specs:
            continue
        desired = action.desired or {}
        fields = {
            field: replaced[target]
            for field, target in _named_by_field(specs, specs[action.kind], desired)
            if target in replaced
        }
        changed = {c.path.split(".")[0] for c in action.changes}
        for field, targets in fields.items():
            name = specs[targets[0].kind].display(targets[0].key) or targets[0].name
            if field not in changed:
                note = f"re-pointed to the new {targets[0].kind} {name!r}"
                action.changes.append(FieldChange(field, desired[field], desired[field], note=note))
                changed.add(field)
            for retired in (t for t in targets if t.op == "delete"):
                retired.depends_on.append(action.address)
        if fields and action.op == "noop":
            action.op = "update"
            action.reason = "names an object that is replaced"
            action.cause = "repointed"


def _check_references(
    desired: DesiredAccount,
    live: LiveAccount,
    specs: Mapping[str, KindSpec],
    missing: list[str],
    *,
    dangling_ok: bool = False,
) -> None:
    """Every name the config uses must be live or in the config, before anything changes.

    Objects ambraconf does not manage (sites) can only be live, as can objects of kinds it
    never creates (``missing``: those the files describe but the account lacks).
    ``dangling_ok`` (compare, which never applies) lets names of live-only objects the
    account lacks through: a route to another account's PACS is a difference to show.
    """
    defined = {
        (kind, fold(o.values.get(specs[kind].name_key))) for kind in specs for o in desired.of(kind)
    }
    problems = list(missing)
    for kind in () if dangling_ok else kinds_in_play(desired, specs):
        # validate has seen that every other name is defined in the config
        refs = {
            id(r) for r in specs[kind].references if _may_be_live_only(r.target, desired, specs)
        }
        for obj in desired.of(kind) if refs else ():
            for ref, path, name in desired.found_names.of(specs[kind], obj.values):
                if id(ref) not in refs or not isinstance(name, str):
                    continue
                if live.names.has(ref.target, name):
                    continue
                if not live.uuid and ref.target in specs and specs[ref.target].is_builtin(name):
                    continue  # a new account comes with its stock roles
                if (ref.target, fold(name)) in defined:
                    continue
                problems.append(
                    f"{obj.where(*path)}: {ref.target} {name!r} does not exist live "
                    f"in {desired.name} (named by {specs[kind].title} {obj.display!r})"
                )
    if problems:
        raise PlanError(
            "\n".join(problems),
            hint="create it in Ambra first, or fix the name in the config",
        )


def _may_be_live_only(target: str, desired: DesiredAccount, specs: Mapping[str, KindSpec]) -> bool:
    """Whether a config may name a ``target`` it does not define: objects ambraconf does
    not manage, stock ones (roles), kinds that may be named unmanaged (destinations, users), and
    ones the account's ``ignore:`` leaves alone."""
    spec = specs.get(target)
    if spec is None or spec.builtin or spec.nameable_unmanaged:
        return True
    return bool(desired.ignore.get(spec.key) or desired.ignore.get("*"))


def kinds_in_play(desired: DesiredAccount, specs: Mapping[str, KindSpec]) -> list[str]:
    """Kinds the config describes or prunes, in registry order; others are not even read."""
    return [k for k in specs if desired.of(k) or desired.prunes(k)]


class _Matcher:
    """Live objects of one kind, matched to desired ones by uuid pin, key or declared rename.

    A declared rename whose new name is live too matches by its new name (the rename was
    done), unless that live object is itself renamed away by the config (a chain of
    renames, or a swap): then by its old name.
    """

    def __init__(
        self,
        spec: KindSpec,
        live: Sequence[LiveObject],
        account: str,
        wanted: Sequence[DesiredObject] = (),
    ) -> None:
        self.spec = spec
        self.account = account
        self.by_uuid = {o.uuid: o for o in live}
        self.by_key: dict[tuple[str, ...], list[LiveObject]] = {}
        for o in live:
            self.by_key.setdefault(spec.identity_of(o.values), []).append(o)
        self.claimed: set[str] = set()
        self.moving = {spec.identity_of(_old_values(o)) for o in wanted if o.renamed_from}
        """Keys the config renames objects away from."""

    def claim_all(
        self, wanted: Sequence[DesiredObject], renamed: Mapping[str, str]
    ) -> list[LiveObject | None]:
        """The live object of each of ``wanted``: pinned ones first (``uuid:``, then the
        renames the record pins to a live uuid), so that no name claims them before."""
        found: list[LiveObject | None] = [None] * len(wanted)
        rest = []
        for number, obj in enumerate(wanted):
            pin = obj.uuid or (
                renamed.get(f"{self.spec.name}/{obj.display}") if obj.renamed_from else None
            )
            if obj.uuid or (pin in self.by_uuid and pin not in self.claimed):
                found[number] = self._take(self.by_uuid.get(pin or ""))
            else:
                rest.append(number)
        for number in rest:
            found[number] = self._take(self._find(wanted[number]))
        return found

    def _take(self, found: LiveObject | None) -> LiveObject | None:
        if found is not None:
            self.claimed.add(found.uuid)
        return found

    def _find(self, obj: DesiredObject) -> LiveObject | None:
        if obj.uuid:
            return self.by_uuid.get(obj.uuid)
        key = self.spec.identity_of(obj.values)
        old = self.spec.identity_of(_old_values(obj)) if obj.renamed_from else None
        if old is not None and old != key and key in self.moving:
            found = self._unique(old, obj)
            if found is not None:
                return found
        found = self._unique(key, obj)
        if found is None and old is not None:
            found = self._unique(old, obj)
        return found

    def _unique(self, key: tuple[str, ...], obj: DesiredObject) -> LiveObject | None:
        matches = [o for o in self.by_key.get(key, []) if o.uuid not in self.claimed]
        if len(matches) > 1:
            uuids = ", ".join(o.uuid for o in matches)
            raise PlanError(
                f"{self.account}: {len(matches)} live {self.spec.plural} match "
                f"{self.spec.display(obj.values)!r} ({uuids}); names compare case-insensitively",
                hint=f"pin the one to manage with `uuid:` ({obj.mark}), or rename the others",
            )
        return matches[0] if matches else None

    def unclaimed(self) -> list[LiveObject]:
        return [o for o in self.by_uuid.values() if o.uuid not in self.claimed]


def _old_values(obj: DesiredObject) -> dict[str, Any]:
    """The values of an object under the name it is renamed from."""
    return {**obj.values, "name": obj.renamed_from}


def _object_action(
    account: str,
    spec: KindSpec,
    obj: DesiredObject,
    live: LiveObject | None,
    applied: frozenset[str] = frozenset(),
    *,
    exact: bool = False,
) -> Action:
    name = spec.display(obj.values)
    secret = tuple(path[0] for path in spec.secret_fields)
    turned_off = resets(spec, obj.values, live.values if live else {}) if exact else {}
    notes = [_exact_note(spec)] if exact else []
    if live is None:
        long_texts = diff_rules(spec).long_texts
        changes = [
            long_text_change(k, None, v)
            if k in long_texts and isinstance(v, str)
            else FieldChange(k, None, v, secret=k in secret, note=_count(spec, k, v, obj.values))
            for k, v in obj.values.items()
        ]
        recreated = f"{spec.name}/{name}" in applied
        if spec.exists_outside:
            notes.append(
                f"must already exist outside the account: apply adds it before any other "
                f"change, and stops without changing anything if the API answers "
                f"{spec.exists_outside.error}"
            )
        return Action(
            "create",
            account,
            spec.name,
            name,
            "deleted outside ambraconf since the last apply" if recreated else "not in live state",
            changes=changes,
            notes=notes,
            desired=obj.values,
            secret_fields=secret,
            cause="recreated" if recreated else "created",
            resets=turned_off,
            key=spec.key_parts(obj.values),
            renamed_from=obj.renamed_from,
        )
    wanted = laid_under(turned_off, obj.values) if turned_off else obj.values
    changes = diff_object(wanted, live.values, diff_rules(spec))
    reason: str = "managed fields differ"
    cause: Cause = "changed"
    renamed_from = obj.renamed_from
    if renamed_from and fold(live.values.get("name")) != fold(obj.values.get("name")):
        reason, cause = f"renamed from {live.values.get('name')!r}", "renamed"
    replaced = sorted({c.path.split(".")[0] for c in changes} & spec.api.add_only)
    if replaced and obj.protect:
        raise PlanError(
            f"{account}: {spec.title} {name!r} is protected, but changing "
            f"{', '.join(replaced)} needs it deleted and created again ({obj.mark})",
            hint="remove `protect: true` to allow the replace, or revert the change",
        )
    if replaced:
        op: Op = "replace"
        reason, cause = (
            f"{', '.join(replaced)} can only be set when the {spec.title} is created",
            "replaced",
        )
    elif changes:
        op = "update"
    else:
        op, reason, cause = "noop", "matches", "matches"
    return Action(
        op,
        account,
        spec.name,
        name,
        reason,
        uuid=live.uuid,
        changes=changes,
        notes=notes if op != "noop" else [],
        desired=obj.values,
        secret_fields=secret,
        cause=cause,
        resets=turned_off,
        key=spec.key_parts(obj.values),
        renamed_from=renamed_from,
    )


def _count(spec: KindSpec, field: str, value: Any, values: dict[str, Any]) -> str | None:
    """A keyed list's count on create (``120 added``), as its changes are counted later."""
    rule = spec.api.keyed_lists.get(field)
    return rule.count(value, values) if rule is not None else None


def _note_locks(
    actions: list[Action], raws: Mapping[str, dict[str, Any]], specs: Mapping[str, KindSpec]
) -> None:
    """An action whose object's holders are released first and restored after (deployed
    custom code is undeployed and deployed again) says so, where its lock has a note."""
    for action in actions:
        if action.op not in ("update", "replace", "delete") or action.address not in raws:
            continue
        changed = {c.path.split(".")[0] for c in action.changes} if action.op == "update" else None
        for lock, _ in specs[action.kind].api.locked(raws[action.address], changed):
            if lock.note:
                action.notes.append(lock.note)


def _exact_note(spec: KindSpec) -> str:
    hashes = ", ".join(sorted({path.split(".")[0] for path in spec.exact}))
    return f"exact: keys of {hashes} that the files do not list are turned off"


def _order(actions: list[Action], specs: Mapping[str, KindSpec]) -> None:
    """Set each action's dependencies and level; sort creates/updates up, deletes down.

    validate refuses the reference cycles a config can express (show_when chains, custom
    field mappings, webhook token chains), so a cycle here is reported, not broken.
    """
    by_target: dict[tuple[str, tuple[str, ...]], Action] = {}
    for action in actions:
        if action.op in ("create", "replace") and action.kind in specs:
            key = specs[action.kind].identity_of(action.desired or {})
            by_target[(action.kind, key)] = action

    def dependencies(action: Action) -> list[tuple[str, Action]]:
        return [
            (field, target)
            for field, ref in _named_by_field(specs, specs[action.kind], action.desired or {})
            if (target := by_target.get(ref)) is not None and target is not action
        ]

    writes = [a for a in actions if a.op != "delete"]
    deps = {
        a.address: dependencies(a)
        for a in writes
        if a.op in ("create", "update", "replace") and a.kind in specs
    }
    # a new account is made before anything in it
    containers = {a.account: a for a in writes if a.op == "create" and specs[a.kind].holds_others}
    for action in writes:
        container = containers.get(action.account)
        if container is not None and action is not container:
            deps.setdefault(action.address, []).append(("", container))
    _defer(writes, deps, specs)
    try:
        ordered = levels(
            [a.address for a in writes], {k: [t.address for _, t in v] for k, v in deps.items()}
        )
    except CycleError as cycle:
        raise PlanError(
            f"these objects name each other, so none can be created first: {cycle}",
            hint="break the cycle in the config",
        ) from None
    level_of = {address: number for number, level in enumerate(ordered) for address in level}
    for action in writes:
        action.level = level_of[action.address]
        action.depends_on = list(dict.fromkeys(t.address for _, t in deps.get(action.address, [])))
    top = max((a.level for a in writes), default=0) + 1
    kind_rank = {k: i for i, k in enumerate(specs)}
    for action in actions:
        if action.op == "delete":
            action.level = top + len(specs) - kind_rank.get(action.kind, 0)
    actions.sort(key=lambda a: (a.level, a.op == "noop", kind_rank.get(a.kind, 0), a.name))


def _defer(
    writes: list[Action],
    deps: dict[str, list[tuple[str, Action]]],
    specs: Mapping[str, KindSpec],
) -> None:
    """Break the cycles a deferrable reference makes (``Reference.deferrable``): a create
    that names, in such a field, an object that cannot exist before it (a new account's
    default role, made inside the account) leaves the field out of its add; apply sends
    it in a set at the end. Only the dependencies that would be a cycle are deferred: a
    default role that exists, or that nothing makes wait for the account, is sent as
    before."""
    for action in writes:
        if action.op != "create" or action.kind not in specs:
            continue
        deferrable = {r.path[0] for r in specs[action.kind].references if r.deferrable}
        for field, target in list(deps.get(action.address, [])):
            if field in deferrable and _reaches(target.address, action.address, deps):
                deps[action.address].remove((field, target))
                action.deferred.setdefault(field, []).append(target.address)
                action.notes.append(
                    f"{field} is set at the end of the apply, once the {target.kind} "
                    f"{target.name!r} exists: it can only be made inside the new "
                    f"{specs[action.kind].title}"
                )


def _reaches(start: str, goal: str, deps: Mapping[str, list[tuple[str, Action]]]) -> bool:
    """Whether ``start`` depends on ``goal``, directly or through others."""
    seen: set[str] = set()
    queue = [start]
    while queue:
        address = queue.pop()
        if address == goal:
            return True
        if address not in seen:
            seen.add(address)
            queue.extend(t.address for _, t in deps.get(address, []))
    return False


def _named_by_field(
    specs: Mapping[str, KindSpec],
    spec: KindSpec,
    values: dict[str, Any],
    found: Found | None = None,
) -> Named:
    """(top-level field, (target kind, natural key)) of every managed object named;
    ``found``: the names in ``values``, where they are known already."""
    named = []
    for ref, _, name in walker(spec).found(values) if found is None else found:
        if ref.target not in specs or not isinstance(name, str):
            continue
        target = specs[ref.target]
        key_values = {
            target.name_key: name,
            **dict(ref.where),
            **{f: values.get(f) for f in ref.same},
        }
        named.append((str(ref.path[0]), (ref.target, target.identity_of(key_values))))
    return named
