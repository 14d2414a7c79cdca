"""The API quirks of api-notes.md that touch managed kinds, each through a real apply."""

from __future__ import annotations

from pathlib import Path

import pytest

from ambraconf.sandbox.harness import SandboxHandle

HEAD = "accounts:\n  - name: Sandbox Hospital\n"


def config(tmp_path: Path, body: str) -> Path:
    folder = tmp_path / "cfg"
    folder.mkdir(exist_ok=True)
    (folder / "a.yaml").write_text(HEAD + body)
    return folder


def converge(ambraconf, folder: Path) -> None:
    run = ambraconf("apply", str(folder), "--auto-approve")
    assert run.code == 0, run.out + run.err
    again = ambraconf("plan", str(folder), "--detailed-exitcode")
    assert again.code == 0, again.out + again.err


def live(sandbox: SandboxHandle, endpoint: str, key: str) -> list[dict]:
    return sandbox.ok(endpoint, account_id=sandbox.account_id)[key]


MAPPED = """    customfields:
      - {name: Referring Site, object: Study, type: text}
      - name: Site Code
        object: Study
        type: text
        customfield_mapping:
          - {to_customfield: Referring Site, refresh_on_edit: false}
"""


def test_custom_field_mappings_are_added_changed_and_removed(ambraconf, sandbox, tmp_path):
    folder = config(tmp_path, MAPPED)
    converge(ambraconf, folder)
    fields = {f["name"]: f for f in live(sandbox, "/customfield/list", "customfields")}
    [mapping] = fields["Site Code"]["customfield_mapping"]
    assert mapping["to_customfield_id"] == fields["Referring Site"]["uuid"]
    assert str(mapping["refresh_on_edit"]) == "0"
    assert str(mapping["overwrite_with_blank"]) == "1"  # the documented default, unmanaged
    folder = config(tmp_path, MAPPED.replace("refresh_on_edit: false", "refresh_on_edit: true"))
    converge(ambraconf, folder)
    fields = {f["name"]: f for f in live(sandbox, "/customfield/list", "customfields")}
    assert str(fields["Site Code"]["customfield_mapping"][0]["refresh_on_edit"]) == "1"
    folder = config(
        tmp_path,
        MAPPED.replace(
            "        customfield_mapping:\n          - {to_customfield: Referring Site, "
            "refresh_on_edit: false}\n",
            "        customfield_mapping: []\n",
        ),
    )
    converge(ambraconf, folder)
    fields = {f["name"]: f for f in live(sandbox, "/customfield/list", "customfields")}
    assert fields["Site Code"]["customfield_mapping"] == []


def test_hl7_template_body_change_resends_name_and_body(ambraconf, sandbox, tmp_path):
    message = "MSH|^~\\&|AMBRA|NSH|||20240101||ORU^R01|{$x}|P|2.3"
    body = f"    hl7_templates:\n      - name: ORU out\n        body: '{message}'\n"
    converge(ambraconf, config(tmp_path, body))
    converge(ambraconf, config(tmp_path, body.replace("{$x}", "{$y}")))
    [template] = live(sandbox, "/hl7/template/list", "templates")
    assert template["name"] == "ORU out" and "{$y}" in template["body"]


def test_location_namespace_settings_use_the_namespace_not_the_location(
    ambraconf, sandbox, tmp_path
):
    body = (
        "    locations:\n      - name: Main Street\n        namespace_settings:\n"
        "          no_dup_share: true\n          enable_dicom_wrapping: true\n"
    )
    converge(ambraconf, config(tmp_path, body))
    [location] = live(sandbox, "/location/list", "locations")
    settings = sandbox.ok("/namespace/settings", uuid=location["namespace_id"])
    assert str(settings["no_dup_share"]) == "1"
    assert str(settings["enable_dicom_wrapping"]) == "1"


