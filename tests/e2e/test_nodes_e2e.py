"""Nodes end to end: the settings of gateways that exist are set, planned, drift and exported;
a node the files describe that is not live fails the plan, and nothing ever deletes one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from ambraconf.sandbox.harness import SandboxHandle

ACCOUNT = "Sandbox Hospital"
GATEWAY = "Sandbox Gateway"
SETTINGS = {"include_patientid_in_hl7_match": "0", "mwl_filter_expression": "PID_3"}
NODE = {
    "name": GATEWAY,
    "settings": {"include_patientid_in_hl7_match": False, "mwl_filter_expression": "PID_3"},
    "configuration": {"ae_title": "GATEWAY", "port": 104},
    "monitor_node_ping": True,
    "monitor_node_last_send": True,
    "monitor_node_last_send_threshold": 120,
    "monitor_email": "ops@clinic.example",
    "facility_name": "North Clinic",
    "category": "ACTIVE",
}


def config(folder: Path, nodes: list[dict[str, Any]], head: str = "") -> Path:
    """A config of the seeded account describing ``nodes``."""
    folder.mkdir(exist_ok=True)
    account = {"name": ACCOUNT, **yaml.safe_load(head or "{}"), "nodes": nodes}
    (folder / "account.yaml").write_text(yaml.safe_dump({"accounts": [account]}, sort_keys=False))
    return folder


def nodes(sandbox: SandboxHandle) -> dict[str, dict[str, Any]]:
    """The account's nodes as the API returns them, by name."""
    items = sandbox.ok("/node/list", account_id=sandbox.account_id)["nodes"]
    return {n["name"]: n for n in items}


def applied(ambraconf, folder: Path) -> str:
    run = ambraconf("apply", str(folder), "--auto-approve")
    assert run.code == 0, run.out + run.err
    return run.out


def no_changes(ambraconf, folder: Path) -> None:
    run = ambraconf("plan", str(folder), "--detailed-exitcode")
    assert run.code == 0, run.out + run.err
    assert "No changes." in run.out


def test_apply_sets_a_seeded_gateway_and_plans_empty_after(ambraconf, sandbox, tmp_path):
    sandbox.ok(
        "/node/set", uuid=nodes(sandbox)[GATEWAY]["uuid"], configuration={"log_level": "info"}
    )
    folder = config(tmp_path / "cfg", [NODE])
    assert "Apply complete: 0 created, 1 updated, 0 deleted." in applied(ambraconf, folder)
    live = nodes(sandbox)[GATEWAY]
    assert live["settings"] == SETTINGS
    # merged: the key the files leave out is kept
    assert live["configuration"] == {"log_level": "info", "ae_title": "GATEWAY", "port": 104}
    assert (live["monitor_node_ping"], live["monitor_node_last_send_threshold"]) == (1, 120)
    assert (live["monitor_email"], live["facility_name"]) == ("ops@clinic.example", "North Clinic")
    no_changes(ambraconf, folder)


def test_null_reverts_a_setting_to_the_account_value(ambraconf, sandbox, tmp_path):
    uuid = nodes(sandbox)[GATEWAY]["uuid"]
    sandbox.ok("/node/set", uuid=uuid, settings=SETTINGS)
    folder = config(
        tmp_path / "cfg", [{"name": GATEWAY, "settings": {"include_patientid_in_hl7_match": None}}]
    )
    plan = ambraconf("plan", str(folder), "--format", "json")
    [action] = [a for a in json.loads(plan.out)["actions"] if a["kind"] == "node"]
    assert action["op"] == "update"
    applied(ambraconf, folder)
    assert nodes(sandbox)[GATEWAY]["settings"] == {"mwl_filter_expression": "PID_3"}
    no_changes(ambraconf, folder)


