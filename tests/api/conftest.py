"""Fixtures for the API client tests: the scripted stand-in server and clients bound to it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from ambra_standin import ADMIN_LOGIN, ADMIN_PASSWORD, StandIn
from api_helpers import Connect

from ambraconf.api import AmbraClient, ClientSettings, RetryPolicy, Transport
from ambraconf.api.transport import MAX_ANSWER_BYTES


@pytest.fixture
def standin() -> Iterator[StandIn]:
    server = StandIn()
    yield server
    server.stop()


@pytest.fixture
def sleeps() -> list[float]:
    """Delays the client asked to sleep; the clients below record instead of sleeping."""
    return []


@pytest.fixture
def connect(standin: StandIn, sleeps: list[float]) -> Iterator[Connect]:
    """Build a client for the stand-in: no rate limit, no real sleeping, short timeouts."""
    clients: list[AmbraClient] = []

    def make(
        *,
        url: str | None = None,
        login: str | None = ADMIN_LOGIN,
        password: str | None = ADMIN_PASSWORD,
        sid: str | None = None,
        max_attempts: int = 4,
        read_timeout: float = 5.0,
        bundle_size: int = 50,
        max_answer: int = MAX_ANSWER_BYTES,
        concurrency: int = 4,
    ) -> AmbraClient:
        settings = ClientSettings.from_env(
            {}, url=url or standin.url, login=login, password=password, sid=sid
        )
        transport = Transport(
            settings.url,
            timeout=(2.0, read_timeout),
            requests_per_second=None,
            retry=RetryPolicy(max_attempts=max_attempts),
            sleep=sleeps.append,
            max_answer=max_answer,
        )
        client = AmbraClient(
            settings, transport=transport, bundle_size=bundle_size, concurrency=concurrency
        )
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()
