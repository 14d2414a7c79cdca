"""How failures reach the caller: the server said no, or nobody knows what happened.

Reads are retried; changes are not re-sent once they may have reached the server.
"""

from __future__ import annotations

import socket

import pytest
from ambra_standin import DROP, Seen, StandIn, error, ok, raw, slow
from api_helpers import Connect
from werkzeug.wrappers import Response

from ambraconf.api import ApiError, ResponseLost, TransportError
from ambraconf.config.errors import UserError

BAD_GATEWAY = "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1>"


def test_412_is_an_api_error_with_the_servers_tokens(standin: StandIn, connect: Connect):
    standin.script("/role/add", error("INVALID_PERMISSION", "study_veiw"))

    with pytest.raises(ApiError) as caught:
        connect().call("/role/add", name="Radiologist", permissions={"study_veiw": 1})

    failure = caught.value
    assert str(failure) == "/role/add failed: INVALID_PERMISSION (study_veiw)"
    assert (failure.endpoint, failure.status) == ("/role/add", 412)
    assert (failure.error_type, failure.error_subtype) == ("INVALID_PERMISSION", "study_veiw")
    assert isinstance(failure, UserError)
    assert standin.paths().count("/role/add") == 1


def test_error_type_sent_as_a_list_is_split(standin: StandIn, connect: Connect):
    standin.script("/role/add", error(["INVALID_JSON", "settings"]))

    with pytest.raises(ApiError, match=r"INVALID_JSON \(settings\)") as caught:
        connect().call("/role/add", name="R", settings="{bad")
    assert (caught.value.error_type, caught.value.error_subtype) == ("INVALID_JSON", "settings")


def test_subtype_lists_and_error_data_are_kept(standin: StandIn, connect: Connect):
    data = {"role_id": "r1", "namespace_id": "n1"}
    standin.script(
        "/group/add",
        error("MISSING_FIELDS", ["name", "account_id"]),
        error("ROLE_NAMESPACE_MISMATCH", "INCOMPATIBLE_ROLE", data),
    )
    client = connect()

    with pytest.raises(ApiError, match=r"MISSING_FIELDS \(name, account_id\)$") as caught:
        client.call("/group/add")
    assert caught.value.error_subtype == ["name", "account_id"]
    with pytest.raises(ApiError) as caught:
        client.call("/group/add", name="G", account_id="a", role_id="r1")
    assert caught.value.error_data == data


def test_another_4xx_is_an_api_error_with_an_excerpt(standin: StandIn, connect: Connect):
    standin.script("/role/list", raw(405, "<h1>Method Not Allowed</h1>"))

    with pytest.raises(ApiError) as caught:
        connect().call("/role/list")
    assert str(caught.value) == "/role/list failed: HTTP 405: Method Not Allowed"
    assert caught.value.error_type is None
    assert standin.paths().count("/role/list") == 1


def test_503_twice_then_ok_is_retried_for_a_read(
    standin: StandIn, connect: Connect, sleeps: list[float]
):
    busy = raw(503, "busy")
    standin.script("/role/list", busy, busy, ok(roles=[]))
    client = connect()

    assert client.call("/role/list", account_id="a") == {"roles": []}

    assert standin.paths().count("/role/list") == 3
    assert client.counts().by_endpoint["/role/list"] == 3
    assert len(sleeps) == 2
    assert 0.25 <= sleeps[0] <= 0.5 and 0.5 <= sleeps[1] <= 1.0


def test_a_read_that_keeps_failing_gives_up_with_the_status(
    standin: StandIn, connect: Connect, sleeps: list[float]
):
    standin.script("/role/list", raw(502, BAD_GATEWAY))

    with pytest.raises(TransportError) as caught:
        connect(max_attempts=3).call("/role/list")

    assert not isinstance(caught.value, ResponseLost)
    assert caught.value.status == 502
    assert str(caught.value) == (
        "/role/list failed: HTTP 502 after 3 attempts: 502 Bad Gateway 502 Bad Gateway"
    )
    assert standin.paths().count("/role/list") == 3
    assert len(sleeps) == 2


def test_a_5xx_on_a_change_is_a_lost_response_sent_once(standin: StandIn, connect: Connect):
    standin.script("/webhook/add", raw(502, BAD_GATEWAY))

    with pytest.raises(ResponseLost) as caught:
        connect().call("/webhook/add", name="Notify", auth={"password": "hunter2"}, url="x")

    lost = caught.value
    assert lost.status == 502
    assert lost.calls == [("/webhook/add", {"name": "Notify", "auth": "***", "url": "x"})]
    assert "read the live state" in str(lost)
    assert standin.paths().count("/webhook/add") == 1


