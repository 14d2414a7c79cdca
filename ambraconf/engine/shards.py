"""Accounts split into shards, so that a CI matrix plans, applies or checks drift of a
config of hundreds of accounts with one job per shard.

Every job computes the split itself from the same files, so it must come out the same
everywhere: accounts are weighed by the objects the files give them (what a plan reads and
compares), placed heaviest first on the lightest shard, ties broken by name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ambraconf.config.desired import DesiredAccount
from ambraconf.config.errors import UserError

_SHARD = re.compile(r"(\d+)/(\d+)")


@dataclass(frozen=True)
class Shard:
    """Shard ``index`` (from 1) of ``count``, as ``--shard 2/5`` writes it."""

    index: int
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        found = _SHARD.fullmatch(text.strip())
        index, count = (int(found[1]), int(found[2])) if found else (0, 0)
        if not 1 <= index <= count:
            raise UserError(
                f"--shard: expected I/N with 1 <= I <= N, such as 2/5, not {text!r}",
                hint="ambraconf accounts PATH --shards N prints the shards of a config",
            )
        return cls(index, count)

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


@dataclass(frozen=True)
class ShardPlan:
    """One shard: its name (``2/5``), its accounts in file order, and the objects they hold."""

    shard: str
    accounts: list[str]
    objects: int


def split(accounts: Sequence[DesiredAccount], count: int) -> list[ShardPlan]:
    """``accounts`` in ``count`` shards balanced by objects (a shard may be empty when there
    are fewer accounts than shards)."""
    if count < 1:
        raise UserError(f"--shards: expected a number of shards of at least 1, not {count}")
    weights = {a.name: _weight(a) for a in accounts}
    members: list[set[str]] = [set() for _ in range(count)]
    loads = [0] * count
    for name in sorted(weights, key=lambda n: (-weights[n], n.casefold())):
        lightest = min(range(count), key=lambda k: (loads[k], k))
        members[lightest].add(name)
        loads[lightest] += weights[name]
    return [
        ShardPlan(f"{k + 1}/{count}", [a.name for a in accounts if a.name in members[k]], loads[k])
        for k in range(count)
    ]


def accounts_of(accounts: Sequence[DesiredAccount], shard: Shard) -> list[str]:
    """The names of the accounts of ``shard``."""
    return split(accounts, shard.count)[shard.index - 1].accounts


def _weight(account: DesiredAccount) -> int:
    return sum(len(objects) for objects in account.objects.values())
