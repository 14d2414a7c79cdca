"""State of the sandbox in SQLite: one table of JSON documents, one row per object.

A row is (uuid, kind, account_id, parent_id, seq, doc). ``kind`` says what the
object is (role, group, route...), ``account_id`` which account owns it,
``parent_id`` the object it hangs off (a group for its members, a customfield for
its mappings, a user for a key-value setting), ``seq`` the order of creation, and
``doc`` its fields as JSON. One generic table keeps the store small and lets a
kind be added without a migration; the indexes make a list of 10,000 objects
one range scan.

The API server is threaded, so the connection is shared and every call runs
under one lock, inside one transaction: a call that fails with an error leaves
nothing behind, as a real server's request transaction would.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import uuid as uuidlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS objects (
    uuid TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    account_id TEXT,
    parent_id TEXT,
    seq INTEGER NOT NULL,
    doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS objects_by_account ON objects (kind, account_id, seq);
CREATE INDEX IF NOT EXISTS objects_by_parent ON objects (kind, parent_id, seq);
CREATE INDEX IF NOT EXISTS objects_by_share_code
    ON objects (kind, lower(json_extract(doc, '$.share_code')));
"""
"""Share codes are unique across every account, so each add of a group or location looks
for its code among all of them: without the index that is a scan of every group of every
account, and seeding 500 accounts took minutes."""

_FIELD = re.compile(r"[a-z_]+")


@dataclass
class Row:
    """One stored object: its identity and scope, and its fields in ``doc``."""

    uuid: str
    kind: str
    account_id: str | None
    parent_id: str | None
    doc: dict[str, Any]


def new_uuid() -> str:
    """A server-generated uuid, as every add returns."""
    return str(uuidlib.uuid4())


class Store:
    """Objects by kind, account and parent, in one SQLite database (a file or memory)."""

    def __init__(self, path: str | None = None) -> None:
        self.path = path or ":memory:"
        self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        if path:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.executescript(SCHEMA)
        self._lock = threading.RLock()
        self._seq = self._conn.execute("SELECT COALESCE(MAX(seq), 0) FROM objects").fetchone()[0]

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Hold the store for one call: commit when it returns, roll back when it raises."""
        with self._lock:
            self._conn.execute("BEGIN")
            try:
                yield
            except BaseException:
                self._conn.execute("ROLLBACK")
                self._seq = self._conn.execute(
                    "SELECT COALESCE(MAX(seq), 0) FROM objects"
                ).fetchone()[0]
                raise
            self._conn.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def is_empty(self) -> bool:
        with self._lock:
            return self._conn.execute("SELECT 1 FROM objects LIMIT 1").fetchone() is None

    def wipe(self) -> None:
        """Forget everything (the admin reset); the caller seeds again."""
        with self._lock:
            self._conn.execute("DELETE FROM objects")
            self._seq = 0

    def insert(
        self,
        kind: str,
        doc: dict[str, Any],
        *,
        account_id: str | None = None,
        parent_id: str | None = None,
        uuid: str | None = None,
    ) -> Row:
        self._seq += 1
        row = Row(uuid or new_uuid(), kind, account_id, parent_id, doc)
        self._conn.execute(
            "INSERT INTO objects (uuid, kind, account_id, parent_id, seq, doc)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (row.uuid, kind, account_id, parent_id, self._seq, json.dumps(doc)),
        )
        return row

    def update(self, row: Row) -> None:
        self._conn.execute(
            "UPDATE objects SET doc = ? WHERE uuid = ?", (json.dumps(row.doc), row.uuid)
        )

    def delete(self, uuid: str) -> None:
        self._conn.execute("DELETE FROM objects WHERE uuid = ?", (uuid,))

    def delete_children(self, parent_id: str) -> None:
        """Remove everything hanging off an object (members, mappings) with it."""
        self._conn.execute("DELETE FROM objects WHERE parent_id = ?", (parent_id,))

    def delete_account(self, account_id: str) -> None:
        """Remove an account and everything it owns."""
        self._conn.execute("DELETE FROM objects WHERE account_id = ?", (account_id,))

    def get(self, kind: str | tuple[str, ...], uuid: str | None) -> Row | None:
        """The object of this kind (or one of these kinds) with this uuid, if any."""
        if not uuid:
            return None
        kinds = (kind,) if isinstance(kind, str) else kind
        found = self._conn.execute(
            "SELECT uuid, kind, account_id, parent_id, doc FROM objects WHERE uuid = ?", (uuid,)
        ).fetchone()
        if found is None or found[1] not in kinds:
            return None
        return _row(found)

    def rows(
        self,
        kind: str,
        *,
        account_id: str | None = None,
        parent_id: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Row]:
        """Objects of a kind in creation order, narrowed to an account and/or a parent."""
        sql, args = self._where(kind, account_id, parent_id)
        sql = "SELECT uuid, kind, account_id, parent_id, doc FROM objects" + sql + " ORDER BY seq"
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            args += [limit, offset]
        return [_row(found) for found in self._conn.execute(sql, args)]

    def count(
        self, kind: str, *, account_id: str | None = None, parent_id: str | None = None
    ) -> int:
        sql, args = self._where(kind, account_id, parent_id)
        return self._conn.execute("SELECT COUNT(*) FROM objects" + sql, args).fetchone()[0]

    def find(
        self, kind: str, field: str, value: Any, *, account_id: str | None = None
    ) -> list[Row]:
        """Objects whose document field equals a value (uniqueness and in-use checks)."""
        sql, args = self._where(kind, account_id, None)
        sql += " AND json_extract(doc, ?) = ?"
        args += [f"$.{field}", value]
        query = "SELECT uuid, kind, account_id, parent_id, doc FROM objects" + sql + " ORDER BY seq"
        return [_row(found) for found in self._conn.execute(query, args)]

    def find_ci(
        self, kind: str, field: str, value: str, *, account_id: str | None = None
    ) -> list[Row]:
        """Like :meth:`find` but ignoring case, for names the database keeps as citext."""
        if not _FIELD.fullmatch(field):
            raise ValueError(f"not a field name: {field!r}")
        sql, args = self._where(kind, account_id, None)
        # the path written out, not bound, so that SQLite can use the expression index
        sql += f" AND lower(json_extract(doc, '$.{field}')) = lower(?)"
        args.append(value)
        query = "SELECT uuid, kind, account_id, parent_id, doc FROM objects" + sql + " ORDER BY seq"
        return [_row(found) for found in self._conn.execute(query, args)]

    @staticmethod
    def _where(kind: str, account_id: str | None, parent_id: str | None) -> tuple[str, list[Any]]:
        sql, args = " WHERE kind = ?", [kind]
        if account_id is not None:
            sql += " AND account_id = ?"
            args.append(account_id)
        if parent_id is not None:
            sql += " AND parent_id = ?"
            args.append(parent_id)
        return sql, args


def _row(found: tuple[Any, ...]) -> Row:
    return Row(found[0], found[1], found[2], found[3], json.loads(found[4]))
