"""Every name an object's values give its kind's references, found in one walk.

A kind's references share their beginnings: a route's six action references each walk
its ``actions`` list, a group's four namespace references its ``namespace_settings``, an
account's thirty under ``settings``. Walked one reference at a time (``walk``), each of
those fields and lists is visited once per reference; the references compiled into one
trie by path are visited once for all the references below them. What comes out is what
the references' own walks give (``Reference.names_in``), in the spec's order of references
and each reference's names in its own order, since messages list dangling names that way.

``FoundNames`` keeps what was found per values object, so that validation's checks, the
plan's read and the planner read one walk instead of making three.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from ambraconf.kinds.spec import ANY, KEYS, Reference

if TYPE_CHECKING:
    from ambraconf.kinds.spec import KindSpec

Found = list[tuple[Reference, tuple[Any, ...], Any]]
"""(reference, concrete path, name) of every name a values object holds, in the order of
the spec's references."""

_Hits = list[tuple[int, tuple[Any, ...], Any]]
"""(index of the reference, concrete path, value): what the trie collects before sorting."""


@dataclass
class _Node:
    """One step of the trie: the references whose path ends here (``ends``), those that
    take a mapping's keys here (``keys``; ``walk`` ignores what a path says after
    ``<keys>``), and the steps below, by field, by ``*`` and by list index."""

    ends: list[int] = field(default_factory=list)
    keys: list[int] = field(default_factory=list)
    fields: dict[str, _Node] = field(default_factory=dict)
    each: _Node | None = None
    indexes: dict[int, _Node] = field(default_factory=dict)
    steps: tuple[tuple[str, _Node], ...] = ()
    """``fields`` as a tuple, set by ``seal``: read once per value visited."""
    leaf: bool = True
    """Nothing below: the value found here is the name (most references); set by ``seal``."""
    by_field: bool = False
    """Only steps by field below (an item of a route's ``actions``): visited in the loop
    over the items, without a call per item; set by ``seal``."""

    def seal(self) -> None:
        """Worked out once the trie is built, not on every visit."""
        self.steps = tuple(self.fields.items())
        self.leaf = not (self.keys or self.fields or self.each or self.indexes)
        self.by_field = bool(self.fields) and not (
            self.ends or self.keys or self.each or self.indexes
        )
        for child in (*self.fields.values(), *self.indexes.values(), self.each):
            if child is not None:
                child.seal()

    def add(self, path: tuple[Any, ...], index: int) -> None:
        if not path:
            self.ends.append(index)
        elif path[0] == KEYS:
            self.keys.append(index)
        elif path[0] == ANY:
            self.each = self.each or _Node()
            self.each.add(path[1:], index)
        elif isinstance(path[0], int):
            self.indexes.setdefault(path[0], _Node()).add(path[1:], index)
        else:
            self.fields.setdefault(path[0], _Node()).add(path[1:], index)


class Walker:
    """A kind's references compiled into one trie by path (see the module)."""

    def __init__(self, references: tuple[Reference, ...]) -> None:
        self.references = references
        self._root = _Node()
        for index, reference in enumerate(references):
            self._root.add(tuple(reference.path), index)
        self._root.seal()
        self._patterned = any(r.pattern is not None for r in references)

    def found(self, values: Any) -> Found:
        """What ``[(r, path, name) for r in references for path, name in r.names_in(values)]``
        gives, walking ``values`` once."""
        hits: _Hits = []
        _visit(values, self._root, (), hits)
        if not hits:
            return []
        if len(hits) > 1:
            hits.sort(key=_FIRST)  # stable: each reference's names stay in walk order
        references = self.references
        if not self._patterned:
            return [(references[i], path, value) for i, path, value in hits]
        found: Found = []
        for i, path, value in hits:
            reference = references[i]
            if reference.pattern is None:
                found.append((reference, path, value))
            else:
                found.extend((reference, *named) for named in reference.named_at(path, value))
        return found


_FIRST = itemgetter(0)


def _visit(value: Any, node: _Node, prefix: tuple[Any, ...], hits: _Hits) -> None:
    """``_walk``'s steps, for every reference below ``node`` at once."""
    for index in node.ends:
        hits.append((index, prefix, value))
    if isinstance(value, dict):
        if node.keys:
            keys = [((*prefix, key), key) for key in value]
            hits.extend((index, path, key) for index in node.keys for path, key in keys)
        for name, child in node.steps:
            item = value.get(name)
            if item is None:
                continue  # unset: not walked further
            if child.leaf:
                path = (*prefix, name)
                for index in child.ends:
                    hits.append((index, path, item))
            else:
                _visit(item, child, (*prefix, name), hits)
    each = node.each
    if each is not None:
        if isinstance(value, list):
            items: Any = enumerate(value)
        elif isinstance(value, dict):
            items = value.items()
        else:
            items = ()
        if each.leaf:
            for key, item in items:
                for index in each.ends:
                    hits.append((index, (*prefix, key), item))
        elif each.by_field:
            steps = each.steps
            for key, item in items:
                if not isinstance(item, dict):
                    continue
                for name, child in steps:
                    named = item.get(name)
                    if named is None:
                        continue
                    if child.leaf:
                        path = (*prefix, key, name)
                        for index in child.ends:
                            hits.append((index, path, named))
                    else:
                        _visit(named, child, (*prefix, key, name), hits)
        else:
            for key, item in items:
                _visit(item, each, (*prefix, key), hits)
    if node.indexes and isinstance(value, list):
        for position, child in node.indexes.items():
            if position < len(value):
                _visit(value[position], child, (*prefix, position), hits)


_WALKERS: dict[int, tuple[tuple[Reference, ...], Walker]] = {}


def walker(spec: KindSpec) -> Walker:
    """The spec's references compiled once, not once per object."""
    known = _WALKERS.get(id(spec.references))
    if known is not None and known[0] is spec.references:
        return known[1]
    compiled = Walker(spec.references)
    _WALKERS[id(spec.references)] = (spec.references, compiled)
    return compiled


class FoundNames:
    """What each values object's references name, found once per values object.

    Validation's checks find them, and the plan's read and the planner read the same
    lists (the desired account carries this, ``DesiredAccount.found_names``). Accounts
    that include one shared block hold the very same values objects (``config.validate``
    shares them), so one of these serves every account of a config and walks those once.
    Values are not changed after validation, so what was found stays true; what was found
    for one spec's references is not handed to a caller asking with another's.
    """

    def __init__(self) -> None:
        self._found: dict[int, tuple[Any, tuple[Reference, ...], Found]] = {}

    def of(self, spec: KindSpec, values: dict[str, Any]) -> Found:
        known = self._found.get(id(values))
        if known is not None and known[0] is values and known[1] is spec.references:
            return known[2]
        found = walker(spec).found(values)
        self._found[id(values)] = (values, spec.references, found)
        return found
