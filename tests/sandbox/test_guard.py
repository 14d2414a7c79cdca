"""What a web page could do to a sandbox on the user's laptop, and what stops it: the admin
token, JSON-only admin bodies, and the Host check against DNS rebinding."""

from __future__ import annotations

import http.client
import json
from typing import Any

import pytest
import requests

from ambraconf.sandbox.harness import SandboxHandle
from ambraconf.sandbox.server import SandboxConfig, SandboxServer

ATTACKER = "attacker@evil.example"


def admin(sandbox: SandboxHandle, method: str, path: str, **kwargs: Any) -> requests.Response:
    return requests.request(method, sandbox.base_url + "/_sandbox" + path, timeout=10, **kwargs)


def can_log_in(sandbox: SandboxHandle, login: str, password: str) -> bool:
    return sandbox.call("/session/login", sid=None, login=login, password=password).status == 200


EVIL_SEED = {"users": [{"email": ATTACKER, "password": "owned1234", "sysadmin": True}]}


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/seed", EVIL_SEED),
        ("POST", "/config", {"latency_ms": 1000}),
        ("POST", "/reset", None),
        ("POST", "/stats/reset", None),
        ("GET", "/config", None),
        ("GET", "/stats", None),
        ("GET", "/nothing", None),
    ],
)
def test_admin_endpoints_refuse_requests_without_the_token(
    sandbox: SandboxHandle, method: str, path: str, body: Any
) -> None:
    reply = admin(sandbox, method, path, json=body)
    assert reply.status_code == 401
    assert reply.json()["error_type"] == "ADMIN_TOKEN_REQUIRED"
    assert "Authorization: Bearer" in reply.json()["error_subtype"]
    assert reply.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_wrong_token_is_refused_and_changes_nothing(sandbox: SandboxHandle, acc: str) -> None:
    sandbox.ok("/group/add", account_id=acc, name="Kept")
    sandbox.call("/account/list")
    for authorization in ("Bearer wrong", f"Basic {sandbox.admin_token}", sandbox.admin_token):
        headers = {"Authorization": authorization}
        for path, body in (("/seed", EVIL_SEED), ("/config", {"latency_ms": 1e6}), ("/reset", {})):
            reply = admin(sandbox, "POST", path, json=body, headers=headers)
            assert reply.status_code == 403, (authorization, path)
            assert reply.json()["error_type"] == "INVALID_ADMIN_TOKEN"
    assert not can_log_in(sandbox, ATTACKER, "owned1234")
    assert sandbox.configure()["latency_ms"] == 0
    assert [g["name"] for g in sandbox.ok("/group/list", account_id=acc)["groups"]] == ["Kept"]


def test_what_a_web_page_can_send_changes_nothing(sandbox: SandboxHandle) -> None:
    """A cross-origin form or fetch without preflight: text/plain or a form body, no token."""
    old_password = sandbox.admin_password
    takeover = {
        "users": [{"email": sandbox.admin_login, "password": "changed1", "sysadmin": True}],
        **EVIL_SEED,
    }
    for content_type, body in (
        ("text/plain", json.dumps(takeover)),
        ("application/x-www-form-urlencoded", "latency_ms=1000000000"),
    ):
        for path in ("/seed", "/config", "/reset"):
            reply = admin(sandbox, "POST", path, data=body, headers={"Content-Type": content_type})
            assert reply.status_code == 401, (content_type, path)
    assert can_log_in(sandbox, sandbox.admin_login, old_password)
    assert not can_log_in(sandbox, ATTACKER, "owned1234")
    assert sandbox.configure()["latency_ms"] == 0


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]
)
def test_admin_bodies_must_be_json(sandbox: SandboxHandle, content_type: str) -> None:
    """Even with the token, a body sent as another type is refused with 415."""
    headers = {**sandbox.admin_headers, "Content-Type": content_type}
    seed = admin(sandbox, "POST", "/seed", data=json.dumps(EVIL_SEED), headers=headers)
    assert seed.status_code == 415
    assert seed.json()["error_type"] == "UNSUPPORTED_MEDIA_TYPE"
    assert "application/json" in seed.json()["error_subtype"]
    config = admin(sandbox, "POST", "/config", data='{"fault_rate": 1}', headers=headers)
    assert config.status_code == 415
    assert not can_log_in(sandbox, ATTACKER, "owned1234")
    assert sandbox.configure()["fault_rate"] == 0


