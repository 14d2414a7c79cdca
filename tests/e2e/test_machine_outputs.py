"""Every JSON document a command prints says its format and the ambraconf that wrote it."""

from __future__ import annotations

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
