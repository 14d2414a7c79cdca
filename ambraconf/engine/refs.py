"""Names to uuids and back, per account, for every kind a config can name.

YAML names objects; the API wants uuids. The index is filled from live state when it is
read, and grows as apply creates objects, so later calls in the same run can name
objects created earlier. Names compare case-insensitively, as the API's do.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ambraconf.config.errors import UserError


class UnresolvedReference(UserError):
    """A name in the config that matches no live object and nothing this run creates."""


@dataclass
class RefIndex:
    """uuid ↔ name for each kind; namespaces map to the group or location that owns them."""

    account: str
    _by_name: dict[str, dict[str, list[str]]] = field(default_factory=lambda: defaultdict(dict))
    _by_uuid: dict[str, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))
    _namespaces: dict[str, tuple[str, str]] = field(default_factory=dict)
    _namespace_of: dict[tuple[str, str], str] = field(default_factory=dict)
    account_namespace: str | None = None
    account_id: str | None = None
    """The account's own uuid: what a sub-object attached to the account itself names (a
    dictionary attachment's ``account_id``); set when the account is read or created."""
    _flags: set[tuple[str, str, str]] = field(default_factory=set)
    visible: RefIndex | None = None
    """The accounts the user can see (``KindSpec.holds_others``), one index shared by every
    account of a read: each account's own held all 500 of a 500-account plan, 250,000
    entries made and kept. Looked up after the account's own names, as if they were one."""

    def add(self, kind: str, name: str, uuid: str, namespace_id: str | None = None) -> None:
        self._by_name[kind].setdefault(name.casefold(), [])
        if uuid not in self._by_name[kind][name.casefold()]:
            self._by_name[kind][name.casefold()].append(uuid)
        self._by_uuid[kind][uuid] = name
        if namespace_id:
            self._namespaces[namespace_id] = (kind, name)
            self._namespace_of[(kind, name.casefold())] = namespace_id

    def flag(self, kind: str, name: str, flag: str) -> None:
        """Note that the live ``kind`` ``name`` has ``flag`` on (``ApiMap.flagged``)."""
        self._flags.add((kind, name.casefold(), flag))

    def flagged(self, kind: str, name: str, flag: str) -> bool:
        return (kind, name.casefold(), flag) in self._flags

    def forget(self, kind: str, uuid: str) -> None:
        """An object that is being replaced: its name now means the new one only."""
        name = self._by_uuid.get(kind, {}).pop(uuid, None)
        if name is not None:
            uuids = self._by_name[kind].get(name.casefold(), [])
            if uuid in uuids:
                uuids.remove(uuid)

    def _uuids(self, kind: str, name: str) -> list[str]:
        found = self._by_name.get(kind, {}).get(name.casefold(), [])
        if self.visible is None:
            return found
        seen = self.visible._uuids(kind, name)
        return [u for u in seen if u not in found] + found if seen else found

    def uuid(self, kind: str, name: str) -> str:
        """The uuid of the one ``kind`` called ``name``; a clear error if none or several."""
        found = self._uuids(kind, name)
        if not found:
            raise UnresolvedReference(
                f"{self.account}: {kind} {name!r} does not exist live and is not defined in "
                "the config",
                hint=f"create the {kind} first, or fix the name",
            )
        if len(found) > 1:
            raise UnresolvedReference(
                f"{self.account}: {len(found)} live {kind}s are called {name!r} "
                f"({', '.join(found)}); the reference is ambiguous",
                hint="rename one of them, or pin the one you mean with `uuid:` in the config",
            )
        return found[0]

    def has(self, kind: str, name: str) -> bool:
        return bool(self._uuids(kind, name))

    def name(self, kind: str, uuid: str) -> str | None:
        found = self._by_uuid.get(kind, {}).get(uuid)
        if found is None and self.visible is not None:
            return self.visible.name(kind, uuid)
        return found

    def namespace_id(self, kind: str, name: str) -> str:
        """The namespace of a group or location (routes and namespace calls want it)."""
        self.uuid(kind, name)
        return self._namespace_of[(kind, name.casefold())]

    def own_namespace(self) -> str:
        """The account's own namespace (no group or location owns it)."""
        if not self.account_namespace:
            raise UnresolvedReference(
                f"{self.account}: the account's own namespace is not known (the account "
                "list did not give its namespace_id)",
                hint="name a group or a location instead of ACCOUNT",
            )
        return self.account_namespace

    def own_account(self) -> str:
        """The account's own uuid (an account this apply creates has one once added)."""
        if not self.account_id:
            raise UnresolvedReference(
                f"{self.account}: the account's uuid is not known yet",
                hint="apply again once the account exists",
            )
        return self.account_id

    def is_own_namespace(self, namespace_id: str) -> bool:
        return bool(self.account_namespace) and namespace_id == self.account_namespace

    def namespace_owner(self, namespace_id: str) -> tuple[str, str] | None:
        """("group", "Cardiology") for a group's namespace; None for the account's own."""
        return self._namespaces.get(namespace_id)
