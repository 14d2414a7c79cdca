"""Live state as read from the API, per account, in both shapes.

Each object keeps the API's raw form (for fingerprints and for the fields a set must
re-send) and its values in the config's shape (for the diff).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ambraconf.engine.refs import RefIndex


@dataclass(slots=True)
class LiveObject:
    """One live object; slots, since a plan of many accounts holds 100,000 of them."""

    kind: str
    uuid: str
    raw: dict[str, Any]
    values: dict[str, Any] = field(default_factory=dict)


@dataclass
class LiveAccount:
    name: str
    uuid: str
    raw: dict[str, Any]
    names: RefIndex
    objects: dict[str, list[LiveObject]] = field(default_factory=dict)

    def of_kind(self, kind: str) -> list[LiveObject]:
        return self.objects.get(kind, [])
