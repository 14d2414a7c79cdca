"""Rate limit, request counting, backoff, and secrets kept out of logs."""

from __future__ import annotations

import logging
import threading

import pytest
from ambra_standin import ADMIN_PASSWORD, StandIn, ok
from api_helpers import Connect

from ambraconf.api import AmbraClient, ClientSettings, RetryPolicy, Transport
from ambraconf.api.transport import RateLimiter


def test_rate_limiter_spaces_requests_and_lets_idle_time_pass():
    now = [0.0]
    slept: list[float] = []
    limiter = RateLimiter(5, clock=lambda: now[0], sleep=slept.append)

    for _ in range(3):
        limiter.wait()
    assert slept == pytest.approx([0.2, 0.4])

    now[0] = 10.0
    limiter.wait()
    assert len(slept) == 2


def test_rate_limiter_gives_each_thread_its_own_slot():
    slept: list[float] = []
    lock = threading.Lock()

    def record(seconds: float) -> None:
        with lock:
            slept.append(seconds)

    limiter = RateLimiter(10, clock=lambda: 0.0, sleep=record)
    threads = [threading.Thread(target=limiter.wait) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(slept) == pytest.approx([n / 10 for n in range(1, 20)])


def test_transport_applies_the_rate_limit(standin: StandIn):
    standin.script("/role/get", ok(uuid="r1"))
    slept: list[float] = []
    settings = ClientSettings.from_env({}, url=standin.url, login="x", password="y", sid="s")
    standin.valid_sids.add("s")
    transport = Transport(settings.url, requests_per_second=1, sleep=slept.append)
    client = AmbraClient(settings, transport=transport)

    for _ in range(3):
        client.call("/role/get", uuid="r1")

    assert len(slept) == 2, "the second and third call waited for their slot"
    client.close()


def test_backoff_grows_and_is_capped():
    policy = RetryPolicy(backoff_base=0.5, backoff_max=8.0)
    assert [policy.backoff(n, 1.0) for n in (1, 2, 3, 6)] == [0.5, 1.0, 2.0, 8.0]
    assert policy.backoff(1, 0.0) == 0.25


def test_counts_every_request_by_endpoint(standin: StandIn, connect: Connect):
    standin.script("/role/get", ok(uuid="r1"))
    client = connect()

    client.call("/role/get", uuid="r1")
    client.call("/role/get", uuid="r1")
    client.bundle([("/role/get", {"uuid": "r1"}), ("/role/get", {"uuid": "r2"})])

    counts = client.counts()
    assert counts.total == 4
    assert counts.by_endpoint == {"/session/login": 1, "/role/get": 2, "/bundle": 1}


def test_secrets_never_reach_the_log(
    standin: StandIn, connect: Connect, caplog: pytest.LogCaptureFixture
):
    standin.script("/webhook/add", ok(uuid="w1"))
    standin.script("/user/set", ok())
    client = connect()

    with caplog.at_level(logging.DEBUG, logger="ambraconf"):
        client.call("/webhook/add", name="Hook", auth={"type": "basic", "password": "wh-secret"})
        client.call("/user/set", password="old-secret", new_password="new-secret")
        client.bundle([("/webhook/add", {"name": "Hook", "auth": "wh-secret"})])

    assert "/webhook/add" in caplog.text
    for secret in (ADMIN_PASSWORD, "sid-1", "wh-secret", "old-secret", "new-secret"):
        assert secret not in caplog.text
    assert caplog.text.count("'auth': '***'") == 2, "the call and the bundle item are logged"
