"""`ambraconf export` against the sandbox: live state as YAML that plans as no changes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from ambraconf.config.validate import validate_path
from ambraconf.kinds import KINDS
from ambraconf.sandbox.harness import SandboxHandle

ACCOUNT = "Sandbox Hospital"
SECRETS = {
    "AMBRACONF_WEBHOOK_NOTIFY_EHR_AUTH_BASIC_PASSWORD": "s3cret-basic",
    "AMBRACONF_WEBHOOK_TOKEN_SOURCE_AUTH_CUSTOM_X_API_KEY": "s3cret-header",
}

EVERY_KIND = {
    "users": [{"email": "hooks@clinic.example", "password": "hooks-pass1", "name": "Hooks"}],
    "accounts": [
        {
            "name": ACCOUNT,
            "members": [
                {"email": "hooks@clinic.example", "role": "User", "account_alias": "Hooks"}
                | {"event_share": 1, "settings": {"viewer_enable_mpr": "1"}}
            ],
            "nodes": [{"name": "Imaging Gateway", "type": "HARVESTER", "facility_name": "North"}],
            "destinations": [
                {"name": "PACS", "node": "Sandbox Gateway", "aetitle": "PACS"}
                | {"address": "10.0.0.5", "port": 104},
                {"name": "PACS Backup", "node": "Sandbox Gateway", "aetitle": "PACSB"}
                | {"address": "10.0.0.6", "port": 104},
            ],
            "customfields": [
                {"name": "Priority", "object": "Study", "type": "select", "required": 1}
                | {"options": {"values": ["STAT", "Routine"], "hint": "How soon"}},
                {"name": "Callback", "object": "Study", "type": "text"}
                | {"dicom_tag": "(0008,0050)", "load_dicom_tag": 1},
                {"name": "Cost Center", "object": "Group", "type": "text"},
                {"name": "Region", "object": "Account", "type": "text"},
            ],
            "roles": [
                {"name": "Radiologist", "description": "Reads studies", "for_account": 0}
                | {"permissions": {"study_download": 1, "study_field_patientid": "O"}},
                {"name": "Front Desk", "permissions": {"study_upload": 1}},
            ],
            "sites": [
                {"name": "Boston", "city": "Boston", "state": "MA", "zip": "02115"},
                {"name": "Cambridge", "parent": "Boston", "address1": "1 Main St"},
            ],
            "anonymization_profiles": [
                {
                    "name": "Research",
                    "rules": {"patientid": "s/.*/__MD5_HASH__/", "OTHER_INGRESS_TAGS": "s/.*//"},
                }
            ],
            "groups": [
                {"name": "Cardiology", "role": "Radiologist", "share_code": "CARD-1"}
                | {"must_approve": 1, "site": "Cambridge"}
                | {"members": [{"email": "hooks@clinic.example", "event_share": 1}]}
            ],
            "locations": [{"name": "Main Street", "role": "Front Desk"}],
            "webhooks": [
                {
                    "name": "Notify EHR",
                    "event": "ROUTE_RULE",
                    "url": "https://ehr.example/hook",
                    "method": "POST_JSON",
                    "parameters": {"accession": "study.accession_number", "note": "costs ${5}"},
                    "retry": 1,
                    "sid_user": "hooks@clinic.example",
                    "auth": {"basic": {"username": "ambra", "password": "s3cret-basic"}},
                },
                {"name": "Token source", "event": "MANUAL", "url": "https://auth.example/t"}
                | {"method": "POST", "auth": {"custom": {"X-Api-Key": "s3cret-header"}}},
                {"name": "Nightly", "event": "CRON", "cron": "0 2 * * *"}
                | {"url": "https://ehr.example/nightly", "method": "GET"},
            ],
            "hl7_templates": [
                {"name": "ORU out", "body": "MSH|^~\\&|AMBRA|X|||20240101||ORU^R01|1|P|2.3"}
            ],
            "hl7_transforms": [
                {"name": "Mask MRN", "order_by": 10, "conditions": [{"PID_3": "/^TEST/"}]}
                | {"replacements": [{"PID_3": "XXX-{$PID_3}"}]}
            ],
            "radreport_templates": [
                {"name": "CT head", "type": "CT", "body": "<p>Findings</p>", "active": True}
            ],
            "validation_rules": [
                {
                    "name": "Complete study",
                    "conditions": [{"tag": "(0010,0020)", "check": "exists"}],
                }
            ],
            "routes": [
                {
                    "name": "STAT to PACS",
                    "group": "Cardiology",
                    "on_share": 1,
                    "on_harvest": 0,
                    "conditions": [
                        {"lv": "customfield:Priority", "op": "equals", "rv": "STAT"},
                        {"lv": "modality", "op": "in", "rv": json.dumps(["CT", "MR"])},
                    ],
                    "actions": [
                        {"destination": "PACS"},
                        {"webhook": "Notify EHR"},
                        {"namespace": "Main Street"},
                    ],
                },
                {
                    "name": "Failover",
                    "on_share": 0,
                    "on_harvest": 1,
                    "conditions": [
                        {"lv": "validate:Complete study", "op": "greater_than", "rv": "90"}
                    ],
                    "actions": [{"first_working_destination": ["PACS", "PACS Backup"]}],
                    "schedule": {"start": "07:00", "stop": "19:00", "mon": 1, "tz": "US/Central"},
                },
            ],
            "share_rules": [
                {"by_type": "group", "by": "Cardiology", "with_type": "location"}
                | {"with": "Main Street"}
            ],
            "terminology": [{"tag": "study", "language": "en", "value": "Exam"}],
            "scanners": [{"name": "CT 1", "site": "Boston", "modality": "CT", "model": "Revo"}],
            "dictionaries": [
                {"name": "Modalities", "object": "Study", "lookup": ["modality"]}
                | {"replace": ["study_description"], "case_sensitive": 0}
                | {"entries": [{"lookup": ["CT"], "replace": ["Computed tomography"]}]}
                | {"attachments": [{"group": "Cardiology", "sequence": 1}, {"add_if_no_match": 1}]}
            ],
            "purges": [
                {"name": "Old US", "days_old": 730, "days_old_how": "S", "suspended": 1}
                | {"namespaces": ["Cardiology"], "modalities": ["US"], "skinny": 1},
            ],
            "customcodes": [
                {"name": "CT check", "type": "AI_CUSTOM_VALIDATION_CODE", "language": "PYTHON"}
                | {"code": "def validate(study):\n    return '${x}' != ''\n"}
                | {"settings": {"threshold": 3}, "deployed_to": [ACCOUNT, "Cardiology"]}
            ],
            "session_expire": 45,
            "share_code": "SANDBOX-1",
            "role": "Front Desk",
            "settings": {
                "enable_dicom_wrapping": "1",
                "ui_json": json.dumps({"is_utility_account": False}),
            },
        }
    ],
}


def seed_every_kind(sandbox: SandboxHandle) -> None:
    """Every managed kind, made through the API as people made them by hand; the seed
    format cannot say some of it (what namespaces keep, a custom field permission, a mapping,
    custom field values, a webhook taking its token from another, node settings), so raw
    calls do."""
    sandbox.seed(EVERY_KIND)
    account = sandbox.account_id

    def by_name(endpoint: str, key: str) -> dict[str, dict]:
        return {o["name"]: o for o in sandbox.ok(endpoint, account_id=account)[key]}

    fields = by_name("/customfield/list", "customfields")
    role = by_name("/role/list", "roles")["Radiologist"]
    group = by_name("/group/list", "groups")["Cardiology"]
    token = by_name("/webhook/list", "webhooks")["Token source"]
    priority = fields["Priority"]["uuid"]
    sandbox.ok(
        "/role/set", uuid=role["uuid"], permissions={f"study_field_customfield_{priority}": "R"}
    )
    sandbox.ok("/namespace/settings", uuid=group["namespace_id"], no_dup_share=1)
    defaults = {"modality": "US", f"customfield-{priority}": "Routine"}
    sandbox.ok("/namespace/study/defaults", uuid=group["namespace_id"], defaults=defaults)
    sandbox.ok("/namespace/event/defaults", uuid=group["namespace_id"], event_share=1)
    sandbox.ok("/namespace/coverpage", uuid=group["namespace_id"], coverpage={"title": "{$x}"})
    sandbox.ok("/namespace/share/pricing", uuid=group["namespace_id"], pricing={"ANY": 900})
    own = sandbox.ok("/account/get", uuid=account)["namespace_id"]
    sandbox.ok("/namespace/settings", uuid=own, share_related=1)
    sandbox.ok("/namespace/study/defaults", uuid=own, defaults={"study_description": "Outside"})
    gateway = by_name("/node/list", "nodes")["Imaging Gateway"]
    sandbox.ok(
        "/node/set",
        uuid=gateway["uuid"],
        settings={"report_from_hl7": "ORU"},
        configuration={"port": 104},
        monitor_node_ping=1,
    )
    sandbox.ok(
        "/customfield/mapping/add",
        from_customfield_id=priority,
        to_customfield_id=fields["Callback"]["uuid"],
    )
    cost_center = f"customfield-{fields['Cost Center']['uuid']}"
    sandbox.ok("/group/set", uuid=group["uuid"], **{cost_center: "CC-42"})
    sandbox.ok("/account/set", uuid=account, **{f"customfield-{fields['Region']['uuid']}": "North"})
    sandbox.ok(
        "/webhook/add",
        account_id=account,
        name="Uses token",
        event="ROUTE_RULE",
        url="https://x.example/",
        method="POST",
        auth={"token_from_webhook": {"webhook_id": token["uuid"]}},
    )


def read(folder: Path) -> dict[str, str]:
    """Every file export wrote, by its path under ``folder`` (code files sit in folders)."""
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    return {p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8") for p in files}


def exported_objects(folder: Path, key: str) -> list[dict]:
    document = yaml.safe_load((folder / f"{key}.yaml").read_text())
    return document["accounts"][0][key]


@pytest.fixture
def every_kind(sandbox: SandboxHandle) -> SandboxHandle:
    seed_every_kind(sandbox)
    return sandbox


SEED_KEYS = {"users": "members", "purge_rules": "purges"}
"""Seed keys that differ from the config's: the sandbox seeds account users as ``members``
(its top-level ``users`` are grid users), purge rules by the API's list key."""


