"""The account's own namespace, which no group or location owns, is named ACCOUNT."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from e2e_helpers import config_folder, no_changes

from ambraconf.sandbox.harness import SandboxHandle

ACCOUNT = "Sandbox Hospital"
CONFIG = """\
accounts:
  - name: Sandbox Hospital
    settings:
      default_query_owner_namespace: ACCOUNT
    groups:
      - name: Cardiology
    routes:
      - name: Echo back to the account
        group: Cardiology
        conditions:
          - {lv: modality, op: equals, rv: US}
        actions:
          - namespace: ACCOUNT
        other_namespaces: [ACCOUNT, {group: Cardiology}]
"""


@pytest.fixture
def config(tmp_path: Path) -> Path:
    return config_folder(tmp_path / "config", CONFIG)


def test_account_namespace_is_sent_as_its_uuid_and_read_back_as_account(
    ambraconf, sandbox: SandboxHandle, config: Path, tmp_path: Path
):
    run = ambraconf("apply", str(config), "--auto-approve")
    assert run.code == 0, run.out + run.err
    own = sandbox.ok("/account/get", uuid=sandbox.account_id)["namespace_id"]
    [group] = sandbox.ok("/group/list", account_id=sandbox.account_id)["groups"]
    [route] = sandbox.ok("/route/list", account_id=sandbox.account_id)["routes"]
    assert [a["namespace"] for a in route["actions"]] == [own]
    assert route["other_namespaces"] == f"{own},{group['namespace_id']}"
    settings = sandbox.ok("/account/get", uuid=sandbox.account_id)["settings"]
    assert settings["default_query_owner_namespace"] == own
    no_changes(ambraconf, config)
    exported = tmp_path / "exported"
    run = ambraconf("export", "--account", ACCOUNT, "--out", str(exported))
    assert run.code == 0, run.err
    [route] = yaml.safe_load((exported / "routes.yaml").read_text())["accounts"][0]["routes"]
    assert route["actions"] == [{"namespace": "ACCOUNT"}]
    assert route["other_namespaces"] == ["ACCOUNT", {"group": "Cardiology"}]
    no_changes(ambraconf, exported)


def test_physician_alias_words_still_need_their_condition(ambraconf, config: Path):
    path = config / "account.yaml"
    path.write_text(path.read_text().replace("namespace: ACCOUNT", "namespace: PERSONAL"))
    run = ambraconf("validate", str(config))
    assert run.code == 1
    assert "PERSONAL needs a condition with rv PHYSICIAN_ALIAS" in run.out
