"""The desired state the engine consumes, and the registry that drives the checks."""

from __future__ import annotations

import pytest
from config_helpers import Write, at, check

from ambraconf.config.errors import InvalidConfig
from ambraconf.config.validate import load_config
from ambraconf.kinds import ACCOUNT, BY_NAME, KINDS


def test_registry_tables_are_consistent() -> None:
    for spec in (ACCOUNT, *KINDS):
        fields = {info.alias or name for name, info in spec.model.model_fields.items()}
        assert set(spec.identity) <= fields, spec.name
        for reference in spec.references:
            assert reference.path[0] in fields, (spec.name, reference)
            assert reference.target in BY_NAME, (spec.name, reference)


def test_objects_keep_what_the_files_set(write: Write) -> None:
    write(
        "a.yaml",
        """
variables: {uat: false}
accounts:
  - name: Northshore
    prune: {routes: true}
    ignore: ["zz-*"]
    roles:
      - name: Reader
        uuid: 0f8e0a1c-1b2c-4d5e-8f90-a1b2c3d4e5f6
        protect: true
        permissions: {study_view: 1}
    webhooks:
      - name: Old hook renamed
        renamed_from: Old hook
        event: STUDY_SYNC
        url: https://x
        method: POST
        suspended: ${var:uat}
""",
    )
    config = load_config("cfg", env={})
    account = config.account("NORTHSHORE")
    assert account is not None
    role = account.find("role", "reader")
    assert role is not None
    assert role.values == {"name": "Reader", "permissions": {"study_view": True}}
    assert (role.uuid, role.protect, role.renamed_from) == (
        "0f8e0a1c-1b2c-4d5e-8f90-a1b2c3d4e5f6",
        True,
        None,
    )
    assert (role.mark.file, role.mark.line) == ("cfg/a.yaml", 7)
    assert role.where("permissions", "study_view").line == 10
    hook = account.of("webhook")[0]
    assert hook.renamed_from == "Old hook" and hook.values["suspended"] is False
    assert account.prunes("route") and not account.prunes("role")
    assert account.ignores("group", "ZZ-temp") and not account.ignores("group", "Radiology")
    assert config.counts()["role"] == 1


def test_load_config_raises_with_every_diagnostic(write: Write) -> None:
    write("a.yaml", "accounts:\n  - name: A\n    fields: {nope: 1, session_expire: x}\n")
    with pytest.raises(InvalidConfig) as raised:
        load_config("cfg", env={})
    assert len(raised.value.diagnostics) == 2
    assert "the configuration has 2 errors" in str(raised.value)


SECRET = """
accounts:
  - name: A
    webhooks:
      - name: W
        event: STUDY_SYNC
        url: https://x
        method: POST
        auth: {basic: {username: svc, password: PASSWORD}}
"""


def test_literal_secret_is_a_warning(write: Write) -> None:
    write("a.yaml", SECRET.replace("PASSWORD", "hunter2"))
    result = check()
    assert result.ok
    text = at(result.warnings[0], "cfg/a.yaml", 8, 49)
    assert "secret written into the file" in text and "${env:NAME}" in text


def test_unset_secret_warns_in_validate_and_fails_plan(write: Write) -> None:
    write("a.yaml", SECRET.replace("PASSWORD", '"${env:HOOK_PASSWORD}"'))
    result = check()
    assert result.ok
    assert "environment variable HOOK_PASSWORD is not set" in str(result.warnings[0])
    with pytest.raises(InvalidConfig):
        load_config("cfg", env={})
    config = load_config("cfg", env={"HOOK_PASSWORD": "s"})
    hook = config.accounts[0].of("webhook")[0]
    assert hook.values["auth"] == {"basic": {"username": "svc", "password": "s"}}
    assert check(env={"HOOK_PASSWORD": "s"}).warnings == []


def test_a_shared_block_gives_each_account_its_own_variables(write: Write) -> None:
    write(
        "a.yaml",
        """
variables: {pacs: Main PACS}
shared:
  common:
    roles:
      - {name: Reader, permissions: {study_view: true}}
    webhooks:
      - {name: Hook, event: STUDY_SYNC, method: POST, url: "https://${var:site}.example.org/h"}
accounts:
  - {name: Prod, variables: {site: prod}, include: [common]}
  - {name: UAT, variables: {site: uat}, include: [common]}
  - {name: Lab, variables: {site: prod}, include: [common]}
""",
    )
    config = load_config("cfg", env={})
    urls = [a.of("webhook")[0].values["url"] for a in config.accounts]
    assert urls == [
        "https://prod.example.org/h",
        "https://uat.example.org/h",
        "https://prod.example.org/h",
    ]
    for account in config.accounts:
        assert account.of("role")[0].account == account.name
        assert account.of("webhook")[0].where("url").where == "cfg/a.yaml:7:60"