def test_a_call_marked_idempotent_is_retried(standin: StandIn, connect: Connect):
    standin.script("/namespace/settings", raw(503), ok(settings={}))

    assert connect().call("/namespace/settings", uuid="n1", idempotent=True) == {"settings": {}}
    assert standin.paths().count("/namespace/settings") == 2


def test_429_waits_as_asked_then_retries_even_a_change(
    standin: StandIn, connect: Connect, sleeps: list[float]
):
    standin.script("/role/add", raw(429, "slow down", Retry_After="2"), ok(uuid="r9"))

    assert connect().call("/role/add", name="R", account_id="a") == {"uuid": "r9"}
    assert sleeps == pytest.approx([2.0], abs=0.5), "the pause, less the time since the 429"
    assert standin.paths().count("/role/add") == 2


def test_429_asking_for_too_long_a_wait_fails_at_once(
    standin: StandIn, connect: Connect, sleeps: list[float]
):
    standin.script("/role/list", raw(429, "", Retry_After="3600"))

    with pytest.raises(TransportError, match="retry after 3600 s") as caught:
        connect().call("/role/list")
    assert caught.value.status == 429
    assert sleeps == []


def test_non_json_200_on_a_read_is_a_transport_error(standin: StandIn, connect: Connect):
    standin.script("/role/list", raw(200, "<html>Maintenance</html>"))

    with pytest.raises(TransportError, match="unexpected reply.*Maintenance") as caught:
        connect().call("/role/list")
    assert not isinstance(caught.value, ResponseLost)


def test_dropped_connection_on_a_read_is_retried(standin: StandIn, connect: Connect):
    standin.script("/role/list", DROP, ok(roles=[{"uuid": "r1"}]))

    assert connect().call("/role/list") == {"roles": [{"uuid": "r1"}]}
    assert standin.paths().count("/role/list") == 2


def test_dropped_connection_on_a_change_is_a_lost_response(standin: StandIn, connect: Connect):
    standin.script("/role/add", DROP)

    with pytest.raises(ResponseLost, match="connection closed without an answer") as caught:
        connect().call("/role/add", name="Radiologist", account_id="a")

    assert caught.value.calls == [("/role/add", {"name": "Radiologist", "account_id": "a"})]
    assert standin.paths().count("/role/add") == 1


def test_timeout_on_a_change_is_a_lost_response(standin: StandIn, connect: Connect):
    standin.script("/role/add", slow(0.5, ok(uuid="late")))

    with pytest.raises(ResponseLost, match="no answer within 0.1 s"):
        connect(read_timeout=0.1).call("/role/add", name="R", account_id="a")
    assert standin.paths().count("/role/add") == 1


def test_timeout_on_a_read_is_retried(standin: StandIn, connect: Connect):
    standin.script("/role/get", slow(0.5, ok(uuid="late")), ok(uuid="r1"))

    assert connect(read_timeout=0.1).call("/role/get", uuid="r1") == {"uuid": "r1"}


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_connection_refused_is_retried_then_reported_without_traceback(
    connect: Connect, sleeps: list[float]
):
    url = f"http://127.0.0.1:{unused_port()}/api/v3"
    client = connect(url=url, login=None, password=None, sid="s", max_attempts=3)

    with pytest.raises(TransportError) as caught:
        client.call("/role/add", name="R", account_id="a")

    assert not isinstance(caught.value, ResponseLost), "nothing was sent, so nothing is lost"
    assert str(caught.value) == f"cannot reach {url}/role/add: Connection refused"
    assert client.counts().total == 3
    assert len(sleeps) == 2


def test_json_nested_past_any_real_answer_is_a_transport_error(standin: StandIn, connect: Connect):
    depth = 100_000
    standin.script("/role/list", raw(200, "[" * depth + "]" * depth))

    with pytest.raises(TransportError, match="unexpected reply"):
        connect().call("/role/list")


def test_an_answer_larger_than_the_limit_is_refused_as_it_streams_in(
    standin: StandIn, connect: Connect
):
    client = connect(max_answer=1000)
    standin.script("/role/list", raw(200, "x" * 5000))
    with pytest.raises(TransportError, match="larger than 1,000 bytes; refusing to read it"):
        client.call("/role/list")
    standin.script("/role/add", raw(200, "x" * 5000))
    with pytest.raises(ResponseLost, match="the call may have run"):
        client.call("/role/add", {"name": "R"})


def test_a_list_that_never_stops_promising_more_pages_is_refused(
    standin: StandIn, connect: Connect
):
    def endless(seen: Seen) -> Response:
        number = int(seen.form.get("page.number", "1"))
        return ok(roles=[{"uuid": f"r-{number}"}], page={"more": 1, "rows": 1, "number": number})

    standin.script("/role/list", endless)
    with pytest.raises(TransportError, match="more than 200 pages"):
        connect().list_all("/role/list", "roles", page_rows=1)
    assert len([s for s in standin.requests if s.path == "/role/list"]) == 200
