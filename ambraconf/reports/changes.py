"""A field's change as a reviewer reads it: a hash key by key, a long list item by item.

The diff already splits the hashes the API merges (``permissions.study_delete``); a field
replaced as a whole (a custom field's ``options``, a route's ``conditions``) is one change
with both values, and this module splits it for showing: the keys that differ, each with
its path and both values, recursively; a list that does not fit on a line as its items
kept, removed and added, in order. Secrets are never split: they are masked already.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any, Literal

from ambraconf.kinds.compare import same
from ambraconf.reports.values import ABSENT, WIDTH, fits, show

Sign = Literal[" ", "-", "+"]


@dataclass(frozen=True)
class Shown:
    """One line of a change as shown: ``path`` goes from ``before`` to ``after``
    (``ABSENT`` where the key is on one side only), or, for a list, ``items``."""

    path: str
    before: Any
    after: Any
    items: list[tuple[Sign, Any]] = field(default_factory=list)

    @property
    def kept(self) -> int:
        """How many items of a list change stay as they are."""
        return sum(1 for sign, _ in self.items if sign == " ")


def split(path: str, before: Any, after: Any, *, secret: bool = False) -> list[Shown]:
    """``path``'s change from ``before`` to ``after`` as the lines a reviewer needs."""
    if secret or before is None or after is None:
        return [Shown(path, before, after)]
    if isinstance(before, dict) and isinstance(after, dict):
        keys = [*after, *(k for k in before if k not in after)]
        lines = [
            line
            for key in keys
            if not same(before.get(key), after.get(key))
            for line in split(f"{path}.{key}", before.get(key, ABSENT), after.get(key, ABSENT))
        ]
        return lines or [Shown(path, before, after)]
    if (
        isinstance(before, list)
        and isinstance(after, list)
        and not (fits(before, WIDTH // 2) and fits(after, WIDTH // 2))
    ):
        items = _items(before, after)
        if any(sign != " " for sign, _ in items):
            return [Shown(path, before, after, items)]
    return [Shown(path, before, after)]


def _items(before: list[Any], after: list[Any]) -> list[tuple[Sign, Any]]:
    """The two lists' items in order, each kept, removed or added (difflib's matching)."""
    matcher = SequenceMatcher(a=[show(i) for i in before], b=[show(i) for i in after])
    items: list[tuple[Sign, Any]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            items += [(" ", item) for item in before[i1:i2]]
            continue
        items += [("-", item) for item in before[i1:i2]]
        items += [("+", item) for item in after[j1:j2]]
    return items
