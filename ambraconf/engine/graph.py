"""Dependency levels: what must exist before what.

Apply sends one level at a time (the calls of a level are independent, so they can share
a bundle); deletes walk the levels backwards.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from typing import TypeVar

N = TypeVar("N", bound=Hashable)


class CycleError(ValueError):
    """The nodes named form a reference cycle that levels cannot order."""

    def __init__(self, members: list) -> None:
        super().__init__("reference cycle: " + " -> ".join(map(str, members)))
        self.members = members


def levels(nodes: Iterable[N], depends_on: Mapping[N, Iterable[N]]) -> list[list[N]]:
    """Group ``nodes`` so that each depends only on nodes of earlier groups.

    Dependencies on nodes outside ``nodes`` are ignored: they already exist (live objects,
    unmanaged ones) or are someone else's concern. Order inside a level follows the input
    order, so plans are stable from run to run.
    """
    ordered = list(dict.fromkeys(nodes))
    members = set(ordered)
    pending = {n: {d for d in depends_on.get(n, ()) if d in members and d != n} for n in ordered}
    result: list[list[N]] = []
    done: set[N] = set()
    while pending:
        ready = [n for n in ordered if n in pending and pending[n] <= done]
        if not ready:
            raise CycleError(_find_cycle(pending))
        result.append(ready)
        done.update(ready)
        for n in ready:
            del pending[n]
    return result


def _find_cycle(pending: dict) -> list:
    """One cycle among the nodes that could not be levelled, for the error message."""
    start = next(iter(pending))
    path: list = []
    seen: dict = {}
    node = start
    while node not in seen:
        seen[node] = len(path)
        path.append(node)
        node = next(d for d in pending[node] if d in pending)
    return [*path[seen[node] :], node]
