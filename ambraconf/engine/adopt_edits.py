"""From a plan's field changes to the values to write, each at the place it was read from.

Every desired value remembers where it was written (``config.positions``): the file, the
line and column, and its path in that file's document. A change of a field becomes one
``Edit`` per innermost differing value (``adopt_values.leaves``) at that place, or, for a
key the files do not write, at the mapping it goes into. Which edits may be written (a
place shared by several accounts, a value made by a variable) is ``engine.adopt``'s call.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

from ambraconf.config.desired import DesiredObject
from ambraconf.config.positions import LocatedDict, LocatedList, Mark, Path, format_path, locate
from ambraconf.engine.adopt_values import cleaned, leaves
from ambraconf.engine.exact import laid_under
from ambraconf.engine.plan import Action, FieldChange
from ambraconf.engine.planner import diff_rules

RENAME = (
    "the name is the object's identity (a rename pending apply, or another letter case "
    "live): edit it by hand"
)
Op = Literal["set", "append", "delete"]
Place = tuple[str, int, int]
"""A value's file, line and column: what every account that reads it shares."""


@dataclass
class Edit:
    """One value to write: where, what, and for which object's field."""

    account: str
    address: str
    field: str
    op: Op
    place: Place
    below: Path
    """Keys under ``place`` that the file does not have yet (added by the edit)."""
    doc_path: Path
    value: Any = None

    @property
    def where(self) -> str:
        return f"{self.place[0]}:{self.place[1]}"

    @property
    def target(self) -> tuple[Place, Path]:
        """What two accounts' edits must agree on to be written once."""
        return self.place, self.below


@dataclass
class Skipped:
    """A difference adopt leaves as it is, and why."""

    address: str
    field: str
    reason: str


def edits_of(action: Action, obj: DesiredObject) -> tuple[list[Edit], list[Skipped]]:
    """The edits that make ``obj``'s files say what live state holds, and what cannot be
    written (secrets, texts the plan shows only as digests)."""
    rules = diff_rules(obj.spec)
    values = laid_under(action.resets, obj.values)
    edits: list[Edit] = []
    skipped: list[Skipped] = []
    keyed: dict[str, list[FieldChange]] = {}
    in_files = {f.field: f.key for f in obj.spec.files if f.key in _keys_written(obj)}
    for change in action.changes:
        keys = field_keys(change.path, values)
        top = keys[0]
        if top == obj.spec.name_key:
            skipped.append(Skipped(action.address, change.path, RENAME))
        elif change.secret:
            skipped.append(Skipped(action.address, change.path, "a secret: never written"))
        elif top in in_files:
            reason = f"its text is kept in the file that {in_files[top]}: names; edit that file"
            skipped.append(Skipped(action.address, change.path, reason))
        elif top in rules.long_texts:
            skipped.append(
                Skipped(
                    action.address,
                    change.path,
                    "a long text the plan compares by digest: copy it from `ambraconf export`",
                )
            )
        elif top in rules.keyed_lists and isinstance(values.get(top), list):
            keyed.setdefault(top, []).append(change)
        else:
            partial, unordered = top in rules.partial_items, top in rules.unordered_lists
            want = _at(values, keys)
            for path, value in leaves(want, change.before, partial=partial, unordered=unordered):
                edits.append(_edit(action, obj, (*keys, *path), value, change.path))
    for top, changes in keyed.items():
        edits += _keyed(action, obj, top, changes, rules.keyed_lists[top].key)
    # a value only the comparison adds (an exact hash's off keys) that live lacks too
    return [e for e in edits if not (e.value is None and e.below)], skipped


def _keys_written(obj: DesiredObject) -> set[str]:
    """The keys the object's mapping has in its file (``code_file`` rather than ``code``)."""
    return {str(mark.path[-1]) for mark in obj.source.key_marks.values() if mark.path}


def field_keys(path: str, values: dict[str, Any]) -> tuple[str, ...]:
    """A change's dotted path (``permissions.study_field_customfields.Referral Priority``)
    as the keys it names in ``values``: the longest key that fits at each level, since
    keys may hold dots; what is left once the values end is one key."""
    keys: list[str] = []
    node: Any = values
    rest = path
    while rest:
        fits = (
            [k for k in node if rest == k or rest.startswith(f"{k}.")]
            if isinstance(node, dict)
            else []
        )
        if not fits:
            keys.append(rest)
            break
        key = max(fits, key=len)
        keys.append(key)
        node, rest = node[key], rest[len(key) + 1 :]
    return tuple(keys)


def _keyed(
    action: Action,
    obj: DesiredObject,
    top: str,
    changes: list[FieldChange],
    identity: Callable[[dict[str, Any], dict[str, Any]], Any],
) -> list[Edit]:
    """A keyed list item by item: a live item the files have is changed where it differs,
    one only live is appended, one only in the files is removed (items match by the
    list's ``identity`` of an item, given the object's values)."""

    def key(item: dict[str, Any]) -> Any:
        return identity(item, obj.values)

    want = obj.values[top]
    index = {key(item): number for number, item in enumerate(want) if isinstance(item, dict)}
    live = [i for c in changes for i in _items(c.before)]
    live_keys = {key(item) for item in live}
    edits: list[Edit] = []
    appended = 0
    for item in live:
        number = index.get(key(item))
        if number is None:
            end = (top, len(want) + appended)
            appended += 1
            edits.append(_edit(action, obj, end, cleaned(item), top, op="append"))
            continue
        for path, value in leaves(want[number], item, partial=True):
            edits.append(_edit(action, obj, (top, number, *path), value, top))
    for item in (i for c in changes for i in _items(c.after)):
        number = index.get(key(item))
        if key(item) not in live_keys and number is not None:
            edits.append(_edit(action, obj, (top, number), None, top))
    return edits


def _items(value: Any) -> list[dict[str, Any]]:
    items = value if isinstance(value, list) else [value]
    return [i for i in items if isinstance(i, dict)]


def _edit(
    action: Action, obj: DesiredObject, path: Path, value: Any, field: str, op: Op | None = None
) -> Edit:
    mark, below = locate(obj.source, path)
    if op is None:
        op = "delete" if value is None and not below else "set"
    return Edit(
        action.account,
        action.address,
        format_path(path) or field,
        op,
        (mark.file, mark.line, mark.column),
        below,
        (*mark.path, *below),
        value,
    )


def _at(values: Any, keys: tuple[str, ...]) -> Any:
    for key in keys:
        values = values.get(key) if isinstance(values, dict) else None
    return values


def places(obj: DesiredObject) -> Iterator[Place]:
    """Every place a value of ``obj`` was read from (the places it shares with others)."""
    for _value, mark in located_values(obj.source, obj.mark):
        yield (mark.file, mark.line, mark.column)


def located_values(value: Any, mark: Mark) -> Iterator[tuple[Any, Mark]]:
    """``value`` and every value inside it, each with the mark of where it was written."""
    pending: list[tuple[Any, Mark]] = [(value, mark)]
    while pending:
        item, where = pending.pop()
        yield item, where
        if isinstance(item, LocatedDict):
            pending.extend((v, item.value_mark(k)) for k, v in item.items())
        elif isinstance(item, LocatedList):
            pending.extend((v, item.item_mark(i)) for i, v in enumerate(item))