def test_the_every_kind_seed_holds_an_object_of_every_registered_kind() -> None:
    """A new kind joins the export round trip below by an object in ``EVERY_KIND``."""
    seeded = EVERY_KIND["accounts"][0]
    missing = [spec.key for spec in KINDS if not seeded.get(SEED_KEYS.get(spec.key, spec.key))]
    assert not missing, f"add objects of {missing} to EVERY_KIND"


def test_export_validates_plans_no_changes_and_is_stable(
    ambraconf, every_kind, tmp_path: Path, monkeypatch
):
    first, second = tmp_path / "first", tmp_path / "second"
    run = ambraconf("export", "--account", ACCOUNT, "--out", str(first))
    assert run.code == 0, run.err
    assert sorted(read(first)) == [
        "account.yaml",
        "anonymization_profiles.yaml",
        "customcodes.yaml",
        "customcodes/CT_check.py",
        "customfields.yaml",
        "destinations.yaml",
        "dictionaries.yaml",
        "groups.yaml",
        "hl7_templates.yaml",
        "hl7_transforms.yaml",
        "locations.yaml",
        "nodes.yaml",
        "purge_rules.yaml",
        "radreport_templates.yaml",
        "roles.yaml",
        "routes.yaml",
        "scanners.yaml",
        "share_rules.yaml",
        "sites.yaml",
        "terminology.yaml",
        "users.yaml",
        "validation_rules.yaml",
        "webhooks.yaml",
    ]
    result = validate_path(first)
    assert result.ok, [str(d) for d in result.errors]
    assert result.config.counts() == {
        "customfield": 4,
        "role": 2,
        "account_user": 3,
        "node": 2,
        "destination": 2,
        "site": 2,
        "anonymization_profile": 1,
        "group": 1,
        "location": 1,
        "webhook": 4,
        "route": 2,
        "hl7_template": 1,
        "hl7_transform": 1,
        "dictionary": 1,
        "radreport_template": 1,
        "validation_rule": 1,
        "share_rule": 1,
        "terminology": 1,
        "scanner": 1,
        "purge_rule": 1,
        "customcode": 1,
    }
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    plan = ambraconf("plan", str(first), "--detailed-exitcode")
    assert plan.code == 0, plan.out + plan.err
    assert "No changes. Live state matches the configuration." in plan.out
    assert ambraconf("export", "--account", ACCOUNT, "--out", str(second)).code == 0
    assert read(first) == read(second)


