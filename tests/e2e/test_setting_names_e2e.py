"""Account settings that hold uuids are written by name: applied as uuids, read back as names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from e2e_helpers import applied, apply_order, config_folder, no_changes

from ambraconf.sandbox.harness import SandboxHandle

ACCOUNT = "Sandbox Hospital"
CONFIG = """\
accounts:
  - name: Sandbox Hospital
    settings:
      vanity_registration_customfields: [Referral Source]
      study_stat_filter: [Priority, STAT]
      take_study_dedup_by_field: "customfield:Priority"
      update_all_studies: [patient_name, "customfield:Priority"]
      study_status_role_tags: {READ: [Radiologist]}
      study_requestable_namespaces: [{group: Cardiology}, {location: Main Campus}]
      default_query_owner_namespace: {group: Cardiology}
      update_accession_from_orm: {hl7_field: OBR_5_2, namespaces: [{location: Main Campus}]}
    customfields:
      - {name: Priority, object: Study, type: text}
      - {name: Referral Source, object: User_account, type: text}
    roles:
      - name: Radiologist
    groups:
      - name: Cardiology
        namespace_settings:
          try_update_original_study_to_namespaces:
            - {location: Main Campus}
            - 0f8e0a1c-1b2c-4d5e-8f90-a1b2c3d4e5f6
    locations:
      - name: Main Campus
"""


@pytest.fixture
def config(tmp_path: Path) -> Path:
    return config_folder(tmp_path / "config", CONFIG)


def uuids(sandbox: SandboxHandle, path: str, key: str) -> dict[str, dict]:
    return {o["name"]: o for o in sandbox.ok(path, account_id=sandbox.account_id)[key]}


def live_settings(sandbox: SandboxHandle) -> dict[str, str]:
    return sandbox.ok("/account/get", uuid=sandbox.account_id)["settings"]


def test_apply_sends_uuids_and_plans_no_changes(ambraconf, sandbox: SandboxHandle, config: Path):
    order = apply_order(ambraconf, config)
    applied(ambraconf, config)
    assert order.index("customfield Study/Priority") < order.index("account Sandbox Hospital")
    assert order.index("location Main Campus") < order.index("group Cardiology")
    fields = uuids(sandbox, "/customfield/list", "customfields")
    role = uuids(sandbox, "/role/list", "roles")["Radiologist"]["uuid"]
    group = uuids(sandbox, "/group/list", "groups")["Cardiology"]
    location = uuids(sandbox, "/location/list", "locations")["Main Campus"]
    priority = fields["Priority"]["uuid"]
    settings = live_settings(sandbox)
    assert settings["vanity_registration_customfields"] == fields["Referral Source"]["uuid"]
    assert json.loads(settings["study_stat_filter"]) == [priority, "STAT"]
    assert settings["take_study_dedup_by_field"] == f"customfield-{priority}"
    assert json.loads(settings["update_all_studies"]) == ["patient_name", f"customfield-{priority}"]
    assert json.loads(settings["study_status_role_tags"]) == {"READ": [role]}
    assert settings["study_requestable_namespaces"] == (
        f"{group['namespace_id']},{location['namespace_id']}"
    )
    assert settings["default_query_owner_namespace"] == group["namespace_id"]
    assert json.loads(settings["update_accession_from_orm"]) == {
        "hl7_field": "OBR_5_2",
        "namespaces": [location["namespace_id"]],
    }
    overrides = sandbox.ok("/namespace/settings", uuid=group["namespace_id"])
    assert overrides["try_update_original_study_to_namespaces"] == (
        f"{location['namespace_id']},0f8e0a1c-1b2c-4d5e-8f90-a1b2c3d4e5f6"
    )
    no_changes(ambraconf, config)


def test_export_writes_names_and_plans_no_changes(
    ambraconf, sandbox: SandboxHandle, config: Path, tmp_path: Path
):
    applied(ambraconf, config)
    exported = tmp_path / "exported"
    run = ambraconf("export", "--account", ACCOUNT, "--out", str(exported))
    assert run.code == 0, run.err
    documents = [yaml.safe_load(p.read_text()) for p in sorted(exported.glob("*.yaml"))]
    [settings] = [d["accounts"][0]["settings"] for d in documents if "settings" in d["accounts"][0]]
    assert settings["study_stat_filter"] == ["Priority", "STAT"]
    assert settings["study_requestable_namespaces"] == [
        {"group": "Cardiology"},
        {"location": "Main Campus"},
    ]
    assert settings["study_status_role_tags"] == {"READ": ["Radiologist"]}
    [group] = [g for d in documents for g in d["accounts"][0].get("groups", [])]
    # another account's namespace names nothing here: it stays a uuid
    assert group["namespace_settings"]["try_update_original_study_to_namespaces"] == [
        {"location": "Main Campus"},
        "0f8e0a1c-1b2c-4d5e-8f90-a1b2c3d4e5f6",
    ]
    no_changes(ambraconf, exported)


def test_a_renamed_custom_field_is_followed(ambraconf, sandbox: SandboxHandle, config: Path):
    applied(ambraconf, config)
    text = (config / "account.yaml").read_text()
    text = text.replace("Priority", "Urgency")
    text = text.replace("{name: Urgency,", "{name: Urgency, renamed_from: Priority,")
    (config / "account.yaml").write_text(text)
    run = ambraconf("plan", str(config))
    assert run.code == 0, run.out + run.err
    assert "renamed from 'Priority'" in run.out
    assert "study_stat_filter" not in run.out  # the uuid the setting holds does not change
    applied(ambraconf, config)
    no_changes(ambraconf, config)
