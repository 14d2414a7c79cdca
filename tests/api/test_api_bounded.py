"""Bounded waits and answers: a server that drips, says nothing, pages for ever or sends
without end fails the call in bounded time and memory, with a message naming the endpoint.

Limits are small here (a fraction of a second, a megabyte, a few pages) so that each test
takes a moment; the ``timeout`` markers are guards that fail a test that hangs, not
measurements.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from misbehaving import (
    DRIP_BODY,
    DRIP_HEADERS,
    ENDLESS,
    SILENT,
    Behaviour,
    MisbehavingServer,
    Misbehaviour,
    answer,
)

from ambraconf.api import (
    AmbraClient,
    ClientSettings,
    CommandTimeout,
    Deadline,
    ResponseLost,
    RetryPolicy,
    Transport,
    TransportError,
)
from ambraconf.cli import main

pytestmark = pytest.mark.timeout(30)

Serve = Callable[..., tuple[MisbehavingServer, AmbraClient]]


@pytest.fixture
def serve() -> Iterator[Serve]:
    """Start a misbehaving server and a client for it: no rate limit, no real back-off
    sleeps, per-read timeouts far longer than the limits under test (so only those end the
    wait)."""
    started: list[tuple[MisbehavingServer, AmbraClient]] = []

    def start(
        behaviour: Behaviour,
        *,
        request_seconds: float = 30.0,
        deadline: Deadline | None = None,
        max_attempts: int = 2,
        max_answer: int = 1 << 20,
        max_pages: int = 200,
    ) -> tuple[MisbehavingServer, AmbraClient]:
        server = MisbehavingServer(behaviour)
        settings = ClientSettings.from_env({}, url=server.url, login="a@example.com", password="p")
        transport = Transport(
            settings.url,
            timeout=(5.0, 60.0),
            requests_per_second=None,
            retry=RetryPolicy(max_attempts=max_attempts),
            sleep=lambda seconds: None,
            max_answer=max_answer,
            request_seconds=request_seconds,
            deadline=deadline,
        )
        client = AmbraClient(settings, transport=transport, max_pages=max_pages)
        started.append((server, client))
        return server, client

    yield start
    for server, client in started:
        client.close()
        server.stop()


def calls_to(server: MisbehavingServer, path: str) -> int:
    return server.paths.count(path)


@pytest.mark.parametrize(
    "how", [DRIP_HEADERS, DRIP_BODY, SILENT], ids=["headers", "body", "silent"]
)
def test_a_read_that_never_completes_is_cut_per_request_and_retried(serve: Serve, how) -> None:
    server, client = serve(lambda path, form: how, request_seconds=0.3, max_attempts=3)

    with pytest.raises(TransportError) as caught:
        client.call("/role/list")

    assert not isinstance(caught.value, ResponseLost)
    assert (
        str(caught.value) == f"cannot reach {server.url}/role/list: no complete answer within 0.3 s"
    )
    assert calls_to(server, "/role/list") == 3  # the read was retried as reads are


def test_a_change_whose_answer_drips_is_lost_and_sent_once(serve: Serve) -> None:
    server, client = serve(lambda path, form: DRIP_BODY, request_seconds=0.3, max_attempts=3)

    with pytest.raises(ResponseLost) as caught:
        client.call("/role/add", name="Radiologist")

    assert "/role/add: no answer from" in str(caught.value)
    assert "no complete answer within 0.3 s); the call may have run" in str(caught.value)
    assert caught.value.calls == [("/role/add", {"name": "Radiologist"})]
    assert calls_to(server, "/role/add") == 1  # never sent blindly again


def test_the_command_deadline_ends_retries_and_refuses_what_follows(serve: Serve) -> None:
    server, client = serve(
        lambda path, form: DRIP_HEADERS,
        request_seconds=0.2,
        deadline=Deadline(1.0),
        max_attempts=1000,
    )

    with pytest.raises(CommandTimeout) as caught:
        client.call("/role/list")
    assert str(caught.value).startswith("/role/list: ")
    assert "the command's time limit of 1 s (--timeout) ran out" in str(caught.value)
    tried = calls_to(server, "/role/list")
    assert 1 < tried < 1000

    with pytest.raises(CommandTimeout, match=r"^/account/list: not sent: the command's time"):
        client.call("/account/list")
    assert calls_to(server, "/account/list") == 0


def test_the_command_deadline_cuts_a_request_in_flight(serve: Serve) -> None:
    server, client = serve(lambda path, form: SILENT, deadline=Deadline(0.5))

    with pytest.raises(CommandTimeout, match="ran out while waiting for the answer"):
        client.call("/role/list")
    with pytest.raises(ResponseLost, match="ran out while waiting for the answer"):
        serve(lambda path, form: SILENT, deadline=Deadline(0.5))[1].call("/role/add", name="R")


def test_a_deadline_passed_is_noticed_once_and_finishing_may_still_send(serve: Serve) -> None:
    now = [0.0]
    deadline = Deadline(10.0, clock=lambda: now[0], finishing_seconds=5.0)
    server, client = serve(lambda path, form: answer({"status": "OK"}), deadline=deadline)
    noticed: list[str] = []
    with deadline.on_expiry(lambda: noticed.append("stop")):
        client.call("/role/get", uuid="r")
        now[0] = 11.0
        with pytest.raises(CommandTimeout):
            client.call("/role/get", uuid="r")
        with pytest.raises(CommandTimeout):
            client.call("/role/get", uuid="r")
        with deadline.finishing():
            assert client.call("/apply/record/set", uuid="r") == {}
        now[0] = 17.0
        with deadline.finishing(), pytest.raises(CommandTimeout):
            client.call("/apply/record/set", uuid="r")
    assert noticed == ["stop"]
    assert calls_to(server, "/role/get") == 1


def test_an_endless_answer_is_refused_at_the_size_cap(serve: Serve) -> None:
    server, client = serve(lambda path, form: ENDLESS, max_answer=1 << 20)

    with pytest.raises(
        TransportError, match=r"^/role/list: the answer from .* is larger than 1,048,576 bytes"
    ):
        client.call("/role/list")


def test_a_list_that_pages_for_ever_is_refused_at_the_page_cap(serve: Serve) -> None:
    def endless(path: str, form: dict[str, str]) -> bytes:
        number = int(form["page.number"])
        page = {"more": 1, "rows": int(form["page.rows"]), "number": number}
        return answer({"status": "OK", "roles": [{"uuid": f"r-{number}"}], "page": page})

    server, client = serve(endless, max_pages=20)

    with pytest.raises(
        TransportError, match=r"^/role/list: the server promises more than 20 pages"
    ):
        client.list_all("/role/list", "roles", page_rows=1)
    assert calls_to(server, "/role/list") == 20


@pytest.mark.parametrize("command", ["plan", "drift", "apply"])
def test_a_command_against_a_silent_server_fails_at_its_timeout_naming_the_endpoint(
    command: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def silent_but_logout(path: str, form: dict[str, str]) -> bytes | Misbehaviour:
        return answer({"status": "OK"}) if path == "/session/logout" else SILENT

    server = MisbehavingServer(silent_but_logout)
    config = tmp_path / "account.yaml"
    config.write_text("accounts:\n  - name: Sandbox Hospital\n", encoding="utf-8")
    monkeypatch.setenv("AMBRA_URL", server.url)
    monkeypatch.setenv("AMBRA_LOGIN", "a@example.com")
    monkeypatch.setenv("AMBRA_PASSWORD", "p")
    monkeypatch.delenv("AMBRA_SID", raising=False)
    try:
        with pytest.raises(SystemExit) as exit_:
            main([command, str(config), "--timeout", "0.5", "--rate", "1000"])
    finally:
        server.stop()

    err = capsys.readouterr().err
    assert exit_.value.code == 1, err
    assert re.search(
        r"^Error: /\S+: the command's time limit of 0.5 s \(--timeout\) ran out while waiting "
        "for the answer$",
        err,
        re.M,
    ), err
    assert "raise --timeout" in err
    assert "Traceback" not in err
    assert server.paths[-1] == "/session/logout"  # the session was closed all the same


def test_a_list_whose_rows_are_not_objects_is_an_api_error_not_an_internal_one(
    serve: Serve,
) -> None:
    rows = [{"uuid": "r-1", "name": "Radiologist"}, "r-2", None]
    page = {"more": 0, "rows": 5000, "number": 1}
    server, client = serve(lambda path, form: answer({"status": "OK", "roles": rows, "page": page}))

    with pytest.raises(TransportError, match=r"^/role/list: the 'roles' list holds 2 entries "):
        client.list_all("/role/list", "roles")
