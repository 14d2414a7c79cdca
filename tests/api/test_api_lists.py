"""Complete lists or an error: a short read must never look like a missing object."""

from __future__ import annotations

import pytest
from ambra_standin import StandIn, error, ok, paged
from api_helpers import Connect

from ambraconf.api import ApiError, ListRequest, TransportError

ROLES = [{"uuid": f"r{n}", "name": f"Role {n}"} for n in range(1, 6)]


def test_pages_until_more_is_zero(standin: StandIn, connect: Connect):
    standin.script("/role/list", paged("roles", ROLES))

    roles = connect().list_all("/role/list", "roles", {"account_id": "a"}, page_rows=2)

    assert roles == ROLES
    pages = [seen.form for seen in standin.requests if seen.path == "/role/list"]
    assert [(form["page.rows"], form["page.number"]) for form in pages] == [
        ("2", "1"),
        ("2", "2"),
        ("2", "3"),
    ]
    assert all(form["account_id"] == "a" for form in pages)


def test_asks_for_the_largest_page_by_default(standin: StandIn, connect: Connect):
    standin.script("/role/list", paged("roles", ROLES))

    assert connect().list_all("/role/list", "roles", account_id="a") == ROLES
    assert standin.requests[-1].form["page.rows"] == "5000"


def test_a_server_that_ignores_the_page_size_is_an_error(standin: StandIn, connect: Connect):
    standin.script("/role/list", paged("roles", ROLES, echo_rows=100))

    with pytest.raises(TransportError, match="asked for pages of 2 rows.*answered with 100"):
        connect().list_all("/role/list", "roles", account_id="a", page_rows=2)


def test_a_short_page_with_more_to_come_is_an_error(standin: StandIn, connect: Connect):
    standin.script("/role/list", ok(roles=ROLES[:1], page={"more": 1, "rows": 2, "number": 1}))

    with pytest.raises(TransportError, match="page 1 holds 1 of 2 rows while more pages follow"):
        connect().list_all("/role/list", "roles", page_rows=2)


def test_a_server_that_ignores_the_page_number_is_an_error(standin: StandIn, connect: Connect):
    standin.script("/role/list", ok(roles=ROLES[:2], page={"more": 1, "rows": 2, "number": 1}))

    with pytest.raises(TransportError, match="asked for page 2, the server answered page 1"):
        connect().list_all("/role/list", "roles", page_rows=2)


def test_a_list_without_page_hash_is_returned_as_is(standin: StandIn, connect: Connect):
    hooks = [{"uuid": "w1"}, {"uuid": "w2"}]
    standin.script("/webhook/list", ok(webhooks=hooks))

    assert connect().list_all("/webhook/list", "webhooks", account_id="a") == hooks
    assert standin.paths().count("/webhook/list") == 1


def test_an_unpaged_list_is_sent_without_page_parameters(standin: StandIn, connect: Connect):
    standin.script("/hl7/template/list", ok(templates=[]))

    connect().list_all("/hl7/template/list", "templates", account_id="a", paged=False)
    assert standin.requests[-1].form == {"account_id": "a", "sid": "sid-1"}


def test_a_reply_without_the_list_key_is_an_error(standin: StandIn, connect: Connect):
    standin.script("/role/list", ok(rolez=[]))

    with pytest.raises(TransportError, match="no 'roles' list"):
        connect().list_all("/role/list", "roles")


def test_list_many_reads_first_pages_in_one_bundle_then_the_rest(
    standin: StandIn, connect: Connect
):
    groups = [{"uuid": "g1"}]
    standin.script("/role/list", paged("roles", ROLES))
    standin.script("/group/list", paged("groups", groups))
    standin.script("/webhook/list", ok(webhooks=[{"uuid": "w1"}]))
    client = connect()

    lists = client.list_many(
        [
            ListRequest("/role/list", "roles", {"account_id": "a"}),
            ListRequest("/webhook/list", "webhooks", {"account_id": "a"}, paged=False),
            ListRequest("/group/list", "groups", {"account_id": "a"}),
        ],
        page_rows=2,
    )

    assert lists == [ROLES, [{"uuid": "w1"}], groups]
    assert standin.paths() == ["/session/login", "/bundle", "/bundle", "/bundle"]
    assert client.counts().by_endpoint == {"/session/login": 1, "/bundle": 3}
    bundled = [(seen.path, seen.form.get("page.number")) for seen in standin.log if seen.in_bundle]
    assert bundled == [
        ("/role/list", "1"),
        ("/webhook/list", None),
        ("/group/list", "1"),
        ("/role/list", "2"),
        ("/role/list", "3"),
    ]
    hooks = next(seen for seen in standin.log if seen.path == "/webhook/list")
    assert hooks.form == {"account_id": "a", "sid": "sid-1"}


def test_list_many_raises_the_error_of_a_refused_list(standin: StandIn, connect: Connect):
    standin.script("/role/list", paged("roles", ROLES))
    standin.script("/group/list", error("NOT_PERMITTED"))

    with pytest.raises(ApiError, match="/group/list failed: NOT_PERMITTED"):
        connect().list_many(
            [ListRequest("/role/list", "roles"), ListRequest("/group/list", "groups")]
        )


def test_list_many_checks_pages_like_list_all(standin: StandIn, connect: Connect):
    standin.script("/role/list", paged("roles", ROLES, echo_rows=100))

    with pytest.raises(TransportError, match="asked for pages of 5000 rows"):
        connect().list_many([ListRequest("/role/list", "roles")])