def test_a_change_by_hand_is_drift_naming_the_field_in_git_and_live(ambraconf, sandbox, tmp_path):
    folder = config(tmp_path / "cfg", [NODE])
    applied(ambraconf, folder)
    uuid = nodes(sandbox)[GATEWAY]["uuid"]
    sandbox.ok("/node/set", uuid=uuid, monitor_email="nobody@clinic.example")
    sandbox.ok("/node/set", uuid=uuid, setting_mwl_filter_expression="PID_2")

    run = ambraconf("drift", str(folder), "--format", "json")
    assert run.code == 2, run.err
    [account] = json.loads(run.out)["accounts"]
    drifted = {o["address"]: o for o in account["objects"]}
    gateway = drifted.pop(f"{ACCOUNT}/node/{GATEWAY}")
    assert drifted == {}
    assert sorted((d["field"], d["git"], d["live"]) for d in gateway["differences"]) == [
        ("monitor_email", "ops@clinic.example", "nobody@clinic.example"),
        ("settings.mwl_filter_expression", "PID_3", "PID_2"),
    ]


def test_export_writes_the_nodes_the_account_has_and_plans_as_no_changes(
    ambraconf, sandbox, tmp_path
):
    annex = sandbox.ok("/node/add", account_id=sandbox.account_id, name="Annex", type="VIRTUAL")
    uuid = nodes(sandbox)[GATEWAY]["uuid"]
    sandbox.ok(
        "/node/set",
        uuid=uuid,
        settings=SETTINGS,
        configuration={"port": 104, "os_version": "Windows 10"},
        monitor_node_ping=1,
        monitor_study_create_threshold=30,
        is_public=1,
    )
    out = tmp_path / "exported"
    run = ambraconf("export", "--account", ACCOUNT, "--out", str(out))
    assert run.code == 0, run.err
    exported = yaml.safe_load((out / "nodes.yaml").read_text())["accounts"][0]["nodes"]
    by_name = {n["name"]: n for n in exported}
    assert sorted(by_name) == ["Annex", GATEWAY]
    # what the gateway reports about itself is neither exported nor written back
    assert by_name[GATEWAY] == {
        "name": GATEWAY,
        "settings": {"include_patientid_in_hl7_match": False, "mwl_filter_expression": "PID_3"},
        "configuration": {"port": 104},
        "monitor_node_ping": True,
        "monitor_study_create_threshold": 30,
        "is_public": True,
    }
    assert by_name["Annex"] == {"name": "Annex"}
    no_changes(ambraconf, out)
    assert sandbox.ok("/node/get", uuid=annex["uuid"])["name"] == "Annex"


def test_nodes_that_do_not_exist_fail_the_plan_naming_every_one(ambraconf, sandbox, tmp_path):
    wanted = [
        {"name": "Basement Gateway", "monitor_node_ping": True},
        {**NODE, "monitor_email": "changed@clinic.example"},
        {"name": "Annex Gateway"},
    ]
    folder = config(tmp_path / "cfg", wanted)
    assert ambraconf("validate", str(folder)).code == 0
    before = nodes(sandbox)
    run = ambraconf("apply", str(folder), "--auto-approve")
    assert run.code == 1
    text = run.out + run.err
    where = folder / "account.yaml"
    for name in ("Basement Gateway", "Annex Gateway"):
        line = line_of(where, f"- name: {name}")
        assert f"{where}:{line}:5: node '{name}' does not exist live in {ACCOUNT}" in text
    assert "ambraconf never creates nodes" in text
    assert GATEWAY not in text
    assert "Traceback" not in text
    assert nodes(sandbox) == before


def test_prune_never_deletes_a_node(ambraconf, sandbox, tmp_path):
    sandbox.ok("/node/add", account_id=sandbox.account_id, name="Old", type="HARVESTER")
    everything = config(tmp_path / "everything", [NODE], head="prune: true")
    assert "0 deleted" in applied(ambraconf, everything)
    assert sorted(nodes(sandbox)) == ["Old", GATEWAY]
    no_changes(ambraconf, everything)
    asked = config(tmp_path / "asked", [NODE], head="prune: {nodes: true}")
    run = ambraconf("validate", str(asked))
    assert run.code == 1
    where = asked / "account.yaml"
    assert f"{where}:{line_of(where, 'nodes: true')}:" in run.out + run.err
    assert "ambraconf never deletes nodes" in run.out + run.err
    assert sorted(nodes(sandbox)) == ["Old", GATEWAY]


