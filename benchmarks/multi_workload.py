"""Many accounts sharing most of their definitions: the config of a teleradiology group.

M accounts of K objects each, written the way such a group keeps them: one ``shared:``
block (``radiology``) holds most definitions, one file per kind; every account
``include:``s it, and its own ``variables:`` say where its routes send studies
(``destination: ${var:pacs}``) and how its groups' share codes start
(``${var:code}``, since share codes are unique across Ambra). Each account adds a few
objects of its own (``OWN``, 5% of K, at least one location and one route where K
allows), so no two accounts are the same. Accounts are written 50 to a file. The kinds,
their shares and the references between objects are those of the single-account workload
(``benchmarks.workload``).

Each account's destination and its gateway are not managed by ambraconf: they are seeded
in the sandbox per account, as the single-account workload seeds its own.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ambraconf.api.client import MAX_PAGE_ROWS
from benchmarks.workload import counts, definitions, route

BLOCK = "radiology"
ACCOUNTS_PER_FILE = 50
OWN: tuple[tuple[str, float], ...] = (("locations", 0.02), ("routes", 0.03))
"""The objects each account defines itself, as shares of its K objects."""
UNMANAGED_NAMED = ("destinations",)
"""Kinds the config names but does not manage (routes push to the account's destination):
a plan lists them too, so that the names resolve."""


@dataclass(frozen=True)
class Shape:
    """M accounts of K objects each, written ``MxK``."""

    accounts: int
    per_account: int

    @classmethod
    def parse(cls, text: str) -> Shape:
        accounts, _, per_account = text.strip().lower().partition("x")
        try:
            shape = cls(int(accounts), int(per_account))
        except ValueError:
            raise ValueError(f"{text!r} is not ACCOUNTSxOBJECTS (e.g. 100x100)") from None
        if shape.accounts < 1:
            raise ValueError(f"{text!r}: at least one account")
        counts(shape.per_account)  # at least one object of each kind
        return shape

    def __str__(self) -> str:
        return f"{self.accounts}x{self.per_account}"

    @property
    def objects(self) -> int:
        return self.accounts * self.per_account


PACS = "${var:pacs}"
"""Shared routes name each account's own destination through its variables."""


def split(per_account: int) -> tuple[dict[str, int], dict[str, int]]:
    """Objects per kind of one account: (from the shared block, its own); together they
    are ``counts(per_account)``, and every kind keeps at least one shared object."""
    total = counts(per_account)
    own = {
        kind: min(max(1, math.floor(per_account * share)), total[kind] - 1) for kind, share in OWN
    }
    return {kind: n - own.get(kind, 0) for kind, n in total.items()}, own


def code(index: int) -> str:
    return f"C{index:04d}"


def account_name(index: int) -> str:
    return f"Clinic {index:04d}"


def node_name(index: int) -> str:
    return f"Gateway {code(index)}"


def destination_name(index: int) -> str:
    return f"PACS {code(index)}"


def seed(shape: Shape) -> dict[str, Any]:
    """The sandbox seed: every account, each with the gateway and destination its routes
    push to."""
    return {
        "accounts": [
            {
                "name": account_name(i),
                "nodes": [{"name": node_name(i), "type": "HARVESTER"}],
                "destinations": [
                    {
                        "name": destination_name(i),
                        "node": node_name(i),
                        "aetitle": f"PACS{i:04d}",
                        "address": f"10.9.{i // 250}.{i % 250 + 1}",
                        "port": 104,
                    }
                ],
            }
            for i in range(shape.accounts)
        ]
    }


def _edited(changed: float) -> Callable[[int], bool]:
    """Whether the object at ``index`` of its kind is edited: every k-th from the first, so
    that even a tiny config has an edit of each kind."""
    step = round(1 / changed) if changed else 0
    return lambda index: bool(step) and index % step == 0


def shared_block(per_account: int, *, changed: float = 0.0) -> dict[str, list[dict[str, Any]]]:
    """The shared definitions, by kind; ``changed`` of each kind's objects (every k-th)
    carry a different value for one managed field, as an edit between two plans would."""
    n, _ = split(per_account)
    return definitions(
        n,
        _edited(changed),
        share_code=lambda i: f"${{var:code}}-G{i:05d}",
        destination=PACS,
    )


def account(
    index: int, per_account: int, block: dict[str, list[dict[str, Any]]], *, changed: float = 0.0
) -> dict[str, Any]:
    """One account: its variables, the include, and its own objects (which name shared
    ones)."""
    _, own = split(per_account)
    edited = _edited(changed)
    body: dict[str, Any] = {
        "name": account_name(index),
        "variables": {"pacs": destination_name(index), "code": code(index)},
        "include": [BLOCK],
    }
    roles, groups = block["roles"], block["groups"]
    body["locations"] = [
        {
            "name": f"Location {code(index)}-{i:03d}",
            "role": roles[(index + i) % len(roles)]["name"],
            "must_approve_upload": edited(i),
        }
        for i in range(own["locations"])
    ]
    body["routes"] = [
        route(
            f"Route {code(index)}-{i:03d}",
            index + i,
            edited(i),
            groups,
            block["customfields"],
            block["webhooks"],
            PACS,
        )
        for i in range(own["routes"])
    ]
    return body


def write_config(folder: Path, shape: Shape, *, changed: float = 0.0) -> Path:
    """Write the config under ``folder``: ``shared/<kind>.yaml`` and
    ``accounts/accounts-NNN.yaml`` (50 accounts a file); returns ``folder``."""
    block = shared_block(shape.per_account, changed=changed)
    (folder / "shared").mkdir(parents=True, exist_ok=True)
    (folder / "accounts").mkdir(parents=True, exist_ok=True)
    for kind, objects in block.items():
        document = {"shared": {BLOCK: {kind: objects}}}
        (folder / "shared" / f"{kind}.yaml").write_text(_dump(document))
    for start in range(0, shape.accounts, ACCOUNTS_PER_FILE):
        accounts = [
            account(i, shape.per_account, block, changed=changed)
            for i in range(start, min(start + ACCOUNTS_PER_FILE, shape.accounts))
        ]
        name = f"accounts-{start // ACCOUNTS_PER_FILE + 1:03d}.yaml"
        (folder / "accounts" / name).write_text(_dump({"accounts": accounts}))
    return folder


def _dump(document: dict[str, Any]) -> str:
    return yaml.safe_dump(document, sort_keys=False, width=100)


def list_calls(shape: Shape, *, page_rows: int = MAX_PAGE_ROWS) -> int:
    """The list calls a plan of this config needs at least: for every account, each kind
    it holds and each kind those name, one call per page of ``page_rows`` rows."""
    shared, own = split(shape.per_account)
    rows = {kind: shared[kind] + own.get(kind, 0) for kind in shared}
    rows.update(dict.fromkeys(UNMANAGED_NAMED, 1))  # one destination per account
    pages = sum(max(1, math.ceil(n / page_rows)) for n in rows.values())
    return shape.accounts * pages
