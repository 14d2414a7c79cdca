"""Knobs: injected faults (deterministic by seed, before or after the change), rate limit,
request counts, and runtime configuration."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable

import pytest
import requests

from ambraconf.sandbox.harness import SandboxHandle


def group_names(sandbox: SandboxHandle, acc: str) -> list[str]:
    return [g["name"] for g in sandbox.ok("/group/list", account_id=acc)["groups"]]


def test_fault_before_the_call_changes_nothing(sandbox: SandboxHandle, acc: str) -> None:
    sandbox.configure(
        fault_rate=1, fault_kinds=["503"], fault_timings=["before"], fault_match="/group/add"
    )
    reply = sandbox.call("/group/add", account_id=acc, name="Lost")
    assert reply.status == 503
    assert reply.error_type == "SERVICE_UNAVAILABLE"
    assert group_names(sandbox, acc) == []


def test_fault_after_the_call_keeps_the_change(sandbox: SandboxHandle, acc: str) -> None:
    sandbox.configure(
        fault_rate=1, fault_kinds=["500"], fault_timings=["after"], fault_match="/group/add"
    )
    assert sandbox.call("/group/add", account_id=acc, name="Ghost").status == 500
    assert group_names(sandbox, acc) == ["Ghost"]


def test_dropped_connection_and_the_server_answers_after(sandbox: SandboxHandle, acc: str) -> None:
    sid = sandbox.admin_sid
    sandbox.configure(
        fault_rate=1, fault_kinds=["drop"], fault_timings=["after"], fault_match="/group/add"
    )
    with pytest.raises(requests.ConnectionError):
        requests.post(
            sandbox.url + "/group/add",
            data={"sid": sid, "account_id": acc, "name": "D"},
            timeout=10,
        )
    assert group_names(sandbox, acc) == ["D"]
    assert sandbox.stats()["faults"] == {"drop-after": 1}


def statuses(handle: SandboxHandle, count: int) -> list[int]:
    sid = handle.admin_sid
    return [handle.call("/account/list", sid=sid).status for _ in range(count)]


def test_faults_repeat_with_the_same_seed(sandbox_factory: Callable[..., SandboxHandle]) -> None:
    knobs = {"fault_rate": 0.5, "fault_kinds": ["500", "503"], "fault_match": "/account/list"}
    first = statuses(sandbox_factory(fault_seed=7, **knobs), 30)
    second = statuses(sandbox_factory(fault_seed=7, **knobs), 30)
    other = statuses(sandbox_factory(fault_seed=8, **knobs), 30)
    assert first == second
    assert first != other
    assert set(first) == {200, 500, 503}


def test_setting_the_seed_at_runtime_restarts_the_sequence(sandbox: SandboxHandle) -> None:
    sandbox.configure(fault_rate=0.5, fault_seed=3, fault_kinds="503", fault_match="/account/list")
    first = statuses(sandbox, 20)
    sandbox.configure(fault_seed=3)
    assert statuses(sandbox, 20) == first


def test_rate_limit_answers_429_with_retry_after(sandbox: SandboxHandle, acc: str) -> None:
    sid = sandbox.admin_sid
    other = sandbox.login()
    sandbox.configure(rate_limit=1)
    assert sandbox.call("/account/list", sid=sid).status == 200
    limited = sandbox.call("/account/list", sid=sid)
    assert limited.status == 429
    assert int(limited.headers["Retry-After"]) >= 1
    assert sandbox.call("/account/list", sid=other).status == 200
    assert sandbox.stats()["rate_limited"] == 1


def test_a_bundle_counts_once_or_per_item(sandbox: SandboxHandle, acc: str) -> None:
    sid = sandbox.admin_sid
    items = [{"URL": "/account/get", "sid": sid, "uuid": acc}] * 4
    sandbox.configure(rate_limit=3)
    assert sandbox.bundle(items).status == 200
    assert sandbox.call("/account/list", sid=sid).status == 200
    sandbox.configure(rate_limit=3, rate_limit_bundle_items=True)
    second = sandbox.login()
    assert sandbox.call("/account/list", sid=second).status == 200
    assert sandbox.bundle([{**item, "sid": second} for item in items]).status == 429


def test_stats_count_requests_and_bundled_calls(sandbox: SandboxHandle, acc: str) -> None:
    sid = sandbox.admin_sid
    sandbox.reset_stats()
    sandbox.call("/role/list", sid=sid, account_id=acc)
    sandbox.bundle([{"URL": "/role/list", "sid": sid, "account_id": acc}] * 3)
    stats = sandbox.stats()
    assert (stats["requests"], stats["calls"], stats["bundles"]) == (2, 4, 1)
    assert stats["by_endpoint"] == {"/role/list": 4}
    assert stats["by_status"] == {"200": 2}


def test_config_round_trip_and_bad_knobs(sandbox: SandboxHandle) -> None:
    config = sandbox.configure(latency_ms=5, fault_kinds="500,drop")
    assert (config["latency_ms"], config["fault_kinds"]) == (5.0, ["500", "drop"])
    for bad in ({"fault_rate": 2}, {"fault_kinds": ["404"]}, {"speed": 1}, {"fault_match": "("}):
        reply = requests.post(
            sandbox.base_url + "/_sandbox/config",
            json=bad,
            headers=sandbox.admin_headers,
            timeout=10,
        )
        assert reply.status_code == 400, bad
    broken = requests.post(
        sandbox.base_url + "/_sandbox/config",
        data=b"[",
        headers={**sandbox.admin_headers, "Content-Type": "application/json"},
        timeout=10,
    )
    assert broken.status_code == 400


def test_reset_restores_knobs_and_data(sandbox: SandboxHandle, acc: str) -> None:
    sandbox.ok("/group/add", account_id=acc, name="Temp")
    sandbox.configure(fault_rate=1)
    sandbox.reset()
    assert sandbox.configure()["fault_rate"] == 0
    assert group_names(sandbox, sandbox.account_id) == []


def test_start_up_knobs_from_the_factory(sandbox_factory: Callable[..., SandboxHandle]) -> None:
    handle = sandbox_factory(fault_rate=1, fault_kinds=["503"], fault_match="/role/list")
    assert handle.call("/role/list", account_id=handle.account_id).status == 503
    assert handle.call("/account/list").status == 200


def test_admin_endpoints_are_not_api_requests(sandbox: SandboxHandle) -> None:
    sandbox.reset_stats()
    sandbox.configure()
    assert sandbox.stats()["requests"] == 0
    assert (
        requests.get(
            sandbox.base_url + "/_sandbox/nothing", headers=sandbox.admin_headers, timeout=10
        ).status_code
        == 404
    )
    assert requests.get(sandbox.base_url + "/elsewhere", timeout=10).status_code == 404


@pytest.mark.parametrize(
    ("body", "knob"),
    [
        ('{"latency_ms": NaN}', "latency_ms"),
        ('{"latency_ms": "nan"}', "latency_ms"),
        ('{"latency_ms": Infinity}', "latency_ms"),
        ('{"latency_ms": 1e9}', "latency_ms"),
        ('{"latency_ms": -5}', "latency_ms"),
        ('{"latency_ms": true}', "latency_ms"),
        ('{"rate_limit": "inf"}', "rate_limit"),
        ('{"rate_limit": -1}', "rate_limit"),
        ('{"fault_rate": -0.1}', "fault_rate"),
        ('{"fault_rate": 1.5}', "fault_rate"),
        ('{"fault_rate": NaN}', "fault_rate"),
        ('{"fault_seed": 1.5}', "fault_seed"),
        ('{"fault_seed": "seven"}', "fault_seed"),
        ('{"max_body_bytes": -1}', "max_body_bytes"),
        ('{"rate_limit_bundle_items": "maybe"}', "rate_limit_bundle_items"),
        ('{"fault_kinds": []}', "fault_kinds"),
        ('{"fault_timings": {"before": 1}}', "fault_timings"),
        ('{"fault_match": "(unclosed"}', "fault_match"),
        ('{"fault_match": "*add"}', "fault_match"),
        ('{"fault_match": ["/add$"]}', "fault_match"),
    ],
)
def test_bad_knobs_are_refused_and_change_nothing(
    sandbox: SandboxHandle, body: str, knob: str
) -> None:
    before = sandbox.configure(latency_ms=1, fault_seed=4)
    reply = requests.post(
        sandbox.base_url + "/_sandbox/config",
        data=body,
        headers={**sandbox.admin_headers, "Content-Type": "application/json"},
        timeout=10,
    )
    assert reply.status_code == 400, body
    assert reply.json()["error_type"] == "INVALID_KNOB"
    assert reply.json()["error_subtype"].startswith(f"{knob}: ")
    assert sandbox.configure() == before


def test_a_request_still_gets_an_answer_after_bad_latencies(sandbox: SandboxHandle) -> None:
    """A latency nobody can wait out (or that time.sleep cannot take) never reaches requests."""
    for bad in ("1e300", "NaN", "-1"):
        requests.post(
            sandbox.base_url + "/_sandbox/config",
            data=f'{{"latency_ms": {bad}}}',
            headers={**sandbox.admin_headers, "Content-Type": "application/json"},
            timeout=10,
        )
    assert sandbox.call("/account/list").status == 200


def test_fault_nth_fails_only_the_nth_eligible_request(sandbox: SandboxHandle, acc: str) -> None:
    sandbox.configure(
        fault_nth=2, fault_match="/group/add$", fault_kinds=["503"], fault_timings=["before"]
    )
    answers = [sandbox.call("/group/add", account_id=acc, name=n).status for n in "ABC"]
    sandbox.ok("/group/list", account_id=acc)  # not eligible: not counted
    assert answers == [200, 503, 200]
    assert group_names(sandbox, acc) == ["A", "C"]
    assert sandbox.stats()["faults"] == {"503-before": 1}


def test_a_bundle_is_eligible_when_one_of_its_calls_matches(
    sandbox: SandboxHandle, acc: str
) -> None:
    sid = sandbox.admin_sid
    sandbox.configure(
        fault_nth=1, fault_match="/group/add$", fault_kinds=["500"], fault_timings=["after"]
    )
    listed = sandbox.bundle([{"URL": "/group/list", "sid": sid, "account_id": acc}])
    added = sandbox.bundle(
        [
            {"URL": "/role/list", "sid": sid, "account_id": acc},
            {"URL": "/group/add", "sid": sid, "account_id": acc, "name": "Late"},
        ]
    )
    assert (listed.status, added.status) == (200, 500)
    assert group_names(sandbox, acc) == ["Late"]  # after: the bundle ran, its answer is lost


def test_a_hang_holds_the_request_until_the_knobs_change(sandbox: SandboxHandle, acc: str) -> None:
    sandbox.configure(
        fault_nth=1, fault_match="/group/add$", fault_kinds=["hang"], fault_timings=["after"]
    )
    outcome: list[object] = []

    def add() -> None:
        try:
            outcome.append(sandbox.call("/group/add", account_id=acc, name="Held").status)
        except requests.ConnectionError as error:
            outcome.append(type(error))

    caller = threading.Thread(target=add)
    caller.start()
    guard = time.monotonic() + 30  # a guard against a hung test, not a measurement
    while not sandbox.stats()["faults"]:
        assert time.monotonic() < guard
        time.sleep(0.02)
    assert outcome == []  # still waiting
    assert group_names(sandbox, acc) == ["Held"]  # after: the add is made
    sandbox.configure(fault_nth=0)
    caller.join(timeout=30)
    assert outcome == [requests.ConnectionError]  # let go without an answer
    assert sandbox.stats()["faults"] == {"hang-after": 1}


def test_fault_nth_must_be_a_count(sandbox: SandboxHandle) -> None:
    for bad in (-1, 1.5, "x", True):
        reply = requests.post(
            sandbox.base_url + "/_sandbox/config",
            json={"fault_nth": bad},
            headers=sandbox.admin_headers,
            timeout=10,
        )
        assert reply.status_code == 400, bad
        assert "fault_nth" in reply.json()["error_subtype"]


def test_stats_keep_the_most_requests_answered_at_once(sandbox: SandboxHandle, acc: str) -> None:
    sid = sandbox.admin_sid
    sandbox.reset_stats()
    for _ in range(3):
        sandbox.call("/role/list", sid=sid, account_id=acc)
    assert sandbox.stats()["max_in_flight"] == 1, "one after another"

    def hung() -> None:
        with contextlib.suppress(requests.ConnectionError):  # a hang ends in a dropped answer
            sandbox.call("/role/list", sid=sid, account_id=acc)

    sandbox.configure(fault_rate=1, fault_kinds="hang", fault_match="/role/list")
    held = threading.Thread(target=hung)
    held.start()
    while not sandbox.stats()["faults"]:  # the held request is being answered
        time.sleep(0.01)
    assert sandbox.call("/account/list", sid=sid).status == 200
    sandbox.configure(fault_rate=0)  # lets the held request go
    held.join()
    assert sandbox.stats()["max_in_flight"] == 2
