"""Which values of a field to write so that the files say what live state holds.

A field that differs is rarely different all through: one permission of a role, one
condition value of a route, one member's flag. Writing only the innermost values that
differ keeps the edit to the lines that changed (and leaves the rest, comments and
``${var:...}`` included, as written).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ambraconf.config.positions import Path
from ambraconf.kinds.compare import is_empty, same

Leaf = tuple[Path, Any]
"""A path below the field and the live value to write there (None: remove the key)."""


def leaves(want: Any, have: Any, *, partial: bool = False, unordered: bool = False) -> list[Leaf]:
    """The innermost places where ``want`` (the files) and ``have`` (live) differ.

    ``partial``: mappings compare on the keys the files set (live ones the files leave
    out are server defaults, not managed); ``unordered``: list items are paired by value
    first, so a list live holds in another order is not rewritten item by item.
    """
    if same(want, have):
        return []
    if isinstance(want, dict) and isinstance(have, dict):
        keys = [*want, *([] if partial else [k for k in have if k not in want])]
        found: list[Leaf] = []
        for key in keys:
            for path, value in leaves(want.get(key), have.get(key), partial=partial):
                found.append(((key, *path), value))
        return found
    if isinstance(want, list) and isinstance(have, list) and len(want) == len(have):
        found = []
        for index, other in pairs(want, have, unordered or partial, partial):
            for path, value in leaves(want[index], have[other], partial=partial):
                found.append(((index, *path), value))
        return found
    if isinstance(have, list) and (partial or unordered):
        return [((), [cleaned(item) for item in have])]
    return [((), have)]


def pairs(want: list[Any], have: list[Any], by_value: bool, partial: bool) -> list[tuple[int, int]]:
    """Each item of ``want`` with one of ``have`` (lists of one length): in order, or
    with ``by_value`` equal items first and the rest in order."""
    if not by_value:
        return [(i, i) for i in range(len(want))]
    matches: Callable[[Any, Any], bool] = _covers if partial else same
    free = list(range(len(have)))
    paired: dict[int, int] = {}
    for index, item in enumerate(want):
        other = next((j for j in free if matches(item, have[j])), None)
        if other is not None:
            paired[index] = other
            free.remove(other)
    for index in range(len(want)):
        if index not in paired:
            paired[index] = free.pop(0)
    return sorted(paired.items())


def cleaned(item: Any) -> Any:
    """A live item as a file would write it: flags that are off and empty values left out
    (what the server holds anyway; the config then does not manage them)."""
    if not isinstance(item, dict):
        return item
    return {k: v for k, v in item.items() if v is not False and not is_empty(v)}


def _covers(want: Any, have: Any) -> bool:
    if isinstance(want, dict) and isinstance(have, dict):
        return all(same(v, have.get(k)) for k, v in want.items())
    return same(want, have)