def test_references_are_names_and_server_defaults_are_left_out(
    ambraconf, every_kind, tmp_path: Path
):
    assert ambraconf("export", "--account", ACCOUNT, "--out", str(tmp_path)).code == 0
    groups = exported_objects(tmp_path, "groups")
    assert groups == [
        {
            "name": "Cardiology",
            "must_approve": True,
            "share_code": "CARD-1",
            "role": "Radiologist",
            "customfields": {"Cost Center": "CC-42"},
            "namespace_settings": {"no_dup_share": True},
            "study_defaults": {"customfields": {"Priority": "Routine"}, "modality": "US"},
            "event_defaults": {"event_share": True},
            "coverpage": {"title": "{$x}"},
            "share_pricing": {"pricing": {"ANY": 900}},
            "members": [
                {"email": "hooks@clinic.example", "role": "Radiologist", "event_share": True}
            ],
            "site": "Cambridge",
        }
    ]
    assert exported_objects(tmp_path, "sites") == [
        {"name": "Boston", "state": "MA", "zip": "02115", "city": "Boston"},
        {"name": "Cambridge", "parent": "Boston", "address1": "1 Main St"},
    ]
    routes = {r["name"]: r for r in exported_objects(tmp_path, "routes")}
    assert routes["STAT to PACS"]["conditions"][0] == {
        "customfield": "Priority",
        "op": "equals",
        "rv": "STAT",
    }
    assert routes["STAT to PACS"]["actions"] == [
        {"destination": "PACS"},
        {"webhook": "Notify EHR"},
        {"namespace": {"location": "Main Street"}},
    ]
    assert "on_harvest" not in routes["STAT to PACS"]  # off, as by default
    roles = {r["name"]: r for r in exported_objects(tmp_path, "roles")}
    assert roles["Front Desk"] == {"name": "Front Desk", "permissions": {"study_upload": True}}
    assert "Admin" not in roles  # stock roles need no definition
    assert roles["Radiologist"]["permissions"]["study_field_customfields"] == {"Priority": "R"}
    mapping = exported_objects(tmp_path, "customfields")[-1]["customfield_mapping"]
    assert mapping == [{"to_customfield": "Callback"}]
    account = yaml.safe_load((tmp_path / "account.yaml").read_text())["accounts"][0]
    assert account["fields"]["customfields"] == {"Region": "North"}
    assert account["fields"]["namespace_settings"] == {"share_related": True}
    assert account["fields"]["study_defaults"] == {"study_description": "Outside"}
    assert account["settings"] == {
        "enable_dicom_wrapping": True,
        "ui_json": {"is_utility_account": False},
    }
    text = (tmp_path / "roles.yaml").read_text()
    assert text.startswith("# Roles of Sandbox Hospital, exported by `ambraconf export` from ")


