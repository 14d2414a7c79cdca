"""Shared fixtures: a running Ambra API sandbox on a free port of 127.0.0.1.

``sandbox`` (function scope) — one sandbox server per test session, reset to its
start state before each test (cheap: in-memory SQLite, re-seeded). It is a
:class:`ambraconf.sandbox.harness.SandboxHandle`:

- ``sandbox.url`` — the API base URL, ending in ``/api/v3``
- ``sandbox.admin_login`` / ``sandbox.admin_password`` — the seeded sysadmin
- ``sandbox.user_login`` / ``sandbox.user_password`` — a plain member (role "User")
- ``sandbox.account_id`` — uuid of the seeded account "Sandbox Hospital" (with the
  stock roles Admin, User, PHR, Anonymous and a node "Sandbox Gateway")
- ``sandbox.call("/role/list", account_id=...)`` — a raw form POST with the admin's
  sid (``sid=`` another, ``sid=None`` for none, ``http_method="GET"``); returns an
  ``ApiReply`` with ``.status``, ``.body``, ``.headers``, ``.error_type``, ``.error_subtype``
- ``sandbox.ok(...)`` — the same, asserting HTTP 200; ``sandbox.bundle([...])`` — /bundle
- ``sandbox.login(login, password)`` — a new sid; ``sandbox.admin_sid``
- ``sandbox.seed({"users": [...], "accounts": [...]})`` — load more (docs/sandbox.md)
- ``sandbox.configure(latency_ms=..., rate_limit=..., fault_rate=..., fault_seed=...)``
  — knobs at runtime (reset after the test); ``sandbox.stats()`` — request counts
- ``sandbox.admin_headers`` — the admin token as the header every ``/_sandbox/...``
  request needs (the helpers above send it; raw ``requests`` calls pass it themselves)

``sandbox_factory(**knobs, db=None, seed=None)`` starts a separate sandbox with its
own start-up knobs (e.g. ``sandbox_factory(fault_rate=0.2, fault_seed=7)``); each
is stopped after the test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from ambraconf.sandbox.harness import SandboxHandle


@pytest.fixture(scope="session")
def _sandbox_session() -> Iterator[SandboxHandle]:
    handle = SandboxHandle.start()
    yield handle
    handle.stop()


@pytest.fixture
def sandbox(_sandbox_session: SandboxHandle) -> SandboxHandle:
    """The shared sandbox, reset to its start state (data, sessions, knobs, counts)."""
    _sandbox_session.reset()
    return _sandbox_session


@pytest.fixture
def sandbox_factory() -> Iterator[Callable[..., SandboxHandle]]:
    """Start extra sandboxes with their own knobs: ``sandbox_factory(latency_ms=50)``."""
    started: list[SandboxHandle] = []

    def start(**options: Any) -> SandboxHandle:
        handle = SandboxHandle.start(**options)
        started.append(handle)
        return handle

    yield start
    for handle in started:
        handle.stop()