def test_destinations_and_webhooks_still_name_nodes_no_file_describes(ambraconf, sandbox, tmp_path):
    folder = tmp_path / "cfg"
    folder.mkdir()
    account = {
        "name": ACCOUNT,
        "destinations": [
            {"name": "PACS", "node": GATEWAY, "aetitle": "PACS", "address": "10.2.0.1"}
            | {"port": 104}
        ],
        "webhooks": [
            {"name": "Via gateway", "event": "MANUAL", "url": "https://ehr.example/hook"}
            | {"method": "POST", "node": GATEWAY}
        ],
    }
    (folder / "account.yaml").write_text(yaml.safe_dump({"accounts": [account]}))
    assert "2 created" in applied(ambraconf, folder)
    gateway = nodes(sandbox)[GATEWAY]["uuid"]
    [destination] = sandbox.ok("/destination/list", account_id=sandbox.account_id)["destinations"]
    [webhook] = sandbox.ok("/webhook/list", account_id=sandbox.account_id)["webhooks"]
    assert (destination["node_id"], webhook["node_id"]) == (gateway, gateway)
    no_changes(ambraconf, folder)


def test_validate_points_at_what_a_node_cannot_set(ambraconf, tmp_path):
    folder = tmp_path / "cfg"
    folder.mkdir()
    (folder / "account.yaml").write_text(
        f"accounts:\n  - name: {ACCOUNT}\n    nodes:\n"
        f"      - name: {GATEWAY}\n"
        "        type: VIRTUAL\n"
        "        storage_namespace: 6f1c1f0e-0000-4000-8000-000000000000\n"
        "        settings:\n"
        "          ui_json: '{}'\n"
        "          report_from_hl7: null\n"
        "        configuration: {os_version: '10'}\n"
        "        category: BROKEN\n"
    )
    run = ambraconf("validate", str(folder))
    assert run.code == 1
    text = run.out + run.err
    where = folder / "account.yaml"
    assert f"{where}:5:9: " in text and "'type' cannot be set here" in text
    assert f"{where}:6:9: " in text and "needs a sysadmin session" in text
    run = ambraconf("validate", str(_without(folder, "type", "storage_namespace")))
    text = run.out + run.err
    assert f"{where}:8:11: " in text
    assert "setting 'ui_json' cannot be overridden by a node (NO_NODE_OVERRIDE" in text
    assert ":9:" not in text  # null reverts: a setting a node may override
    assert f"{where}:10:" in text and "configuration.os_version is reported by the gateway" in text
    assert "category" in text and "BROKEN" in text


def line_of(path: Path, text: str) -> int:
    """The number of the first line of ``path`` holding ``text``."""
    lines = path.read_text().splitlines()
    return next(number for number, line in enumerate(lines, start=1) if text in line)


def _without(folder: Path, *keys: str) -> Path:
    """The config with the lines of ``keys`` blanked, so line numbers stay put."""
    path = folder / "account.yaml"
    lines = path.read_text().splitlines()
    kept = ["" if any(line.strip().startswith(f"{k}:") for k in keys) else line for line in lines]
    path.write_text("\n".join(kept) + "\n")
    return folder


def test_a_declared_rename_renames_the_live_node_and_what_names_it_follows(
    ambraconf, sandbox, tmp_path
):
    uuid = nodes(sandbox)[GATEWAY]["uuid"]
    folder = tmp_path / "cfg"
    folder.mkdir()
    account = {
        "name": ACCOUNT,
        "nodes": [{"name": "North Gateway", "renamed_from": GATEWAY}],
        "destinations": [
            {"name": "PACS", "node": "North Gateway", "aetitle": "PACS", "address": "10.2.0.1"}
            | {"port": 104}
        ],
    }
    (folder / "account.yaml").write_text(yaml.safe_dump({"accounts": [account]}))
    assert "1 created, 1 updated, 0 deleted" in applied(ambraconf, folder)
    assert nodes(sandbox)["North Gateway"]["uuid"] == uuid
    [destination] = sandbox.ok("/destination/list", account_id=sandbox.account_id)["destinations"]
    assert destination["node_id"] == uuid
    no_changes(ambraconf, folder)