def test_secrets_are_placeholders_and_literal_dollar_braces_are_escaped(
    ambraconf, every_kind, tmp_path: Path
):
    run = ambraconf("export", "--account", ACCOUNT, "--out", str(tmp_path))
    assert run.code == 0
    everything = "".join(read(tmp_path).values())
    assert "s3cret" not in everything
    for name in SECRETS:
        assert f"${{env:{name}}}" in everything
        assert name in run.out
    hooks = {w["name"]: w for w in exported_objects(tmp_path, "webhooks")}
    assert hooks["Notify EHR"]["parameters"]["note"] == "costs $${5}"
    assert hooks["Uses token"]["auth"] == {"token_from_webhook": {"webhook": "Token source"}}
    assert hooks["Notify EHR"]["sid_user"] == "hooks@clinic.example"


def test_export_refuses_to_overwrite_unless_forced(ambraconf, every_kind, tmp_path: Path):
    roles = tmp_path / "roles.yaml"
    roles.write_text("# my own work\n")
    refused = ambraconf("export", "--account", ACCOUNT, "--out", str(tmp_path))
    assert refused.code == 1
    assert f"not overwriting {roles}" in refused.err
    assert "--force" in refused.err
    assert sorted(read(tmp_path)) == ["roles.yaml"]
    forced = ambraconf("export", "--account", ACCOUNT, "--out", str(tmp_path), "--force")
    assert forced.code == 0
    assert "my own work" not in roles.read_text()


def test_only_the_kinds_asked_for_with_references_still_by_name(
    ambraconf, every_kind, tmp_path: Path
):
    run = ambraconf(
        "export", "--account", "sandbox hospital", "--kinds", "groups", "--out", str(tmp_path)
    )
    assert run.code == 0, run.err
    assert sorted(read(tmp_path)) == ["groups.yaml"]
    assert exported_objects(tmp_path, "groups")[0]["role"] == "Radiologist"


def test_export_errors_are_messages(ambraconf, sandbox, tmp_path: Path):
    unknown = ambraconf("export", "--account", "Nowhere", "--out", str(tmp_path))
    assert unknown.code == 1
    assert "no account 'Nowhere' is visible to this user" in unknown.err
    bad_kind = ambraconf("export", "--account", ACCOUNT, "--kinds", "rols", "--out", str(tmp_path))
    assert bad_kind.code == 1
    assert "--kinds: unknown kind 'rols' (did you mean 'roles'?)" in bad_kind.err
    assert list(tmp_path.iterdir()) == []


def test_files_point_editors_at_the_schema_when_one_is_above(ambraconf, every_kind, tmp_path: Path):
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "ambraconf.schema.json").write_text("{}")
    out = tmp_path / "config" / "sandbox"
    assert (
        ambraconf("export", "--account", ACCOUNT, "--kinds", "hl7_template", "--out", str(out)).code
        == 0
    )
    first = (out / "hl7_templates.yaml").read_text().splitlines()[0]
    assert first == "# yaml-language-server: $schema=../../schemas/ambraconf.schema.json"
