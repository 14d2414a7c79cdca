"""Destinations end to end: apply, plan, drift, export, replace and prune against the sandbox,
and routes that name destinations no file defines."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from e2e_helpers import applied, no_changes

from ambraconf.sandbox.harness import SandboxHandle

ACCOUNT = "Sandbox Hospital"
GATEWAY = "Sandbox Gateway"
PACS = {"name": "PACS", "node": GATEWAY, "aetitle": "PACS", "address": "10.2.0.1", "port": 104}
ARCHIVE = {"name": "Archive", "node": GATEWAY, "type": "FOLDER", "path": "/data/archive"}


def route(*targets: str, name: str = "CT to PACS") -> dict[str, Any]:
    """A route pushing shared CT studies to ``targets``."""
    return {
        "name": name,
        "on_share": True,
        "conditions": [{"lv": "modality", "op": "equals", "rv": "CT"}],
        "actions": [{"destination": t} for t in targets],
    }


def config(
    folder: Path, destinations: list[dict[str, Any]], routes: list[dict[str, Any]], head: str = ""
) -> Path:
    """A config of the seeded account holding ``destinations`` and ``routes``."""
    folder.mkdir(exist_ok=True)
    account: dict[str, Any] = {"name": ACCOUNT, **yaml.safe_load(head or "{}")}
    if destinations:
        account["destinations"] = destinations
    if routes:
        account["routes"] = routes
    (folder / "account.yaml").write_text(yaml.safe_dump({"accounts": [account]}, sort_keys=False))
    return folder


def destinations(sandbox: SandboxHandle) -> dict[str, dict[str, Any]]:
    """The account's destinations as the API returns them, by name."""
    items = sandbox.ok("/destination/list", account_id=sandbox.account_id)["destinations"]
    return {d["name"]: d for d in items}


def pushed_to(sandbox: SandboxHandle, name: str = "CT to PACS") -> list[str]:
    """The destination uuids the route's actions push to."""
    routes = sandbox.ok("/route/list", account_id=sandbox.account_id)["routes"]
    [found] = [r for r in routes if r["name"] == name]
    return [a["destination"] for a in found["actions"]]


def test_apply_creates_destinations_before_the_route_that_pushes_to_them(
    ambraconf, sandbox, tmp_path
):
    pacs = {**PACS, "manual_push_roles": ["Admin"]}
    folder = config(tmp_path / "cfg", [pacs, ARCHIVE], [route("PACS", "Archive")])
    assert "Apply complete: 3 created, 0 updated, 0 deleted." in applied(ambraconf, folder)
    live = destinations(sandbox)
    roles = sandbox.ok("/role/list", account_id=sandbox.account_id)["roles"]
    assert live["PACS"]["manual_push_roles"] == next(
        r["uuid"] for r in roles if r["name"] == "Admin"
    )
    assert {k: live["PACS"][k] for k in ("type", "aetitle", "address", "port")} == {
        "type": "DICOM",
        "aetitle": "PACS",
        "address": "10.2.0.1",
        "port": 104,
    }
    assert (live["Archive"]["type"], live["Archive"]["path"]) == ("FOLDER", "/data/archive")
    assert pushed_to(sandbox) == [live["PACS"]["uuid"], live["Archive"]["uuid"]]
    no_changes(ambraconf, folder)


def test_a_change_by_hand_is_drift_naming_the_field_in_git_and_live(ambraconf, sandbox, tmp_path):
    folder = config(tmp_path / "cfg", [PACS], [route("PACS")])
    applied(ambraconf, folder)
    sandbox.ok("/destination/set", uuid=destinations(sandbox)["PACS"]["uuid"], port=11112)

    run = ambraconf("drift", str(folder), "--format", "json")
    assert run.code == 2, run.err
    [account] = json.loads(run.out)["accounts"]
    drifted = {o["address"]: o for o in account["objects"]}
    pacs = drifted.pop(f"{ACCOUNT}/destination/PACS")
    assert drifted == {}
    assert [(d["field"], d["git"], d["live"]) for d in pacs["differences"]] == [
        ("port", 104, 11112)
    ]


