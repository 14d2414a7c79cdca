"""The client against the sandbox, the independent emulator written from the API docs."""

from __future__ import annotations

import pytest

from ambraconf.api import (
    AmbraClient,
    ApiError,
    AuthenticationError,
    ClientSettings,
    ListRequest,
    ResponseLost,
    RetryPolicy,
    Transport,
)
from ambraconf.sandbox.harness import SandboxHandle

STOCK_ROLES = {"Admin", "User", "PHR", "Anonymous"}


def connect(
    sandbox: SandboxHandle,
    *,
    login: str | None = None,
    password: str | None = None,
    sid: str | None = None,
    max_attempts: int = 4,
) -> AmbraClient:
    settings = ClientSettings.from_env(
        {},
        url=sandbox.url,
        login=login or sandbox.admin_login,
        password=password or sandbox.admin_password,
        sid=sid,
    )
    transport = Transport(
        settings.url,
        requests_per_second=None,
        retry=RetryPolicy(max_attempts=max_attempts),
        sleep=lambda seconds: None,
    )
    return AmbraClient(settings, transport=transport)


def role_names(client: AmbraClient, account_id: str) -> list[str]:
    return [role["name"] for role in client.list_all("/role/list", "roles", account_id=account_id)]


def test_logs_in_and_lists_the_roles_of_the_seeded_account(sandbox: SandboxHandle):
    with connect(sandbox) as client:
        assert set(role_names(client, sandbox.account_id)) == STOCK_ROLES
        assert client.counts().by_endpoint == {"/session/login": 1, "/role/list": 1}
    assert sandbox.stats()["by_endpoint"] == {
        "/session/login": 1,
        "/role/list": 1,
        "/session/logout": 1,
    }


def test_pages_through_a_list(sandbox: SandboxHandle):
    client = connect(sandbox)

    roles = client.list_all("/role/list", "roles", account_id=sandbox.account_id, page_rows=3)

    assert {role["name"] for role in roles} == STOCK_ROLES
    assert client.counts().by_endpoint["/role/list"] == 2


def test_adds_a_role_with_permissions_and_flags(sandbox: SandboxHandle):
    client = connect(sandbox)

    added = client.call(
        "/role/add",
        account_id=sandbox.account_id,
        name="Radiologist",
        for_location=False,
        permissions={"role_view": 1, "study_field_patient_name": "H"},
    )
    role = client.call("/role/get", uuid=added["uuid"])

    assert role["name"] == "Radiologist"
    assert role["for_location"] == 0
    assert role["permissions"]["role_view"] == 1
    assert role["permissions"]["study_field_patient_name"] == "H"
    assert "status" not in role


def test_a_refusal_becomes_an_api_error(sandbox: SandboxHandle):
    client = connect(sandbox)

    with pytest.raises(ApiError) as caught:
        client.call(
            "/role/add",
            account_id=sandbox.account_id,
            name="Typo",
            permissions={"study_veiw": 1},
        )

    assert str(caught.value) == "/role/add failed: INVALID_PERMISSION (study_veiw)"
    assert caught.value.status == 412


def test_a_plain_user_is_not_permitted(sandbox: SandboxHandle):
    client = connect(sandbox, login=sandbox.user_login, password=sandbox.user_password)

    with pytest.raises(ApiError, match="NOT_PERMITTED"):
        client.call("/role/add", account_id=sandbox.account_id, name="Nope")


def test_a_wrong_password_is_an_authentication_error(sandbox: SandboxHandle):
    with pytest.raises(AuthenticationError, match="INVALID_CREDENTIALS"):
        connect(sandbox, password="not-the-password").call("/account/list")


def test_two_lists_in_one_bundle(sandbox: SandboxHandle):
    client = connect(sandbox)
    scope = {"account_id": sandbox.account_id}

    roles, hooks = client.list_many(
        [ListRequest("/role/list", "roles", scope), ListRequest("/webhook/list", "webhooks", scope)]
    )

    assert {role["name"] for role in roles} == STOCK_ROLES
    assert hooks == []
    assert client.counts().by_endpoint == {"/session/login": 1, "/bundle": 1}
    assert sandbox.stats()["bundles"] == 1


def test_a_dropped_session_is_renewed_by_logging_in(sandbox: SandboxHandle):
    sid = sandbox.login()
    client = connect(sandbox, sid=sid)
    assert set(role_names(client, sandbox.account_id)) == STOCK_ROLES
    sandbox.call("/session/logout", sid=sid)

    assert set(role_names(client, sandbox.account_id)) == STOCK_ROLES
    assert client.counts().by_endpoint == {"/role/list": 3, "/session/login": 1}


def test_reads_survive_server_faults(sandbox: SandboxHandle):
    sandbox.configure(fault_rate=0.5, fault_seed=3, fault_match="^/role/list$")
    client = connect(sandbox, max_attempts=10)

    assert set(role_names(client, sandbox.account_id)) == STOCK_ROLES
    assert sandbox.stats()["faults"], "the sandbox did inject faults"


def test_an_add_whose_answer_is_lost_is_not_sent_again(sandbox: SandboxHandle):
    sandbox.configure(
        fault_rate=1.0, fault_kinds=["503"], fault_timings=["after"], fault_match="^/role/add$"
    )
    client = connect(sandbox)

    with pytest.raises(ResponseLost):
        client.call("/role/add", account_id=sandbox.account_id, name="Radiologist")

    assert role_names(client, sandbox.account_id).count("Radiologist") == 1
    assert client.counts().by_endpoint["/role/add"] == 1
