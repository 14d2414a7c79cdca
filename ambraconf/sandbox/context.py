"""One API call in progress: its parameters, its session user, and the permission checks.

Permissions follow the documentation: a user acts in an account through the role of
their account membership, an endpoint names the permission it needs (the endpoint
table, see documented.py), and a sysadmin passes every check.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ambraconf.sandbox.documented import DOCUMENTED
from ambraconf.sandbox.protocol import ApiError, Params
from ambraconf.sandbox.sessions import Sessions
from ambraconf.sandbox.store import Row, Store


@dataclass
class Call:
    """Everything a handler needs: the store, the parameters, who is calling."""

    store: Store
    sessions: Sessions
    params: Params
    user: Row | None = None
    sid: str | None = None
    path: str = ""
    memo: dict[tuple[str, str], Row | None] = field(default_factory=dict)
    cache: dict[Any, Any] = field(default_factory=dict)

    @property
    def sysadmin(self) -> bool:
        return bool(self.user and self.user.doc.get("sysadmin"))

    def lookup(self, kind: str | tuple[str, ...], uuid: str | None) -> Row | None:
        """A row by uuid, remembered for this call (lists resolve the same names often)."""
        if not uuid:
            return None
        key = (str(kind), uuid)
        if key not in self.memo:
            self.memo[key] = self.store.get(kind, uuid)
        return self.memo[key]

    def membership(self, account_id: str, user_id: str | None = None) -> Row | None:
        """The account-user row linking a user (the caller by default) to an account."""
        user_id = user_id or (self.user.uuid if self.user else None)
        if not user_id:
            return None
        rows = self.store.find("account_user", "user_id", user_id, account_id=account_id)
        return rows[0] if rows else None

    def permissions(self, account_id: str) -> dict[str, Any] | None:
        """The caller's permissions in an account: their membership role's hash."""
        member = self.membership(account_id)
        if member is None:
            return None
        role = self.lookup("role", member.doc.get("role_id"))
        return role.doc.get("permissions", {}) if role else {}

    def require(self, account_id: str, *needed: str) -> None:
        """NOT_PERMITTED unless the caller holds one of ``needed`` in the account.

        With nothing ``needed`` the caller only has to be a member.
        """
        if self.sysadmin:
            return
        granted = self.permissions(account_id)
        if granted is None:
            raise ApiError("NOT_PERMITTED")
        if needed and not any(str(granted.get(name)) == "1" for name in needed):
            raise ApiError("NOT_PERMITTED")

    def authorize(self, account_id: str) -> None:
        """The check the documentation gives for this endpoint, in the account."""
        documented = DOCUMENTED[self.path]
        if documented.sysadmin:
            self.require_sysadmin()
        self.require(account_id, *documented.needs())

    def require_sysadmin(self, error: str = "NOT_SYSADMIN_OR_SUPPORT") -> None:
        if not self.sysadmin:
            raise ApiError(error)
