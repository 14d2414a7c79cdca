"""Namespace defaults end to end: study defaults, event defaults, the cover page, share
pricing and namespace settings, on a group and on the account's own namespace."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from e2e_helpers import config_folder

from ambraconf.sandbox.harness import SandboxHandle

ACCOUNT = "Sandbox Hospital"
CONFIG = """\
accounts:
  - name: Sandbox Hospital
    fields:
      namespace_settings:
        upload_settings: {max_files: 10}
        study_size_soft_threshold_per_user: 500
      study_defaults:
        study_description: Outside study
      event_defaults: {event_share: true}
    customfields:
      - name: Referral Priority
        object: Study
    groups:
      - name: Cardiology
        study_defaults:
          modality: US
          customfields: {Referral Priority: Routine}
        event_defaults:
          event_upload: true
          event_share: false
        coverpage:
          title: Outside study
          uploadedBy: "{$created_by_name}"
        share_pricing:
          currency: USD
          pricing: {ANY: 2500, MR: 0}
          share_charge_by_modality: true
"""


@pytest.fixture
def config(tmp_path: Path) -> Path:
    return config_folder(tmp_path / "config", CONFIG)


def applied(ambraconf, folder: Path) -> str:
    run = ambraconf("apply", str(folder), "--auto-approve")
    assert run.code == 0, run.out + run.err
    return run.out


def converged(ambraconf, folder: Path) -> None:
    run = ambraconf("plan", str(folder), "--detailed-exitcode")
    assert run.code == 0, run.out + run.err
    assert "No changes." in run.out


def namespaces(sandbox: SandboxHandle) -> tuple[str, str]:
    """(the account's own namespace, Cardiology's)."""
    own = sandbox.ok("/account/get", uuid=sandbox.account_id)["namespace_id"]
    [group] = sandbox.ok("/group/list", account_id=sandbox.account_id)["groups"]
    return own, group["namespace_id"]


def test_apply_writes_every_namespace_and_plans_nothing_after(
    ambraconf, sandbox: SandboxHandle, config: Path
):
    applied(ambraconf, config)
    own, group = namespaces(sandbox)
    [field] = sandbox.ok("/customfield/list", account_id=sandbox.account_id)["customfields"]
    defaults = sandbox.ok("/namespace/study/defaults", uuid=group)["defaults"]
    assert defaults == {"modality": "US", f"customfield-{field['uuid']}": "Routine"}
    events = sandbox.ok("/namespace/event/defaults", uuid=group)
    assert (events["event_upload"], events["event_share"]) == (1, 0)
    page = json.loads(sandbox.ok("/namespace/coverpage", uuid=group)["coverpage"])
    assert page == {"title": "Outside study", "uploadedBy": "{$created_by_name}"}
    pricing = sandbox.ok("/namespace/share/pricing", uuid=group)
    assert (pricing["currency"], pricing["pricing"]) == ("USD", {"ANY": 2500, "MR": 0})
    assert pricing["share_charge_by_modality"] == 1
    assert sandbox.ok("/namespace/study/defaults", uuid=own)["defaults"] == {
        "study_description": "Outside study"
    }
    assert sandbox.ok("/namespace/event/defaults", uuid=own)["event_share"] == 1
    settings = sandbox.ok("/namespace/settings", uuid=own)
    assert json.loads(settings["upload_settings"]) == {"max_files": 10}
    assert str(settings["study_size_soft_threshold_per_user"]) == "500"
    converged(ambraconf, config)


def test_study_defaults_are_replaced_whole_and_cleared_with_an_empty_mapping(
    ambraconf, sandbox: SandboxHandle, config: Path
):
    applied(ambraconf, config)
    path = config / "account.yaml"
    text = path.read_text()
    path.write_text(text.replace("          modality: US\n", ""))
    applied(ambraconf, config)
    _, group = namespaces(sandbox)
    assert "modality" not in sandbox.ok("/namespace/study/defaults", uuid=group)["defaults"]
    path.write_text(
        path.read_text()
        .replace(
            "        study_defaults:\n          customfields: {Referral Priority: Routine}\n",
            "        study_defaults: {}\n",
        )
        .replace(
            "        coverpage:\n          title: Outside study\n"
            '          uploadedBy: "{$created_by_name}"\n',
            "        coverpage: {}\n",
        )
    )
    applied(ambraconf, config)
    assert sandbox.ok("/namespace/study/defaults", uuid=group)["defaults"] == {}
    assert sandbox.ok("/namespace/coverpage", uuid=group)["coverpage"] is None
    converged(ambraconf, config)


def test_drift_shows_a_change_made_by_hand(ambraconf, sandbox: SandboxHandle, config: Path):
    applied(ambraconf, config)
    own, group = namespaces(sandbox)
    sandbox.ok("/namespace/event/defaults", uuid=group, event_upload=0)
    sandbox.ok("/namespace/study/defaults", uuid=own, defaults='{"study_description": "X"}')
    sandbox.ok("/namespace/share/pricing", uuid=group, pricing='{"ANY": 100}')
    run = ambraconf("drift", str(config), "--format", "json")
    assert run.code == 2, run.err
    found = {
        (o["address"], d["field"]): (d["git"], d["live"])
        for a in json.loads(run.out)["accounts"]
        for o in a["objects"]
        for d in o.get("differences", [])
    }
    assert found[(f"{ACCOUNT}/group/Cardiology", "event_defaults.event_upload")] == (True, False)
    assert found[(f"{ACCOUNT}/group/Cardiology", "share_pricing.pricing")] == (
        {"ANY": 2500, "MR": 0},
        {"ANY": 100},
    )
    assert found[(f"{ACCOUNT}/account/{ACCOUNT}", "study_defaults")] == (
        {"study_description": "Outside study"},
        {"study_description": "X"},
    )


def test_export_writes_what_is_set_and_plans_no_changes(
    ambraconf, sandbox: SandboxHandle, config: Path, tmp_path: Path
):
    applied(ambraconf, config)
    exported = tmp_path / "exported"
    run = ambraconf("export", "--account", ACCOUNT, "--out", str(exported))
    assert run.code == 0, run.err
    [account] = yaml.safe_load((exported / "account.yaml").read_text())["accounts"]
    assert account["fields"]["study_defaults"] == {"study_description": "Outside study"}
    assert account["fields"]["event_defaults"] == {"event_share": True}
    [group] = yaml.safe_load((exported / "groups.yaml").read_text())["accounts"][0]["groups"]
    assert group["study_defaults"] == {
        "customfields": {"Referral Priority": "Routine"},
        "modality": "US",
    }
    assert group["event_defaults"] == {"event_upload": True}
    assert group["coverpage"] == {"title": "Outside study", "uploadedBy": "{$created_by_name}"}
    assert group["share_pricing"] == {
        "currency": "USD",
        "pricing": {"ANY": 2500, "MR": 0},
        "share_charge_by_modality": True,
    }
    converged(ambraconf, exported)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "customfields: {Referral Priority: Routine}",
            "customfields: {Referal Priority: Routine}",
            "Referal Priority",
        ),
        ("modality: US", "modalty: US", "unknown study field 'modalty' (did you mean 'modality'?)"),
        ("event_upload: true", "event_uplod: true", "unknown event default 'event_uplod'"),
        ('"{$created_by_name}"', '"{$created_by_name"', "a '{' is never closed"),
        ("upload_settings: {max_files: 10}", "allow_phr_upload: true", "cannot be overridden"),
        ("currency: USD", "currency: EUR", "unknown currency 'EUR'"),
        ("{ANY: 2500, MR: 0}", "{ANY: 2500, MR: 20}", "a price is 0 or at least 50 cents"),
        ("{ANY: 2500, MR: 0}", "{MR: 2500}", "the table needs ANY"),
    ],
)
def test_validate_reports_the_mistake_at_its_place(
    ambraconf, config: Path, old: str, new: str, message: str
):
    path = config / "account.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))
    line = next(i for i, row in enumerate(path.read_text().splitlines(), 1) if new in row)
    run = ambraconf("validate", str(config))
    assert run.code == 1
    [error] = [row for row in run.out.splitlines() if message in row]
    assert f"account.yaml:{line}:" in error


def test_an_account_the_apply_creates_gets_its_namespace_defaults(
    ambraconf, sandbox: SandboxHandle, tmp_path: Path
):
    folder = tmp_path / "new"
    folder.mkdir()
    (folder / "a.yaml").write_text(
        "accounts:\n  - name: Lakeside Imaging\n    create: true\n    fields:\n"
        "      event_defaults: {event_new_report: true}\n"
        "      coverpage: {footer: Lakeside}\n"
    )
    applied(ambraconf, folder)
    [account] = [
        a for a in sandbox.ok("/account/list")["accounts"] if a["name"] == "Lakeside Imaging"
    ]
    own = account["namespace_id"]
    assert sandbox.ok("/namespace/event/defaults", uuid=own)["event_new_report"] == 1
    assert json.loads(sandbox.ok("/namespace/coverpage", uuid=own)["coverpage"]) == {
        "footer": "Lakeside"
    }
    converged(ambraconf, folder)
