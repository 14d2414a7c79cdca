"""The client's wire format, pinned by recorded cassettes (tests/api/cassettes/).

Replays run with ``record_mode="none"`` and match on method, path and body, so any change
in how requests are encoded (form fields, 0/1 flags, JSON text, the bundle body) makes a
test fail. Passwords and sids are filtered out of the recordings.

To record again (after a deliberate change), against the scripted stand-in:

    AMBRACONF_RECORD_CASSETTES=1 python -m pytest tests/api/test_api_wire_format.py
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import vcr
from ambra_standin import ADMIN_LOGIN, ADMIN_PASSWORD, StandIn, error, ok, paged

from ambraconf.api import AmbraClient, ApiError, ClientSettings, CommaList, RetryPolicy, Transport

RECORDING = os.environ.get("AMBRACONF_RECORD_CASSETTES") == "1"
FILTERED = "FILTERED"
REPLAY_URL = "http://127.0.0.1:9/api/v3"


def scrub_sid(response: dict[str, Any]) -> dict[str, Any]:
    """Replace the session id a login returns, so the cassette holds no live sid."""
    try:
        body = json.loads(response["body"]["string"])
    except ValueError:
        return response
    if isinstance(body, dict) and "sid" in body:
        body["sid"] = FILTERED
        response["body"]["string"] = json.dumps(body).encode()
    return response


recorder = vcr.VCR(
    cassette_library_dir=str(Path(__file__).parent / "cassettes"),
    record_mode="all" if RECORDING else "none",
    match_on=["method", "scheme", "host", "path", "query", "body"],
    filter_headers=["Content-Length"],
    filter_post_data_parameters=[("password", FILTERED), ("sid", FILTERED)],
    filter_nested_post_data_parameters=True,
    before_record_response=scrub_sid,
)


@pytest.fixture
def server() -> Iterator[StandIn | None]:
    """The stand-in when recording; nothing when replaying (vcrpy answers)."""
    if not RECORDING:
        yield None
        return
    standin = StandIn()
    yield standin
    standin.stop()


def client_for(server: StandIn | None) -> AmbraClient:
    settings = ClientSettings(
        url=server.url if server else REPLAY_URL, login=ADMIN_LOGIN, password=ADMIN_PASSWORD
    )
    transport = Transport(settings.url, requests_per_second=None, retry=RetryPolicy(max_attempts=1))
    return AmbraClient(settings, transport=transport)


def test_login_and_a_paged_list(server: StandIn | None):
    if server:
        server.script("/role/list", paged("roles", [{"uuid": "r1", "name": "Radiologist"}]))
    with recorder.use_cassette("login_and_list.yaml") as cassette:
        roles = client_for(server).list_all("/role/list", "roles", account_id="acc-1")

    assert roles == [{"uuid": "r1", "name": "Radiologist"}]
    assert RECORDING or cassette.all_played
    login = cassette.requests[0]
    assert login.body == f"login=admin%40example.com&password={FILTERED}".encode()


def test_an_add_with_flags_json_and_comma_lists(server: StandIn | None):
    if server:
        server.script("/role/add", ok(uuid="new-role"))
        server.script("/route/add", ok(uuid="new-route"))
    with recorder.use_cassette("add.yaml") as cassette:
        client = client_for(server)
        role = client.call(
            "/role/add",
            account_id="acc-1",
            name="Radiologist",
            description=None,
            sharer=True,
            for_group=False,
            permissions={"study_view": 1, "study_field_patient_name": "F"},
        )
        route = client.call(
            "/route/add",
            {"account_id": "acc-1", "name": "To PACS", "manual_roles": CommaList(["r1", "r2"])},
            conditions=[{"field": "modality", "condition": "equals", "value": "CT"}],
        )

    assert (role, route) == ({"uuid": "new-role"}, {"uuid": "new-route"})
    assert RECORDING or cassette.all_played


def test_a_412_error(server: StandIn | None):
    if server:
        server.script("/role/add", error("INVALID_PERMISSION", "study_veiw"))
    with recorder.use_cassette("error_412.yaml") as cassette, pytest.raises(ApiError) as caught:
        client_for(server).call(
            "/role/add", account_id="acc-1", name="R", permissions={"study_veiw": 1}
        )

    assert str(caught.value) == "/role/add failed: INVALID_PERMISSION (study_veiw)"
    assert RECORDING or cassette.all_played


def test_a_bundle(server: StandIn | None):
    if server:
        server.script("/role/list", paged("roles", [{"uuid": "r1"}]))
        server.script("/webhook/list", ok(webhooks=[]))
        server.script("/group/add", error("MISSING_FIELDS", ["name"]))
    with recorder.use_cassette("bundle.yaml") as cassette:
        results = client_for(server).bundle(
            [
                ("/role/list", {"account_id": "acc-1", "page.rows": 5000, "page.number": 1}),
                ("/webhook/list", {"account_id": "acc-1"}),
                ("/group/add", {"account_id": "acc-1", "share_settings": {"can_share": 1}}),
            ],
            idempotent=False,
        )

    assert results[0].unwrap()["roles"] == [{"uuid": "r1"}]
    assert results[1].unwrap() == {"webhooks": []}
    assert results[2].error is not None and results[2].error.error_type == "MISSING_FIELDS"
    assert RECORDING or cassette.all_played
    sent = json.loads(cassette.requests[1].body)
    assert {item["sid"] for item in sent} == {FILTERED}
