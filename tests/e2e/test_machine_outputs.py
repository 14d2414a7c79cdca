"""Every JSON document a command prints says its format and the ambraconf that wrote it."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from ambraconf.version import __version__

WEBHOOK = """\
      - name: Signed reports
        event: STUDY_RADREPORT_SIGNED
        url: https://ehr.example/reports
        method: POST_JSON
        auth:
          basic: {username: ambra, password: "${env:HOOK_PASSWORD}"}
"""


def test_every_json_output_carries_format_and_ambraconf_version(
    ambraconf, with_pacs, clinic: Path, tmp_path: Path
) -> None:
    documents = {
        "validate": ambraconf("validate", str(clinic), "--format", "json"),
        "plan": ambraconf("plan", str(clinic), "--format", "json"),
        "drift": ambraconf("drift", str(clinic), "--format", "json"),
        "apply": ambraconf("apply", str(clinic), "--auto-approve", "--format", "json"),
        "apply, nothing to do": ambraconf(
            "apply", str(clinic), "--auto-approve", "--format", "json"
        ),
        "error": ambraconf("plan", str(tmp_path / "nowhere"), "--format", "json"),
    }
    assert documents["error"].code == 1
    for command, run in documents.items():
        document = json.loads(run.out)
        assert (command, document["format_version"], document["ambraconf_version"]) == (
            command,
            1,
            __version__,
        )
    assert json.loads(documents["apply"].out)["summary"].startswith("Apply complete")


def test_secret_fields_name_each_field_once(
    ambraconf, with_pacs, clinic: Path, monkeypatch
) -> None:
    monkeypatch.setenv("HOOK_PASSWORD", "hunter2")
    config = clinic / "clinic.yaml"
    config.write_text(config.read_text().replace("    webhooks:\n", "    webhooks:\n" + WEBHOOK, 1))
    run = ambraconf("plan", str(clinic), "--format", "json")
    assert run.code == 0, run.err
    [hook] = [a for a in json.loads(run.out)["actions"] if a["name"] == "Signed reports"]
    assert hook["secret_fields"] == ["auth"]
    assert "hunter2" not in run.out


def test_plan_apply_and_drift_name_objects_in_parts_when_a_name_holds_a_slash(
    ambraconf, with_pacs, clinic: Path
) -> None:
    config = clinic / "clinic.yaml"
    config.write_text(config.read_text().replace("Cardiology", "Cardio/Echo"))
    route = {
        "address": "Sandbox Hospital/route/Cardio/Echo/STAT to PACS",
        "account": "Sandbox Hospital",
        "kind": "route",
        "key": {"group": "Cardio/Echo", "name": "STAT to PACS"},
    }

    planned = json.loads(ambraconf("plan", str(clinic), "--format", "json").out)
    [action] = [a for a in planned["actions"] if a["kind"] == "route"]
    assert {k: action[k] for k in route} == route

    run = ambraconf("apply", str(clinic), "--auto-approve", "--format", "json")
    assert run.code == 0, run.err
    outcomes = json.loads(run.out)["outcomes"]
    [outcome] = [o for o in outcomes if o["kind"] == "route"]
    assert {k: outcome[k] for k in route} == route
    assert (outcome["name"], outcome["op"], outcome["status"]) == (
        "Cardio/Echo/STAT to PACS",
        "create",
        "done",
    )
    assert all({"address", "account", "kind", "key", "name"} <= set(o) for o in outcomes)

    [live] = with_pacs.ok("/route/list", account_id=with_pacs.account_id)["routes"]
    with_pacs.ok("/route/delete", uuid=live["uuid"])
    with_pacs.ok("/role/add", account_id=with_pacs.account_id, name="Locum")
    drift = ambraconf("drift", str(clinic), "--format", "json", "--include-unmanaged")
    assert drift.code == 2, drift.err
    [account] = json.loads(drift.out)["accounts"]
    objects = {o["kind"]: o for o in account["objects"]}
    assert {k: objects["route"][k] for k in route} == {**route}
    assert objects["route"]["status"] == "missing"
    locum = {k: objects["role"][k] for k in ("address", "account", "kind", "key", "status")}
    assert locum == {
        "address": "Sandbox Hospital/role/Locum",
        "account": "Sandbox Hospital",
        "kind": "role",
        "key": {"name": "Locum"},
        "status": "not_in_git",
    }


def test_plan_records_a_digest_of_each_config_file(ambraconf, with_pacs, clinic: Path) -> None:
    planned = json.loads(ambraconf("plan", str(clinic), "--format", "json").out)
    digest = hashlib.sha256((clinic / "clinic.yaml").read_bytes()).hexdigest()
    assert planned["config_files"] == {"clinic.yaml": digest}
