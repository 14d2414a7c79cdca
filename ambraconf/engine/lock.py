"""An advisory lock per account, so two applies never interleave silently.

Terraform locks its state; ambraconf has no state file, but keeps its apply records in
Ambra's key-value store (``/setting/set``), and takes its lock there too: one key per
account uuid, holding who holds it, since when and until when. The store has no
compare-and-set, so after writing its lock an apply reads it back and goes ahead only if
the lock is still its own.

The store is per Ambra user: the lock serialises the applies one user makes (a CI service
account, the usual case, or one administrator in two terminals); applies by two different
users do not see each other's lock. A lock outlives a killed apply until it expires, or
until ``ambraconf force-unlock`` removes it, or until an apply on the same machine finds
that the process holding it is gone.
"""

from __future__ import annotations

import getpass
import json
import os
import re
import secrets
import socket
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta

from ambraconf.api.client import AmbraClient
from ambraconf.api.errors import AmbraError
from ambraconf.config.errors import UserError

KEY_PREFIX = "ambraconf.lock."
DELETE = "__DELETE__"
"""The value that deletes a key (``/setting/set``'s note)."""
TTL = timedelta(hours=1)
"""How long a lock holds when its apply never releases it (killed, or its machine lost)."""


class LockHeld(UserError):
    """Another apply holds the lock of an account this apply would change."""

    code = "locked"


@dataclass(frozen=True)
class Lock:
    holder: str
    token: str
    taken_at: str
    expires_at: str

    def live_at(self, now: datetime) -> bool:
        """Held: not expired, and not taken on this machine by a process that has ended."""
        try:
            expired = datetime.fromisoformat(self.expires_at) <= now
        except ValueError:
            return False
        return not expired and not self.abandoned()

    def abandoned(self) -> bool:
        """Taken on this machine by a process that no longer exists. A process whose id
        was reused since, or one of another user, counts as alive: the lock then holds
        until it expires, as any lock of another machine does."""
        where = HOLDER.match(self.holder)
        if where is None or where["host"] != socket.gethostname():
            return False
        try:
            os.kill(int(where["pid"]), 0)
        except ProcessLookupError:
            return True
        except OSError:
            return False
        return False

    @classmethod
    def from_text(cls, text: object) -> Lock | None:
        """The lock in the store's value; None when there is none (or not one of ours)."""
        try:
            data = json.loads(str(text or ""))
            return cls(**data) if isinstance(data, dict) else None
        except (ValueError, TypeError):
            return None


def key(account_uuid: str) -> str:
    return KEY_PREFIX + account_uuid


HOLDER = re.compile(r"[^@]*@(?P<host>\S+) pid (?P<pid>[1-9][0-9]{0,9})\b")
"""What ``holder`` writes, read back for the machine and the process (the lock's fields
stay those every version reads, so an older ambraconf still sees the lock)."""


def holder() -> str:
    """Who takes the lock, as a person finding it would want to know: user, machine,
    process, and the CI run when there is one."""
    run = os.environ.get("GITHUB_RUN_ID")
    where = f" (GitHub Actions run {run})" if run else ""
    return f"{getpass.getuser()}@{socket.gethostname()} pid {os.getpid()}{where}"


def acquire(
    client: AmbraClient, accounts: Sequence[tuple[str, str]], now: datetime | None = None
) -> str:
    """Lock every (name, uuid) account, or none: the token to release them with.

    Raises ``LockHeld`` naming each holder when any account is locked by an apply that has
    not expired, before anything is written for any of them."""
    now = now or datetime.now(UTC)
    current = _read(client, accounts)
    held = [(name, lock) for (name, _), lock in zip(accounts, current, strict=True) if lock]
    held = [(name, lock) for name, lock in held if lock.live_at(now)]
    if held:
        raise _held(held)
    token = secrets.token_hex(8)
    lock = Lock(holder(), token, now.isoformat(timespec="seconds"), (now + TTL).isoformat())
    _write(client, [uuid for _, uuid in accounts], json.dumps(asdict(lock)))
    after = _read(client, accounts)
    taken = [
        (name, other)
        for (name, _), other in zip(accounts, after, strict=True)
        if other is not None and other.token != token
    ]
    if taken:
        release(client, accounts, token)
        raise _held(taken)
    return token


def release(client: AmbraClient, accounts: Sequence[tuple[str, str]], token: str) -> list[str]:
    """Remove the locks this apply holds (``token``); warnings instead of errors, since the
    apply has happened by then and a lock left behind expires by itself."""
    try:
        current = _read(client, accounts)
        ours = [
            uuid
            for (_, uuid), lock in zip(accounts, current, strict=True)
            if lock and lock.token == token
        ]
        if ours:
            _write(client, ours, DELETE)
    except AmbraError as exc:
        return [f"could not release the apply lock ({exc}); it expires by itself in {TTL}"]
    return []


def force_unlock(client: AmbraClient, accounts: Sequence[tuple[str, str]]) -> list[str]:
    """Remove the locks of ``accounts`` whoever holds them; the holders, for the record."""
    current = _read(client, accounts)
    _write(client, [uuid for _, uuid in accounts], DELETE)
    return [
        f"{name}: {lock.holder} since {lock.taken_at}"
        for (name, _), lock in zip(accounts, current, strict=True)
        if lock
    ]


def _held(held: Sequence[tuple[str, Lock]]) -> LockHeld:
    lines = [
        f"{name}: by {lock.holder} since {lock.taken_at} (until {lock.expires_at})"
        for name, lock in held
    ]
    names = " ".join(f"--account {name!r}" for name, _ in held)
    return LockHeld(
        "another apply holds the lock of "
        + ("these accounts" if len(held) > 1 else "this account")
        + ":\n  "
        + "\n  ".join(lines),
        hint="wait for it to finish; if it died, remove the lock with: "
        f"ambraconf force-unlock {names}",
    )


def _read(client: AmbraClient, accounts: Sequence[tuple[str, str]]) -> list[Lock | None]:
    calls = [("/setting/get", {"key": key(uuid)}) for _, uuid in accounts]
    results = client.bundle(calls, idempotent=True) if calls else []
    return [Lock.from_text(r.data.get("value")) if r.ok and r.data else None for r in results]


def _write(client: AmbraClient, uuids: Sequence[str], value: str) -> None:
    calls = [("/setting/set", {"key": key(uuid), "value": value}) for uuid in uuids]
    for result in client.bundle(calls, idempotent=True) if calls else []:
        result.unwrap()
