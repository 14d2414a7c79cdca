"""/bundle: ordered items, per-item status, {{TOKEN}} templating, malformed bodies."""

from __future__ import annotations

import requests

from ambraconf.sandbox.harness import SandboxHandle


def test_documented_example_login_list_get(sandbox: SandboxHandle, acc: str) -> None:
    reply = sandbox.bundle(
        [
            {"URL": "/session/login", "login": sandbox.admin_login, "password": "sandbox"},
            {"URL": "/role/list", "sid": "{{sid}}", "account_id": acc},
            {"URL": "/role/get", "sid": "{{sid}}", "uuid": "{{roles.[1].uuid}}"},
        ]
    )
    assert reply.status == 200
    assert [item["HTTP_STATUS_CODE"] for item in reply.body] == [200, 200, 200]
    assert reply.body[2]["name"] == reply.body[1]["roles"][1]["name"]


def test_an_added_uuid_feeds_later_items(sandbox: SandboxHandle, acc: str) -> None:
    sid = sandbox.admin_sid
    reply = sandbox.bundle(
        [
            {
                "URL": "/webhook/add",
                "sid": sid,
                "account_id": acc,
                "name": "H",
                "event": "ROUTE_RULE",
                "url": "https://h.example.com",
                "method": "POST",
            },
            {
                "URL": "/route/add",
                "sid": sid,
                "account_id": acc,
                "name": "R",
                "on_share": 1,
                "on_harvest": 0,
                "conditions": [],
                "actions": [{"webhook": "{{uuid}}"}],
            },
            {"URL": "/route/get", "sid": sid, "uuid": "{{uuid}}"},
        ]
    )
    hook, _, route = reply.body
    assert route["actions"] == [{"webhook": hook["uuid"], "name": "H"}]


def test_errors_do_not_stop_the_bundle_and_nothing_is_rolled_back(
    sandbox: SandboxHandle, acc: str
) -> None:
    sid = sandbox.admin_sid
    reply = sandbox.bundle(
        [
            {"URL": "/group/add", "sid": sid, "account_id": acc, "name": "Kept"},
            {"URL": "/group/add", "sid": sid, "account_id": acc},
            {"URL": "/group/list", "account_id": acc},
            {"URL": "/no/such/call", "sid": sid},
            {"URL": "/group/add", "sid": sid, "account_id": acc, "name": "Also kept"},
        ]
    )
    statuses = [(item["HTTP_STATUS_CODE"], item["status"]) for item in reply.body]
    assert statuses == [(200, "OK"), (412, "ERROR"), (401, "ERROR"), (404, "ERROR"), (200, "OK")]
    assert reply.body[1]["error_subtype"] == ["name"]
    names = [g["name"] for g in sandbox.ok("/group/list", account_id=acc)["groups"]]
    assert names == ["Kept", "Also kept"]


def test_raw_body_without_content_type(sandbox: SandboxHandle, acc: str) -> None:
    body = f'[{{"URL": "/account/get", "sid": "{sandbox.admin_sid}", "uuid": "{acc}"}}]'
    raw = requests.post(sandbox.url + "/bundle", data=body.encode(), timeout=10)
    assert raw.status_code == 200
    assert raw.json()[0]["name"] == "Sandbox Hospital"
    assert sandbox.bundle(body, content_type=None).status == 200


def test_values_are_sent_as_form_text(sandbox: SandboxHandle, acc: str) -> None:
    reply = sandbox.bundle(
        [
            {
                "URL": "/group/add",
                "sid": sandbox.admin_sid,
                "account_id": acc,
                "name": "Typed",
                "must_approve": True,
                "search_threshold": 7,
                "share_settings": {"a": 1},
            }
        ]
    )
    uuid = reply.body[0]["uuid"]
    group = sandbox.ok("/group/get", uuid=uuid)
    assert (group["must_approve"], group["search_threshold"], group["share_settings"]) == (
        1,
        7,
        {"a": 1},
    )


def test_unknown_token_is_left_as_is(sandbox: SandboxHandle) -> None:
    reply = sandbox.bundle(
        [{"URL": "/role/get", "sid": sandbox.admin_sid, "uuid": "{{nothing.[3]}}"}]
    )
    assert reply.body[0]["error_type"] == "NOT_FOUND"


def test_malformed_bodies_are_400(sandbox: SandboxHandle) -> None:
    for body in ("not json", '{"URL": "/role/list"}', '[{"sid": "x"}]', "[1, 2]", b"[\xff]"):
        assert sandbox.bundle(body).status == 400, body
    assert sandbox.bundle([]).body == []


def test_bundle_refuses_get(sandbox: SandboxHandle) -> None:
    assert requests.get(sandbox.url + "/bundle", timeout=10).status_code == 405
