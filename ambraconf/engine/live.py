"""Live state as read from the API, per account, in both shapes.

Each object keeps the API's raw form (for fingerprints and for the fields a set must
re-send) and its values in the config's shape (for the diff). Once a plan is made, only
the objects it changes need their raw form (``LiveAccount.drop_raw_except``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ambraconf.engine.refs import RefIndex
from ambraconf.kinds.spec import STOCK_FIELD


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

    def drop_raw_except(self, uuids: set[str]) -> None:
        """Keep the raw form of the objects ``uuids`` names, and of every other object only
        what tells a stock object (``KindSpec.is_stock``): a plan of 100,000 objects held
        some 300 MB of rows that nothing reads once it is made."""
        for objects in self.objects.values():
            for obj in objects:
                if obj.uuid not in uuids:
                    kept = obj.raw.get(STOCK_FIELD)
                    obj.raw = {} if kept is None else {STOCK_FIELD: kept}
