"""One login per run, the sid on every call, one re-login on 401, clear auth errors."""

from __future__ import annotations

import logging

import pytest
from ambra_standin import ADMIN_PASSWORD, DROP, StandIn, error, ok, raw
from api_helpers import Connect

from ambraconf.api import AuthenticationError
from ambraconf.config.errors import UserError


def test_logs_in_once_and_sends_the_sid_as_a_form_field(standin: StandIn, connect: Connect):
    standin.script("/role/get", ok(uuid="r1", name="Radiologist"))
    client = connect()

    assert client.call("/role/get", uuid="r1") == {"uuid": "r1", "name": "Radiologist"}
    client.call("/role/get", uuid="r1")

    assert standin.paths() == ["/session/login", "/role/get", "/role/get"]
    login, *calls = standin.requests
    assert login.form == {"login": "admin@example.com", "password": ADMIN_PASSWORD}
    assert [call.form for call in calls] == [{"uuid": "r1", "sid": "sid-1"}] * 2


def test_bad_password_is_an_authentication_error_without_the_password(
    standin: StandIn, connect: Connect
):
    client = connect(password="wrong-password-xyz")

    with pytest.raises(AuthenticationError) as caught:
        client.call("/role/get", uuid="r1")

    error_ = caught.value
    assert isinstance(error_, UserError)
    assert error_.error_type == "INVALID_CREDENTIALS"
    assert str(error_).startswith(
        f"cannot log in to {standin.url} as admin@example.com: INVALID_CREDENTIALS"
    )
    assert "AMBRA_PASSWORD" in str(error_)
    assert "wrong-password-xyz" not in str(error_)
    assert "wrong-password-xyz" not in repr(error_.args)
    assert standin.paths() == ["/session/login"]


def test_401_on_login_is_an_authentication_error(standin: StandIn, connect: Connect):
    standin.script("/session/login", raw(401, "Authorization required"))

    with pytest.raises(AuthenticationError, match="invalid credentials"):
        connect().call("/role/get", uuid="r1")


def test_other_login_refusals_keep_their_token(standin: StandIn, connect: Connect):
    standin.script("/session/login", error("LOCKOUT"))

    with pytest.raises(AuthenticationError, match="LOCKOUT") as caught:
        connect().call("/role/get", uuid="r1")
    assert caught.value.error_type == "LOCKOUT"


def test_a_login_that_wants_a_pin_is_refused_clearly(standin: StandIn, connect: Connect):
    standin.script("/session/login", ok(sid="pending", pin_required=1))

    with pytest.raises(AuthenticationError, match="PIN") as caught:
        connect().call("/role/get", uuid="r1")
    assert "AMBRA_SID" in str(caught.value)


def test_a_lost_login_answer_is_not_retried(standin: StandIn, connect: Connect):
    standin.script("/session/login", DROP)

    with pytest.raises(UserError, match="cannot log in"):
        connect().call("/role/get", uuid="r1")
    assert standin.paths() == ["/session/login"]


def test_expired_session_logs_in_again_once_and_repeats_the_call(
    standin: StandIn, connect: Connect
):
    standin.script("/role/add", ok(uuid="new-role"))
    client = connect()
    client.call("/role/add", name="A", account_id="acc")
    standin.expire_sessions()

    assert client.call("/role/add", name="B", account_id="acc") == {"uuid": "new-role"}

    assert standin.paths() == [
        "/session/login",
        "/role/add",
        "/role/add",
        "/session/login",
        "/role/add",
    ]
    assert [seen.form["sid"] for seen in standin.requests[1:] if seen.path == "/role/add"] == [
        "sid-1",
        "sid-1",
        "sid-2",
    ]


def test_refused_again_after_a_fresh_login_is_an_authentication_error(
    standin: StandIn, connect: Connect
):
    standin.script("/session/login", ok(sid="never-valid", pin_required=0))

    with pytest.raises(AuthenticationError, match="refused a new session"):
        connect().call("/role/get", uuid="r1")
    assert standin.paths() == ["/session/login", "/role/get", "/session/login", "/role/get"]


def test_a_given_sid_is_used_without_login(standin: StandIn, connect: Connect):
    standin.valid_sids.add("operator-sid")
    standin.script("/role/get", ok(uuid="r1"))

    connect(login=None, password=None, sid="operator-sid").call("/role/get", uuid="r1")

    assert standin.paths() == ["/role/get"]
    assert standin.requests[0].form["sid"] == "operator-sid"


def test_a_given_sid_that_is_refused_says_so(standin: StandIn, connect: Connect):
    client = connect(login=None, password=None, sid="stale-sid")

    with pytest.raises(AuthenticationError, match="session expired or invalid") as caught:
        client.call("/role/get", uuid="r1")

    assert "AMBRA_SID" in str(caught.value)
    assert "stale-sid" not in str(caught.value)
    assert standin.paths() == ["/role/get"]


def test_a_given_sid_is_renewed_with_the_login_when_both_are_set(
    standin: StandIn, connect: Connect
):
    standin.script("/role/get", ok(uuid="r1"))

    connect(sid="stale-sid").call("/role/get", uuid="r1")

    assert standin.paths() == ["/role/get", "/session/login", "/role/get"]


def test_logout_ends_the_session_the_client_opened(standin: StandIn, connect: Connect):
    standin.script("/role/get", ok(uuid="r1"))
    with connect() as client:
        client.call("/role/get", uuid="r1")

    assert standin.paths()[-1] == "/session/logout"
    assert standin.requests[-1].form == {"sid": "sid-1"}
    assert standin.valid_sids == set()


def test_logout_leaves_a_given_sid_alone(standin: StandIn, connect: Connect):
    standin.valid_sids.add("operator-sid")
    standin.script("/role/get", ok(uuid="r1"))
    with connect(login=None, password=None, sid="operator-sid") as client:
        client.call("/role/get", uuid="r1")

    assert standin.paths() == ["/role/get"]
    assert standin.valid_sids == {"operator-sid"}


def test_a_failed_logout_is_a_warning_not_an_error(
    standin: StandIn, connect: Connect, caplog: pytest.LogCaptureFixture
):
    standin.script("/role/get", ok(uuid="r1"))
    client = connect()
    client.call("/role/get", uuid="r1")
    standin.expire_sessions()

    with caplog.at_level(logging.WARNING, logger="ambraconf.api"):
        client.logout()

    assert "logout failed" in caplog.text
