"""Bundles: many calls per request, one result per call, failures per item."""

from __future__ import annotations

import json

import pytest
from ambra_standin import DROP, StandIn, error, ok, raw
from api_helpers import Connect

from ambraconf.api import ApiError, AuthenticationError, CommaList, ResponseLost, TransportError


def test_one_failed_item_does_not_fail_the_others(standin: StandIn, connect: Connect):
    standin.script("/role/add", error("INVALID_PERMISSION", "study_veiw"))
    standin.script("/role/list", ok(roles=[]))
    standin.script("/route/add", ok(uuid="route-1"))

    results = connect().bundle(
        [
            ("/role/list", {"account_id": "a"}),
            ("/role/add", {"name": "R", "permissions": {"study_veiw": 1}, "sharer": True}),
            ("/route/add", {"name": "Rt", "manual_roles": CommaList(["r1", "r2"])}),
        ]
    )

    assert [result.ok for result in results] == [True, False, True]
    assert results[0].unwrap() == {"roles": []}
    assert results[2].data == {"uuid": "route-1"}
    failure = results[1].error
    assert isinstance(failure, ApiError)
    assert (failure.endpoint, failure.status, failure.error_type) == (
        "/role/add",
        412,
        "INVALID_PERMISSION",
    )
    with pytest.raises(ApiError, match="INVALID_PERMISSION"):
        results[1].unwrap()


def test_the_body_is_a_json_array_of_calls_with_their_sid(standin: StandIn, connect: Connect):
    standin.script("/role/add", ok(uuid="r1"))

    connect().bundle([("/role/add", {"name": "R", "sharer": False, "description": None})])

    sent = standin.requests[-1]
    assert sent.path == "/bundle"
    assert sent.content_type == "application/json"
    assert json.loads(sent.body) == [
        {"URL": "/role/add", "sid": "sid-1", "name": "R", "sharer": "0"}
    ]


def test_calls_are_split_into_chunks_and_results_kept_in_order(standin: StandIn, connect: Connect):
    standin.script("/role/get", lambda seen: ok(uuid=seen.form["uuid"]))
    client = connect(bundle_size=2)

    results = client.bundle([("/role/get", {"uuid": f"r{n}"}) for n in range(5)])

    assert [result.unwrap()["uuid"] for result in results] == [f"r{n}" for n in range(5)]
    assert client.counts().by_endpoint["/bundle"] == 3
    chunks = [len(json.loads(seen.body)) for seen in standin.requests if seen.path == "/bundle"]
    assert sorted(chunks) == [1, 2, 2], "chunks of reads may arrive in any order"


def test_a_bundle_of_reads_is_retried_whole(standin: StandIn, connect: Connect):
    standin.script("/role/get", ok(uuid="r1"))
    standin.script("/bundle", raw(503), DROP, standin.run_bundle)

    results = connect().bundle([("/role/get", {"uuid": "r1"}), ("/group/list", {})])

    assert results[0].unwrap() == {"uuid": "r1"}
    assert standin.paths().count("/bundle") == 3


def test_a_lost_bundle_with_changes_says_what_ran_and_what_may_have(
    standin: StandIn, connect: Connect
):
    standin.script("/role/add", lambda seen: ok(uuid=f"uuid-{seen.form['name']}"))
    standin.script("/bundle", standin.run_bundle, DROP)
    calls = [("/role/add", {"name": name, "account_id": "a"}) for name in "ABCDE"]

    with pytest.raises(ResponseLost) as caught:
        connect(bundle_size=2).bundle(calls)

    lost = caught.value
    assert [result.unwrap()["uuid"] for result in lost.completed] == ["uuid-A", "uuid-B"]
    assert lost.calls == [("/role/add", {"name": n, "account_id": "a"}) for n in "CD"]
    assert lost.not_sent == [("/role/add", {"name": "E", "account_id": "a"})]
    assert standin.paths().count("/bundle") == 2


def test_a_malformed_bundle_reply_is_a_transport_error_for_reads(
    standin: StandIn, connect: Connect
):
    standin.script("/bundle", ok(roles=[]))

    with pytest.raises(TransportError, match="unexpected reply") as caught:
        connect(max_attempts=1).bundle([("/role/list", {}), ("/group/list", {})])
    assert not isinstance(caught.value, ResponseLost)


def test_items_refused_for_an_expired_session_are_sent_again(standin: StandIn, connect: Connect):
    standin.script("/role/get", ok(uuid="r1"))
    client = connect()
    client.call("/role/get", uuid="r1")
    standin.expire_sessions()

    results = client.bundle([("/role/get", {"uuid": "r1"}), ("/role/get", {"uuid": "r1"})])

    assert [result.unwrap() for result in results] == [{"uuid": "r1"}, {"uuid": "r1"}]
    assert standin.paths() == [
        "/session/login",
        "/role/get",
        "/bundle",
        "/session/login",
        "/bundle",
    ]
    assert [item["sid"] for item in json.loads(standin.requests[-1].body)] == ["sid-2", "sid-2"]


def test_a_given_sid_refused_inside_a_bundle_says_so(standin: StandIn, connect: Connect):
    client = connect(login=None, password=None, sid="stale-sid")

    with pytest.raises(AuthenticationError, match="session expired or invalid"):
        client.bundle([("/role/list", {"account_id": "a"})])
