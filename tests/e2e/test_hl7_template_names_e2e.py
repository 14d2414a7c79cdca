"""HL7 template bodies name custom fields by name: {$customfield_h{'<name>'}}."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from e2e_helpers import applied, apply_order, config_folder, no_changes

from ambraconf.sandbox.harness import SandboxHandle

ACCOUNT = "Sandbox Hospital"
FOREIGN = "0f8e0a1c-1b2c-4d5e-8f90-a1b2c3d4e5f6"
BODY = (
    "MSH|^~\\\\&|AMBRA|{$customfield_h{'Priority'}}|||||ORU^R01|1|P|2.3\\r"
    "OBX|1|TX|{$customfield_h{'Reader'}}|{$customfield_h{'Priority'}}|"
    "{$customfield_h{'" + FOREIGN + "'}}"
)
CONFIG = f"""\
accounts:
  - name: Sandbox Hospital
    customfields:
      - {{name: Priority, object: Study, type: text}}
      - {{name: Reader, object: Study, type: text}}
    hl7_templates:
      - name: ORU report
        body: "{BODY}"
"""


@pytest.fixture
def config(tmp_path: Path) -> Path:
    return config_folder(tmp_path / "config", CONFIG)


def live_body(sandbox: SandboxHandle) -> str:
    [template] = sandbox.ok("/hl7/template/list", account_id=sandbox.account_id)["templates"]
    return template["body"]


def test_apply_sends_uuids_export_writes_names(
    ambraconf, sandbox: SandboxHandle, config: Path, tmp_path: Path
):
    order = apply_order(ambraconf, config)
    applied(ambraconf, config)
    assert order.index("customfield Study/Priority") < order.index("hl7_template ORU report")
    fields = {
        f["name"]: f["uuid"]
        for f in sandbox.ok("/customfield/list", account_id=sandbox.account_id)["customfields"]
    }
    body = live_body(sandbox)
    assert body.count(f"{{$customfield_h{{'{fields['Priority']}'}}}}") == 2
    assert f"{{$customfield_h{{'{fields['Reader']}'}}}}" in body
    assert f"{{$customfield_h{{'{FOREIGN}'}}}}" in body  # names nothing: sent as written
    no_changes(ambraconf, config)
    exported = tmp_path / "exported"
    run = ambraconf("export", "--account", ACCOUNT, "--out", str(exported))
    assert run.code == 0, run.err
    [template] = yaml.safe_load((exported / "hl7_templates.yaml").read_text())["accounts"][0][
        "hl7_templates"
    ]
    assert "{$customfield_h{'Priority'}}" in template["body"]
    assert "{$customfield_h{'Reader'}}" in template["body"]
    assert f"{{$customfield_h{{'{FOREIGN}'}}}}" in template["body"]
    no_changes(ambraconf, exported)


def test_a_renamed_custom_field_is_followed_in_the_body(
    ambraconf, sandbox: SandboxHandle, config: Path
):
    applied(ambraconf, config)
    before = live_body(sandbox)
    path = config / "account.yaml"
    text = path.read_text().replace("Priority", "Urgency")
    path.write_text(text.replace("{name: Urgency,", "{name: Urgency, renamed_from: Priority,"))
    run = ambraconf("plan", str(config))
    assert run.code == 0, run.out + run.err
    assert "renamed from 'Priority'" in run.out
    assert "hl7_template" not in run.out  # the body holds the same uuids
    applied(ambraconf, config)
    assert live_body(sandbox) == before
    no_changes(ambraconf, config)


def test_validate_names_an_unknown_field_in_the_body(ambraconf, config: Path):
    path = config / "account.yaml"
    path.write_text(
        path.read_text().replace("{$customfield_h{'Reader'}}", "{$customfield_h{'Raeder'}}")
    )
    run = ambraconf("validate", str(config))
    assert run.code == 1
    assert f"{path}:8:15: " in run.out
    assert "body custom field 'Raeder': no Study custom field of that name" in run.out
    assert "did you mean 'Reader'?" in run.out