def test_webhook_secret_returned_as_md5_is_not_a_perpetual_diff(
    ambraconf, sandbox, tmp_path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("HOOK_PASSWORD", "s3cret")
    body = (
        "    webhooks:\n      - name: Notify\n        event: STUDY_SYNC\n"
        "        url: https://ehr.example/hook\n        method: POST\n"
        "        auth: {basic: {username: svc, password: '${env:HOOK_PASSWORD}'}}\n"
    )
    folder = config(tmp_path, body)
    converge(ambraconf, folder)
    [hook] = live(sandbox, "/webhook/list", "webhooks")
    assert "s3cret" not in str(hook)
    monkeypatch.setenv("HOOK_PASSWORD", "rotated")
    run = ambraconf("plan", str(folder))
    assert '~ webhook "Notify"' in run.out
    assert "auth: (sensitive value) (changed)" in run.out
    assert "s3cret" not in run.out and "rotated" not in run.out


def test_account_settings_merge_and_json_settings_compare_by_value(ambraconf, sandbox, tmp_path):
    body = (
        "    settings:\n      enable_dicom_wrapping: true\n"
        "      ui_json: {always_show_advanced_search: true}\n"
        "    fields:\n      session_expire: 45\n"
    )
    converge(ambraconf, config(tmp_path, body))
    account = sandbox.ok("/account/get", uuid=sandbox.account_id)
    assert str(account["session_expire"]) == "45"
    assert str(account["settings"]["enable_dicom_wrapping"]) == "1"


def test_radreport_template_is_activated_through_its_own_endpoint(ambraconf, sandbox, tmp_path):
    body = (
        "    radreport_templates:\n"
        "      - {type: CT, name: CT head, body: '<p>head</p>', active: true}\n"
        "      - {type: CT, name: CT chest, body: '<p>chest</p>'}\n"
    )
    folder = config(tmp_path, body)
    converge(ambraconf, folder)
    templates = {t["name"]: t for t in live(sandbox, "/radreport/template/list", "templates")}
    assert str(templates["CT head"]["active"]) == "1"
    sandbox.ok("/radreport/template/activate", uuid=templates["CT chest"]["uuid"])
    plan = ambraconf("plan", str(folder))
    assert "active: false -> true" in plan.out
    converge(ambraconf, folder)
    templates = {t["name"]: t for t in live(sandbox, "/radreport/template/list", "templates")}
    assert str(templates["CT head"]["active"]) == "1"
    assert str(templates["CT chest"]["active"]) == "0"


def test_inactive_radreport_template_cannot_be_asked_for(ambraconf, sandbox, tmp_path):
    body = "    radreport_templates:\n      - {type: CT, name: A, body: x, active: false}\n"
    run = ambraconf("validate", str(config(tmp_path, body)))
    assert run.code == 1
    assert "only 'active: true' can be applied" in run.out


CUSTOMFIELD_WEBHOOK = """    customfields:
      - {name: Priority, object: Study, type: text}
    webhooks:
      - name: STAT alert
        event: STUDY_SYNC
        url: https://ehr.example/hook
        method: POST
        filter_field: "customfield:Priority"
        filter_regexp: STAT
        parameters:
          priority: "study.customfield:Priority"
          patient: study.patientid
"""


def test_webhook_names_custom_fields_by_name_and_the_api_gets_uuids(ambraconf, sandbox, tmp_path):
    converge(ambraconf, config(tmp_path, CUSTOMFIELD_WEBHOOK))
    [field] = live(sandbox, "/customfield/list", "customfields")
    [hook] = live(sandbox, "/webhook/list", "webhooks")
    assert hook["filter_field"] == f"customfield-{field['uuid']}"
    assert hook["parameters"]["priority"] == f"study.customfield-{field['uuid']}"
    assert hook["parameters"]["patient"] == "study.patientid"


def test_webhook_naming_an_undefined_custom_field_is_a_validate_error(ambraconf, sandbox, tmp_path):
    body = CUSTOMFIELD_WEBHOOK.replace(
        'priority: "study.customfield:Priority"', 'p: "study.customfield:Nope"'
    )
    run = ambraconf("validate", str(config(tmp_path, body)))
    assert run.code == 1
    assert "'Nope'" in run.out
