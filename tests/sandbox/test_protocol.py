"""The wire protocol as documented: sessions, methods, the error hash, typed parameters,
and requests a server must survive."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import requests

from ambraconf.sandbox.harness import SandboxHandle


def test_login_returns_a_sid_that_authorizes_calls(sandbox: SandboxHandle) -> None:
    reply = sandbox.call("/session/login", sid=None, login=sandbox.admin_login, password="sandbox")
    assert reply.status == 200
    assert reply["status"] == "OK"
    assert reply["sid"] and reply["uuid"]
    assert sandbox.call("/account/list", sid=reply["sid"]).status == 200


def test_login_is_case_insensitive_on_the_email(sandbox: SandboxHandle) -> None:
    reply = sandbox.call(
        "/session/login", sid=None, login="ADMIN@Sandbox.Local", password="sandbox"
    )
    assert reply.status == 200


def test_bad_password_is_invalid_credentials(sandbox: SandboxHandle) -> None:
    reply = sandbox.call("/session/login", sid=None, login=sandbox.admin_login, password="nope")
    assert reply.status == 412
    assert reply.error_type == "INVALID_CREDENTIALS"


def test_login_without_fields_lists_them(sandbox: SandboxHandle) -> None:
    reply = sandbox.call("/session/login", sid=None)
    assert reply.status == 412
    assert reply.body == {
        "status": "ERROR",
        "error_type": "MISSING_FIELDS",
        "error_subtype": ["login", "password"],
    }


def test_login_refuses_get(sandbox: SandboxHandle) -> None:
    reply = sandbox.call(
        "/session/login",
        sid=None,
        http_method="GET",
        login=sandbox.admin_login,
        password="sandbox",
    )
    assert reply.status == 405


def test_other_calls_accept_get(sandbox: SandboxHandle, acc: str) -> None:
    reply = sandbox.call("/role/list", http_method="GET", account_id=acc)
    assert reply.status == 200
    assert len(reply["roles"]) == 4


def test_no_sid_or_a_bad_sid_is_401(sandbox: SandboxHandle, acc: str) -> None:
    assert sandbox.call("/role/list", sid=None, account_id=acc).status == 401
    assert sandbox.call("/role/list", sid="not-a-session", account_id=acc).status == 401


def test_logout_ends_the_session(sandbox: SandboxHandle) -> None:
    sid = sandbox.login()
    assert sandbox.call("/session/logout", sid=sid).status == 200
    assert sandbox.call("/account/list", sid=sid).status == 401
    assert sandbox.call("/session/logout", sid=sid).status == 401


def test_session_user_and_permissions(sandbox: SandboxHandle, acc: str) -> None:
    sid = sandbox.login(sandbox.user_login, sandbox.user_password)
    user = sandbox.ok("/session/user", sid=sid)
    assert user["email"] == sandbox.user_login
    account = sandbox.ok("/account/get", uuid=acc)
    assert {"uuid": account["namespace_id"], "name": "Sandbox Hospital"} in user["namespaces"]
    permissions = sandbox.ok("/session/permissions", sid=sid, account_id=acc)
    assert permissions["study_view"] == 1
    assert permissions["role_edit"] == 0
    by_namespace = sandbox.ok("/session/permissions", sid=sid, namespace_id=account["namespace_id"])
    assert by_namespace["study_view"] == 1
    missing = sandbox.call("/session/permissions", sid=sid)
    assert missing.error_subtype == ["account_id", "namespace_id"]


def test_errors_are_412_json_with_the_documented_shape(sandbox: SandboxHandle) -> None:
    reply = sandbox.call("/role/get", uuid="00000000-0000-0000-0000-000000000000")
    assert reply.status == 412
    assert reply.headers["Content-Type"] == "application/json"
    assert reply["status"] == "ERROR"
    assert reply.error_type == "NOT_FOUND"


def test_missing_fields_lists_every_missing_field(sandbox: SandboxHandle) -> None:
    reply = sandbox.call("/webhook/add", name="")
    assert reply.error_type == "MISSING_FIELDS"
    assert sorted(reply.error_subtype) == ["account_id", "event", "method", "name", "url"]


def test_flags_must_be_0_or_1(sandbox: SandboxHandle, acc: str) -> None:
    reply = sandbox.call("/group/add", account_id=acc, name="G", must_approve="yes")
    assert (reply.error_type, reply.error_subtype) == ("INVALID_FLAG", "must_approve")
    assert sandbox.call("/group/add", account_id=acc, name="G", must_approve=True).status == 200


def test_integers_must_be_integers(sandbox: SandboxHandle, acc: str) -> None:
    reply = sandbox.call("/group/add", account_id=acc, name="G", search_threshold="ten")
    assert (reply.error_type, reply.error_subtype) == ("INVALID_INTEGER", "search_threshold")


def test_malformed_json_parameter_is_invalid_json(sandbox: SandboxHandle, acc: str) -> None:
    reply = sandbox.call("/role/add", account_id=acc, name="R", permissions="{not json")
    assert (reply.error_type, reply.error_subtype) == ("INVALID_JSON", "permissions")


def test_a_failed_call_changes_nothing(sandbox: SandboxHandle, acc: str) -> None:
    before = sandbox.ok("/group/list", account_id=acc)["groups"]
    sandbox.call("/group/add", account_id=acc, name="G", role_id="no-such-role")
    assert sandbox.ok("/group/list", account_id=acc)["groups"] == before


def test_unknown_endpoint_is_a_json_error_and_the_server_answers_after(
    sandbox: SandboxHandle, acc: str
) -> None:
    reply = sandbox.call("/frobnicate/now")
    assert reply.status == 404
    assert reply.error_type == "UNKNOWN_ENDPOINT"
    assert sandbox.call("/role/list", account_id=acc).status == 200


def test_non_utf8_bytes_are_a_bad_request_not_a_crash(sandbox: SandboxHandle, acc: str) -> None:
    raw = requests.post(
        sandbox.url + "/role/list",
        data=b"account_id=\xff\xfe&sid=" + sandbox.admin_sid.encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        timeout=10,
    )
    assert raw.status_code == 400
    escaped = requests.post(sandbox.url + "/role/list", data="name=%FF%FE", timeout=10)
    assert escaped.status_code == 400
    assert sandbox.call("/role/list", account_id=acc).status == 200


def test_huge_bodies_are_refused_with_413(sandbox: SandboxHandle, acc: str) -> None:
    body = b"name=" + b"x" * (10 * 1024 * 1024 + 10)
    raw = requests.post(
        sandbox.url + "/role/list",
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        timeout=30,
    )
    assert raw.status_code == 413
    assert sandbox.call("/role/list", account_id=acc).status == 200


def test_trailing_slash_is_the_same_endpoint(sandbox: SandboxHandle, acc: str) -> None:
    assert sandbox.call("/role/list/", account_id=acc).status == 200


def test_unknown_parameters_are_ignored(sandbox: SandboxHandle, acc: str) -> None:
    reply = sandbox.call("/group/add", account_id=acc, name="G", colour="blue")
    assert reply.status == 200
    assert "colour" not in sandbox.ok("/group/get", uuid=reply["uuid"])


def test_user_settings_store(sandbox: SandboxHandle) -> None:
    assert sandbox.ok("/setting/get", key="theme")["value"] is None
    sandbox.ok("/setting/set", key="theme", value='{"dark":true}')
    assert sandbox.ok("/setting/get", key="theme")["value"] == '{"dark":true}'
    other = sandbox.login(sandbox.user_login, sandbox.user_password)
    assert sandbox.ok("/setting/get", sid=other, key="theme")["value"] is None
    sandbox.ok("/setting/set", key="theme", value="__DELETE__")
    assert sandbox.ok("/setting/get", key="theme")["value"] is None
    assert sandbox.call("/setting/set", key="theme", value="").error_type == "MISSING_FIELDS"
    user = sandbox.ok("/session/user", sid=other)["uuid"]
    refused = sandbox.call("/setting/get", sid=other, key="theme", user_id=user)
    assert refused.error_type == "NOT_PERMITTED"


def test_temp_settings_last_one_session(sandbox: SandboxHandle) -> None:
    sandbox.ok("/setting/set", key="temp_draft", value="x")
    assert sandbox.ok("/setting/get", key="temp_draft")["value"] == "x"
    assert sandbox.ok("/setting/get", sid=sandbox.login(), key="temp_draft")["value"] is None


def test_concurrent_clients_each_get_their_own_answers(sandbox: SandboxHandle, acc: str) -> None:
    sids = [sandbox.login() for _ in range(6)]

    def work(index: int) -> list[int]:
        with requests.Session() as http:
            return [
                http.post(
                    sandbox.url + "/group/add",
                    data={"sid": sids[index], "account_id": acc, "name": f"T{index}-{n}"},
                    timeout=30,
                ).status_code
                for n in range(15)
            ]

    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = [status for result in pool.map(work, range(6)) for status in result]
    assert set(statuses) == {200}
    groups = sandbox.ok("/group/list", account_id=acc)["groups"]
    assert len({g["name"] for g in groups}) == 90
    assert len({g["namespace_id"] for g in groups}) == 90