def test_a_json_body_with_the_token_works_and_a_bodyless_reset_too(
    sandbox: SandboxHandle, acc: str
) -> None:
    headers = {**sandbox.admin_headers, "Content-Type": "application/json; charset=utf-8"}
    seeded = admin(sandbox, "POST", "/seed", data=json.dumps(EVIL_SEED), headers=headers)
    assert seeded.status_code == 200, seeded.text
    assert can_log_in(sandbox, ATTACKER, "owned1234")
    reset = admin(sandbox, "POST", "/reset", headers=sandbox.admin_headers)
    assert reset.status_code == 200, reset.text
    assert not can_log_in(sandbox, ATTACKER, "owned1234")


def raw_request(
    sandbox: SandboxHandle, host: str | None, path: str, body: str = "", **headers: str
) -> tuple[int, str]:
    """A request with exactly the Host header given (None: none at all, as HTTP/1.0 allows)."""
    connection = http.client.HTTPConnection("127.0.0.1", sandbox.server.port, timeout=10)
    try:
        connection.putrequest("POST", path, skip_host=True)
        if host is not None:
            connection.putheader("Host", host)
        for name, value in headers.items():
            connection.putheader(name.replace("_", "-"), value)
        connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body.encode())
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def login_body(sandbox: SandboxHandle) -> str:
    return f"login={sandbox.admin_login}&password={sandbox.admin_password}"


@pytest.mark.parametrize(
    "host",
    [
        "evil.example:{port}",
        "evil.example",
        "localhost.evil.example:{port}",
        "127.0.0.1:1",
        "127.0.0.1",
        "",
        None,
    ],
)
def test_a_foreign_host_is_refused_on_the_api_and_the_admin_side(
    sandbox: SandboxHandle, host: str | None
) -> None:
    """DNS rebinding: the browser sends the attacker's name in Host; that is refused."""
    port = sandbox.server.port
    value = None if host is None else host.format(port=port)
    status, text = raw_request(
        sandbox,
        value,
        "/api/v3/session/login",
        login_body(sandbox),
        Content_Type="application/x-www-form-urlencoded",
    )
    assert status == 421, text
    assert "MISDIRECTED_REQUEST" in text
    assert f"127.0.0.1:{port}" in text
    status, _ = raw_request(
        sandbox,
        value,
        "/_sandbox/seed",
        '{"users": [{"email": "attacker@evil.example", "password": "owned1234"}]}',
        Content_Type="application/json",
        Authorization=f"Bearer {sandbox.admin_token}",
    )
    assert status == 421
    assert not can_log_in(sandbox, ATTACKER, "owned1234")


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "LOCALHOST:{port}"])
def test_the_sandbox_own_names_are_accepted(sandbox: SandboxHandle, host: str) -> None:
    status, text = raw_request(
        sandbox,
        host.format(port=sandbox.server.port),
        "/api/v3/session/login",
        login_body(sandbox),
        Content_Type="application/x-www-form-urlencoded",
    )
    assert status == 200, text
    assert '"sid"' in text


def test_api_form_posts_need_no_token(sandbox: SandboxHandle) -> None:
    """The API side is unchanged: form posts without the admin token, as the real API takes."""
    reply = requests.post(
        sandbox.url + "/session/login",
        data={"login": sandbox.admin_login, "password": sandbox.admin_password},
        timeout=10,
    )
    assert reply.status_code == 200
    assert "sid" in reply.json()


def test_a_preflight_is_never_approved(sandbox: SandboxHandle) -> None:
    """A page's fetch with the token header needs a CORS preflight; no answer allows it."""
    for path in ("/_sandbox/seed", "/api/v3/session/login"):
        reply = requests.options(
            sandbox.base_url + path,
            headers={
                "Origin": "https://evil.example",
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization, content-type",
            },
            timeout=10,
        )
        assert not any(name.lower().startswith("access-control-") for name in reply.headers)


def test_every_interface_accepts_addresses_but_not_names() -> None:
    """Listening on 0.0.0.0, clients come through other addresses and ports (NAT, a
    container's port mapping): IP addresses pass, a rebinding page's name does not."""
    server = SandboxServer(SandboxConfig(host="0.0.0.0", port=0))
    server.start()
    try:
        handle = SandboxHandle(server)
        for host, status in (
            ("192.0.2.7:9000", 200),
            ("[2001:db8::1]:80", 200),
            ("localhost:9000", 200),
            ("evil.example:{port}", 421),
        ):
            got, text = raw_request(
                handle,
                host.format(port=server.port),
                "/api/v3/session/login",
                login_body(handle),
                Content_Type="application/x-www-form-urlencoded",
            )
            assert got == status, (host, text)
    finally:
        server.stop()
