"""Seed files and the seed endpoint: realistic accounts loaded through the API's own rules."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import requests

from ambraconf.sandbox.harness import SandboxHandle
from ambraconf.sandbox.runner import SandboxStartError, start
from ambraconf.sandbox.server import SandboxConfig

SEED = """
users:
  - email: rad@clinic.example
    password: radiology1
    name: Dr Rad
accounts:
  - name: North Clinic
    settings:
      allow_phr_upload: "1"
    customfields:
      - name: Priority
        object: Study
        type: select
        options: {values: [STAT, Routine]}
    roles:
      - name: Radiologist
        permissions: {route_view: 1, study_field_modality: O}
    members:
      - email: rad@clinic.example
        role: Radiologist
    nodes:
      - name: Clinic Gateway
        type: HARVESTER
    destinations:
      - name: PACS
        node: Clinic Gateway
        aetitle: PACS
        address: 10.2.0.1
        port: 104
    groups:
      - name: Cardiology
        role: Radiologist
        members:
          - email: rad@clinic.example
    locations:
      - name: Main Street
    webhooks:
      - name: Notify EHR
        event: ROUTE_RULE
        url: https://ehr.example/hook
        method: POST_JSON
        sid_user: rad@clinic.example
    hl7_templates:
      - name: ORU out
        body: "MSH|^~\\\\&|AMBRA|X|||20240101||ORU^R01|1|P|2.3"
    radreport_templates:
      - name: CT head
        type: CT
        body: "<p/>"
        active: true
    routes:
      - name: STAT to PACS
        group: Cardiology
        on_share: 1
        on_harvest: 1
        conditions:
          - {lv: "customfield:Priority", op: equals, rv: STAT}
        actions:
          - {destination: PACS}
          - {webhook: Notify EHR}
          - {namespace: Main Street}
"""


@pytest.fixture
def seeded(tmp_path: Path, sandbox_factory: Callable[..., SandboxHandle]) -> SandboxHandle:
    path = tmp_path / "seed.yaml"
    path.write_text(SEED)
    return sandbox_factory(seed=str(path))


def test_seed_file_builds_the_account(seeded: SandboxHandle) -> None:
    accounts = {a["name"]: a["uuid"] for a in seeded.ok("/account/list")["accounts"]}
    assert sorted(accounts) == ["North Clinic", "Sandbox Hospital"]
    north = accounts["North Clinic"]
    route = seeded.ok("/route/list", account_id=north)["routes"][0]
    assert route["namespace_name"] == "Cardiology"
    assert [a["name"] for a in route["actions"]] == ["PACS", "Notify EHR", "Main Street"]
    field = seeded.ok("/customfield/list", account_id=north)["customfields"][0]
    assert route["conditions"][0]["lv"] == f"customfield-{field['uuid']}"
    assert seeded.ok("/account/get", uuid=north)["settings"]["allow_phr_upload"] == "1"
    group = seeded.ok("/group/list", account_id=north)["groups"][0]
    members = seeded.ok("/group/user/list", uuid=group["uuid"])["users"]
    assert [(m["user_name"], m["role_name"]) for m in members] == [("Dr Rad", "Radiologist")]
    template = seeded.ok("/radreport/template/get/type", account_id=north, type="CT")
    assert template["name"] == "CT head"


def test_seeded_users_can_log_in_with_their_role(seeded: SandboxHandle) -> None:
    sid = seeded.login("rad@clinic.example", "radiology1")
    north = seeded.ok("/account/list", sid=sid)["accounts"][0]["uuid"]
    assert seeded.call("/route/list", sid=sid, account_id=north).status == 200
    route = {"name": "x", "on_share": 1, "on_harvest": 1, "conditions": [], "actions": []}
    refused = seeded.call("/route/add", sid=sid, account_id=north, **route)
    assert refused.error_type == "NOT_PERMITTED"


def test_reset_keeps_the_seed_file(seeded: SandboxHandle) -> None:
    seeded.reset()
    assert len(seeded.ok("/account/list")["accounts"]) == 2


def test_seed_endpoint_adds_to_an_existing_account(sandbox: SandboxHandle, acc: str) -> None:
    sandbox.seed({"accounts": [{"name": "Sandbox Hospital", "roles": [{"name": "Extra"}]}]})
    names = [r["name"] for r in sandbox.ok("/role/list", account_id=acc)["roles"]]
    assert names[-1] == "Extra"
    assert len(sandbox.ok("/account/list")["accounts"]) == 1


@pytest.mark.parametrize(
    ("seed", "message"),
    [
        ({"planets": []}, "unknown seed section"),
        (
            {"accounts": [{"name": "A", "groups": [{"name": "G", "role": "Nope"}]}]},
            "no role named 'Nope'",
        ),
        (
            {"accounts": [{"name": "A", "roles": [{"name": "R", "permissions": {"fly": 1}}]}]},
            "INVALID_PERMISSION",
        ),
        ({"accounts": [{"name": "A", "colour": "red"}]}, "unknown key"),
        ({"users": [{"email": "x@example.com"}]}, "needs email and password"),
    ],
)
def test_bad_seeds_are_explained(sandbox: SandboxHandle, seed: dict, message: str) -> None:
    reply = requests.post(
        sandbox.base_url + "/_sandbox/seed", json=seed, headers=sandbox.admin_headers, timeout=10
    )
    assert reply.status_code == 400
    assert message in reply.json()["error_subtype"]


def test_a_bad_seed_file_stops_the_start(tmp_path: Path) -> None:
    path = tmp_path / "seed.json"
    path.write_text(json.dumps({"accounts": [{"name": "A", "routes": [{"name": "R"}]}]}))
    with pytest.raises(SandboxStartError, match="route/add"):
        start(SandboxConfig(port=0, seed_file=str(path)))
    broken = tmp_path / "broken.yaml"
    broken.write_text("accounts: [")
    with pytest.raises(SandboxStartError, match="not valid"):
        start(SandboxConfig(port=0, seed_file=str(broken)))
