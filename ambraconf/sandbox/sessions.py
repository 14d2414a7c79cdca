"""Logged-in sessions: sid to user, with the documented cap of 10 per user.

Sessions live in memory, not in the database: a restarted sandbox forgets them and
clients log in again on the 401, as they must against the real service.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict

MAX_SESSIONS_PER_USER = 10


class Sessions:
    """sid → user uuid, oldest first; ``temp_`` user settings live with their session."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._users: OrderedDict[str, str] = OrderedDict()
        self._temp: dict[str, dict[str, str]] = {}

    def open(self, user_id: str) -> str:
        """A new sid; the user's oldest session is dropped past the cap."""
        sid = secrets.token_hex(20)
        with self._lock:
            mine = [s for s, u in self._users.items() if u == user_id]
            for old in mine[: max(0, len(mine) - MAX_SESSIONS_PER_USER + 1)]:
                self._drop(old)
            self._users[sid] = user_id
        return sid

    def user_of(self, sid: str | None) -> str | None:
        if not sid:
            return None
        with self._lock:
            return self._users.get(sid)

    def close(self, sid: str) -> bool:
        with self._lock:
            if sid not in self._users:
                return False
            self._drop(sid)
            return True

    def clear(self) -> None:
        with self._lock:
            self._users.clear()
            self._temp.clear()

    def temp_settings(self, sid: str) -> dict[str, str]:
        """The session-only key-value store (keys starting with ``temp_``)."""
        with self._lock:
            return self._temp.setdefault(sid, {})

    def _drop(self, sid: str) -> None:
        self._users.pop(sid, None)
        self._temp.pop(sid, None)