def test_export_plans_as_no_changes(ambraconf, sandbox, tmp_path):
    cd_burner = {"labels_single": ["{$patient_name}"]}
    sandbox.seed(
        {
            "accounts": [
                {
                    "name": ACCOUNT,
                    "destinations": [
                        {**PACS, "can_search": 1}
                        | {"c_echo_schedule": {"start": "08:00", "mon": 1}},
                        {**ARCHIVE, "cd_burn_info": cd_burner, "sort_order": 2},
                    ],
                    "routes": [{**route("PACS"), "on_share": 1, "on_harvest": 0}],
                }
            ]
        }
    )
    out = tmp_path / "exported"
    run = ambraconf("export", "--account", ACCOUNT, "--out", str(out))
    assert run.code == 0, run.err
    exported = yaml.safe_load((out / "destinations.yaml").read_text())["accounts"][0]
    by_name = {d["name"]: d for d in exported["destinations"]}
    assert by_name["PACS"] == {
        **PACS,
        "can_search": True,
        "c_echo_schedule": {"start": "08:00", "mon": True},
    }
    assert by_name["Archive"] == {**ARCHIVE, "cd_burn_info": cd_burner, "sort_order": 2}
    no_changes(ambraconf, out)


def test_a_type_change_is_a_replace_that_re_points_the_route(ambraconf, sandbox, tmp_path):
    folder = tmp_path / "cfg"
    applied(ambraconf, config(folder, [PACS], [route("PACS")]))
    old = destinations(sandbox)["PACS"]["uuid"]
    virtual = {"name": "PACS", "node": GATEWAY, "type": "VIRTUAL"} | {
        "hl7_address": "10.2.0.9",
        "hl7_port": 2575,
    }
    config(folder, [virtual], [route("PACS")])

    plan = ambraconf("plan", str(folder), "--format", "json")
    assert plan.code == 0, plan.err
    ops = {(a["kind"], a["name"]): a for a in json.loads(plan.out)["actions"]}
    assert ops[("destination", "PACS")]["op"] == "replace"
    assert ops[("route", "CT to PACS")]["op"] == "update"
    assert ops[("route", "CT to PACS")]["cause"] == "repointed"

    applied(ambraconf, folder)
    live = destinations(sandbox)
    assert list(live) == ["PACS"]
    new = live["PACS"]
    assert (new["type"], new["uuid"] != old) == ("VIRTUAL", True)
    assert pushed_to(sandbox) == [new["uuid"]]
    no_changes(ambraconf, folder)


def test_a_route_may_name_a_live_destination_no_file_defines(ambraconf, sandbox, tmp_path):
    sandbox.seed(
        {
            "accounts": [
                {"name": ACCOUNT, "destinations": [{**PACS, "name": "Gateway", "aetitle": "GW"}]}
            ]
        }
    )
    folder = config(tmp_path / "cfg", [PACS], [route("PACS", "Gateway")])
    assert ambraconf("validate", str(folder)).code == 0
    assert "2 created" in applied(ambraconf, folder)
    live = destinations(sandbox)
    assert pushed_to(sandbox) == [live["PACS"]["uuid"], live["Gateway"]["uuid"]]
    no_changes(ambraconf, folder)
    # with no destination defined at all, the live one still resolves
    only_route = config(tmp_path / "route", [], [route("Gateway", name="To the gateway")])
    assert "1 created" in applied(ambraconf, only_route)
    assert pushed_to(sandbox, "To the gateway") == [live["Gateway"]["uuid"]]


def test_a_destination_that_exists_nowhere_fails_the_plan_clearly(ambraconf, sandbox, tmp_path):
    folder = config(tmp_path / "cfg", [PACS], [route("PACS", "Nowhere")])
    assert ambraconf("validate", str(folder)).code == 0
    run = ambraconf("plan", str(folder))
    assert run.code == 1
    text = run.out + run.err
    assert f"destination 'Nowhere' does not exist live in {ACCOUNT}" in text
    assert "(named by route 'CT to PACS')" in text
    assert "Traceback" not in text
    assert list(destinations(sandbox)) == []


