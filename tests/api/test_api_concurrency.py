"""Rounds of reads sent several chunks at a time: results in call order, the first error
in call order, changes still one chunk after another, and a 429 that pauses every thread.

Concurrency is proven with events and barriers (a chunk that can only be answered while
another is in flight), never with timings."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from ambra_standin import Seen, StandIn, error, ok, raw
from api_helpers import Connect
from werkzeug.wrappers import Response

from ambraconf.api import (
    AmbraClient,
    ApiError,
    ClientSettings,
    ListRequest,
    Transport,
    TransportError,
)
from ambraconf.api.client import READ_AHEAD
from ambraconf.api.transport import RateLimiter

WAIT = 10.0
"""Seconds a handler waits for a chunk that must be in flight too before it gives up (a
failure, not a timing: concurrent chunks meet at once)."""


class InFlight:
    """Counts the bundles the stand-in is answering at once."""

    def __init__(self) -> None:
        self.now = 0
        self.most = 0
        self._lock = threading.Lock()

    def around(self, standin: StandIn) -> Callable[[Seen], Response]:
        def handler(seen: Seen) -> Response:
            with self._lock:
                self.now += 1
                self.most = max(self.most, self.now)
            try:
                return standin.run_bundle(seen)
            finally:
                with self._lock:
                    self.now -= 1

        return handler


def test_chunks_of_reads_are_in_flight_together(standin: StandIn, connect: Connect):
    meet = threading.Barrier(3, timeout=WAIT)

    def together(seen: Seen) -> Response:
        meet.wait()  # raises (and the item fails) unless three chunks are in flight at once
        return ok(uuid=seen.form["uuid"])

    standin.script("/role/get", together)

    results = connect(bundle_size=1, concurrency=3).bundle(
        [("/role/get", {"uuid": f"r{n}"}) for n in range(3)]
    )

    assert [result.unwrap()["uuid"] for result in results] == ["r0", "r1", "r2"]


def test_results_keep_call_order_when_later_chunks_answer_first(standin: StandIn, connect: Connect):
    answered: list[str] = []
    later_done = threading.Event()

    def last_first(seen: Seen) -> Response:
        uuid = seen.form["uuid"]
        if uuid == "r0":
            assert later_done.wait(WAIT)
        answered.append(uuid)
        if uuid == "r1":
            later_done.set()
        return ok(uuid=uuid)

    standin.script("/role/get", last_first)

    results = connect(bundle_size=1, concurrency=2).bundle(
        [("/role/get", {"uuid": "r0"}), ("/role/get", {"uuid": "r1"})]
    )

    assert answered == ["r1", "r0"]
    assert [result.unwrap()["uuid"] for result in results] == ["r0", "r1"]


def test_concurrency_one_sends_chunk_after_chunk(standin: StandIn, connect: Connect):
    flight = InFlight()
    standin.script("/bundle", flight.around(standin))
    standin.script("/role/get", lambda seen: ok(uuid=seen.form["uuid"]))

    results = connect(bundle_size=1, concurrency=1).bundle(
        [("/role/get", {"uuid": f"r{n}"}) for n in range(4)]
    )

    assert len(results) == 4
    assert flight.most == 1


def test_changes_go_chunk_after_chunk_whatever_the_concurrency(standin: StandIn, connect: Connect):
    flight = InFlight()
    standin.script("/bundle", flight.around(standin))
    standin.script("/role/add", lambda seen: ok(uuid="new-" + seen.form["name"]))

    names = [f"R{n}" for n in range(4)]
    client = connect(bundle_size=1, concurrency=4)
    client.bundle([("/role/add", {"name": name}) for name in names], idempotent=True)

    assert flight.most == 1
    sent = [seen.form["name"] for seen in standin.log if seen.path == "/role/add"]
    assert sent == names, "in the order asked"


def test_the_first_refused_list_in_call_order_is_raised(standin: StandIn, connect: Connect):
    second_refused = threading.Event()

    def first(seen: Seen) -> Response:
        assert second_refused.wait(WAIT)
        return error("NOT_PERMITTED", "first")

    def second(seen: Seen) -> Response:
        second_refused.set()
        return error("NOT_FOUND", "second")

    standin.script("/role/list", first)
    standin.script("/group/list", second)

    with pytest.raises(ApiError) as caught:
        connect(bundle_size=1, concurrency=2).list_many(
            [ListRequest("/role/list", "roles"), ListRequest("/group/list", "groups")]
        )

    assert (caught.value.endpoint, caught.value.error_type) == ("/role/list", "NOT_PERMITTED")


def test_gets_ride_with_the_first_page_of_the_lists(standin: StandIn, connect: Connect):
    roles = [{"uuid": f"r{n}", "name": f"R{n}"} for n in range(3)]

    def role_pages(seen: Seen) -> Response:
        number = int(seen.form["page.number"])
        rows = int(seen.form["page.rows"])
        page = roles[(number - 1) * rows : number * rows]
        return ok(roles=page, page={"more": int(number * rows < len(roles)), "rows": rows})

    standin.script("/role/list", role_pages)
    standin.script("/setting/get", error("NOT_FOUND"))
    standin.script("/namespace/settings", ok(settings={"a": 1}))

    lists, gets = connect().read_many(
        [ListRequest("/role/list", "roles")],
        [("/namespace/settings", {"uuid": "n1"}), ("/setting/get", {"key": "k"})],
        page_rows=2,
    )

    assert lists == [roles]
    assert gets[0].unwrap() == {"settings": {"a": 1}}
    assert gets[1].error is not None and gets[1].error.error_type == "NOT_FOUND"
    assert standin.paths().count("/bundle") == 2, "gets and page 1, then page 2"
    first = [seen.path for seen in standin.log if seen.in_bundle][:3]
    assert first == ["/namespace/settings", "/setting/get", "/role/list"]


def test_a_hold_makes_a_caller_already_waiting_for_its_slot_wait_it_out():
    now = [0.0]
    slept: list[float] = []
    limiter: RateLimiter

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        if len(slept) == 1:  # while this caller sleeps, another thread got a 429
            limiter.hold(2.0)
        now[0] += seconds

    limiter = RateLimiter(10, clock=lambda: now[0], sleep=sleep)
    limiter.wait()
    limiter.wait()

    assert slept == pytest.approx([0.1, 1.9])
    assert now[0] == pytest.approx(2.0)


def test_a_hold_pauses_callers_without_a_rate_limit():
    now = [5.0]
    slept: list[float] = []
    limiter = RateLimiter(None, clock=lambda: now[0], sleep=slept.append)

    limiter.wait()
    limiter.hold(3.0)
    limiter.wait()

    assert slept == pytest.approx([3.0])


def test_a_429_with_retry_after_holds_every_thread(standin: StandIn):
    """The thread that got the 429 waits; a thread that starts a request meanwhile waits
    for the same pause instead of running into a 429 of its own."""
    standin.script("/role/get", raw(429, "slow down", Retry_After="2"), ok(uuid="r1"))
    standin.valid_sids.add("s")
    held, second_done = threading.Event(), threading.Event()
    slept: dict[str, float] = {}

    def sleep(seconds: float) -> None:
        name = threading.current_thread().name
        slept[name] = seconds
        if name == "first":
            held.set()
            assert second_done.wait(WAIT)

    settings = ClientSettings.from_env({}, url=standin.url, login="x", password="y", sid="s")
    transport = Transport(settings.url, requests_per_second=None, sleep=sleep)
    client = AmbraClient(settings, transport=transport)
    replies: dict[str, dict] = {}

    def first() -> None:
        replies["first"] = client.call("/role/get", uuid="r1")

    def second() -> None:
        assert held.wait(WAIT)
        try:
            replies["second"] = client.call("/role/get", uuid="r1")
        finally:
            second_done.set()

    threads = [
        threading.Thread(target=first, name="first"),
        threading.Thread(target=second, name="second"),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    client.close()

    assert replies == {"first": {"uuid": "r1"}, "second": {"uuid": "r1"}}
    assert slept == pytest.approx({"first": 2.0, "second": 2.0}, abs=0.5)
    assert standin.paths().count("/role/get") == 3, "one 429, then one answer each"


def test_concurrency_outside_its_range_is_refused():
    settings = ClientSettings.from_env({}, url="http://127.0.0.1:9", sid="s")
    for wrong in (0, 65):
        with pytest.raises(ValueError, match="concurrency"):
            AmbraClient(settings, concurrency=wrong)


def test_pauses_asked_for_are_not_failed_attempts(
    standin: StandIn, connect: Connect, sleeps: list[float]
):
    """Threads sharing the server's budget are turned away after every pause; waiting as
    asked is not a failure, so more than ``max_attempts`` 429s are waited out."""
    slow_down = raw(429, "slow down", Retry_After="1")
    standin.script("/role/list", *[slow_down] * 6, ok(roles=[]))

    assert connect(max_attempts=4).call("/role/list", account_id="a") == {"roles": []}
    assert len(sleeps) == 6


def test_a_server_that_never_lets_the_request_through_is_given_up_on(
    standin: StandIn, connect: Connect
):
    standin.script("/role/list", raw(429, "slow down", Retry_After="1"))

    with pytest.raises(TransportError, match="HTTP 429 20 times") as caught:
        connect().call("/role/list", account_id="a")

    assert caught.value.hint == "lower --concurrency or --rate"
    assert standin.paths().count("/role/list") == 20


def test_each_list_is_handed_on_before_the_round_ends(standin: StandIn, connect: Connect):
    """``read_each`` gives a list to the caller while later chunks are still unanswered:
    the last list can only be answered once the caller has the first."""
    first_seen = threading.Event()

    def last(seen: Seen) -> Response:
        assert first_seen.wait(WAIT)
        return ok(groups=[])

    standin.script("/role/list", ok(roles=[{"uuid": "r1", "name": "R1"}]))
    standin.script("/group/list", last)
    client = connect(bundle_size=1, concurrency=2)
    arrived = []
    for arrival in client.read_each(
        [ListRequest("/role/list", "roles"), ListRequest("/group/list", "groups")]
    ):
        arrived.append((arrival.index, arrival.items))
        first_seen.set()

    assert arrived == [(0, [{"uuid": "r1", "name": "R1"}]), (1, [])]


def test_reads_run_only_a_few_chunks_ahead_of_the_caller(standin: StandIn, connect: Connect):
    """A caller slower than the network (planning 100,000 objects) does not make the client
    hold every answer of the round: at most ``READ_AHEAD`` chunks per thread are asked for
    beyond the one it is working on."""
    standin.script("/role/list", lambda seen: ok(roles=[]))
    client = connect(bundle_size=1, concurrency=2)
    requests = [ListRequest("/role/list", "roles", {"account_id": f"a{n}"}) for n in range(12)]
    bound = READ_AHEAD * 2 + 1
    sent_when_first_arrived = None
    for arrival in client.read_each(requests):
        if sent_when_first_arrived is None:
            for _ in range(200):  # the chunks asked for are answered: wait until they are
                if standin.paths().count("/bundle") >= bound:
                    break
                threading.Event().wait(0.01)
            sent_when_first_arrived = standin.paths().count("/bundle")
        assert arrival.items == []

    assert sent_when_first_arrived == bound
    assert standin.paths().count("/bundle") == 12