def test_a_destination_on_a_node_that_does_not_exist_fails_the_plan(ambraconf, sandbox, tmp_path):
    folder = config(tmp_path / "cfg", [{**PACS, "node": "Basement Gateway"}], [])
    run = ambraconf("plan", str(folder))
    assert run.code == 1
    assert f"node 'Basement Gateway' does not exist live in {ACCOUNT}" in run.out + run.err


def test_prune_deletes_an_unmanaged_destination_only_when_asked(ambraconf, sandbox, tmp_path):
    old = {**PACS, "name": "Old", "aetitle": "OLD"}
    gateway = {**PACS, "name": "Gateway", "aetitle": "GW"}
    sandbox.seed({"accounts": [{"name": ACCOUNT, "destinations": [old, gateway]}]})
    wanted = ([PACS], [route("Gateway")])
    kept = config(tmp_path / "kept", *wanted)
    assert "2 created, 0 updated, 0 deleted" in applied(ambraconf, kept)
    assert sorted(destinations(sandbox)) == ["Gateway", "Old", "PACS"]
    # prune: true covers every kind but destinations, which may be someone else's
    everything = config(tmp_path / "everything", *wanted, head="prune: true")
    no_changes(ambraconf, everything)
    # asked by name, prune deletes the one no file names; the route's stays
    pruned = config(tmp_path / "pruned", *wanted, head="prune: {destinations: true}")
    assert "0 created, 0 updated, 1 deleted" in applied(ambraconf, pruned)
    assert sorted(destinations(sandbox)) == ["Gateway", "PACS"]
    no_changes(ambraconf, pruned)


def test_a_linked_destination_is_left_alone_by_export_and_prune(ambraconf, sandbox, tmp_path):
    sandbox.seed({"accounts": [{"name": ACCOUNT, "destinations": [PACS]}]})
    node = sandbox.ok("/node/add", account_id=sandbox.account_id, name="Hub", type="VIRTUAL")
    sandbox.ok(
        "/destination/add",
        account_id=sandbox.account_id,
        node_id=node["uuid"],
        name="Other account PACS",
        type="LINKED",
        linked_destination=destinations(sandbox)["PACS"]["uuid"],
    )
    out = tmp_path / "exported"
    assert ambraconf("export", "--account", ACCOUNT, "--out", str(out)).code == 0
    exported = yaml.safe_load((out / "destinations.yaml").read_text())["accounts"][0]
    assert [d["name"] for d in exported["destinations"]] == ["PACS"]
    pruned = config(tmp_path / "pruned", [PACS], [], head="prune: {destinations: true}")
    no_changes(ambraconf, pruned)
    assert sorted(destinations(sandbox)) == ["Other account PACS", "PACS"]


def test_validate_points_at_what_the_type_requires(ambraconf, tmp_path):
    folder = tmp_path / "cfg"
    folder.mkdir()
    (folder / "account.yaml").write_text(
        f"accounts:\n  - name: {ACCOUNT}\n    destinations:\n"
        f"      - {{name: PACS, node: {GATEWAY}, aetitle: PACS, address: 10.2.0.1}}\n"
        f"      - name: Archive\n        node: {GATEWAY}\n        type: FOLDER\n"
        f"      - {{name: Linked, node: {GATEWAY}, type: LINKED}}\n"
    )
    run = ambraconf("validate", str(folder))
    assert run.code == 1
    text = run.out + run.err
    where = folder / "account.yaml"
    assert f"{where}:4:9: " in text
    assert "a DICOM destination needs port" in text
    assert f"{where}:7:15: " in text
    assert "a FOLDER destination needs path" in text
    assert f"{where}:8:" in text
    assert "LINKED destinations are made by a sysadmin" in text
