"""Custom code end to end: code from a file of the repository, deployed to namespaces by
name; a change to deployed code undeploys, sets and deploys again (and a second apply
finishes one interrupted in between); shared code from another account left alone; export
writes the code to a file next to the YAML."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from e2e_helpers import applied, no_changes

from ambraconf import library
from ambraconf.api.client import AmbraClient
from ambraconf.engine.apply import Stop
from ambraconf.sandbox.harness import SandboxHandle

ACCOUNT = "Sandbox Hospital"
CHECK = "def validate(study):\n    return study.get('modality') == 'CT'\n"
CHECK_V2 = "def validate(study):\n    return study.get('modality') in ('CT', 'MR')\n"

DEPLOYING = ("--allow-dangerous", "custom-code")
"""Deploying code is a dangerous change: these applies acknowledge it (refused: below)."""


def config(folder: Path, codes: list[dict[str, Any]], files: dict[str, str] | None = None) -> Path:
    """The seeded account with group Cardiology and ``codes``; ``files`` written beside."""
    folder.mkdir(exist_ok=True)
    for name, text in (files or {}).items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    account = {"name": ACCOUNT, "groups": [{"name": "Cardiology"}], "customcodes": codes}
    (folder / "account.yaml").write_text(yaml.safe_dump({"accounts": [account]}, sort_keys=False))
    return folder


def codes(sandbox: SandboxHandle) -> dict[str, dict[str, Any]]:
    items = sandbox.ok("/customcode/list", account_id=sandbox.account_id)["customcodes"]
    return {c["name"]: c for c in items}


def deployed_to(sandbox: SandboxHandle, name: str) -> list[str]:
    return sorted(d["namespace_name"] for d in codes(sandbox)[name]["deployments"])


CT_CHECK = {
    "name": "CT check",
    "code_file": "validators/ct_check.py",
    "settings": {"threshold": 3},
    "deploy_to": ["ACCOUNT", {"group": "Cardiology"}],
}


def test_code_from_a_file_is_created_deployed_and_then_plans_nothing(ambraconf, sandbox, tmp_path):
    folder = config(tmp_path / "cfg", [CT_CHECK], {"validators/ct_check.py": CHECK})
    plan = ambraconf("plan", str(folder))
    assert plan.code == 0, plan.err
    # a digest, not the code itself
    assert "return study" not in plan.out and "sha256 " in plan.out
    assert "Apply complete: 2 created, 0 updated, 0 deleted." in applied(
        ambraconf, folder, *DEPLOYING
    )
    live = codes(sandbox)["CT check"]
    assert (live["code"], live["settings"]) == (CHECK, {"threshold": 3})
    assert (live["type"], live["language"]) == ("AI_CUSTOM_VALIDATION_CODE", "PYTHON")
    assert deployed_to(sandbox, "CT check") == ["Cardiology", ACCOUNT]
    no_changes(ambraconf, folder)


def test_a_code_file_that_is_missing_or_given_with_code_is_a_validate_error(ambraconf, tmp_path):
    folder = config(tmp_path / "cfg", [CT_CHECK])
    run = ambraconf("validate", str(folder))
    assert run.code == 1
    text = run.out + run.err
    assert "code_file: cannot read 'validators/ct_check.py': no such file" in text
    line = next(
        n
        for n, t in enumerate((folder / "account.yaml").read_text().splitlines(), 1)
        if "code_file" in t
    )
    assert f"account.yaml:{line}:" in text
    files = {"validators/ct_check.py": CHECK}
    both = config(tmp_path / "both", [{**CT_CHECK, "code": CHECK}], files)
    run = ambraconf("validate", str(both))
    assert run.code == 1
    assert "give code_file or code, not both" in run.out + run.err
    neither = config(tmp_path / "neither", [{"name": "Empty"}])
    run = ambraconf("validate", str(neither))
    assert run.code == 1
    assert "needs its code: code_file:" in run.out + run.err


def test_a_code_edit_by_hand_is_drift_and_apply_undeploys_sets_and_redeploys(
    ambraconf, sandbox, tmp_path
):
    folder = config(tmp_path / "cfg", [CT_CHECK], {"validators/ct_check.py": CHECK})
    applied(ambraconf, folder, *DEPLOYING)
    uuid = codes(sandbox)["CT check"]["uuid"]
    for deployment in codes(sandbox)["CT check"]["deployments"]:
        sandbox.ok("/customcode/undeploy", deployment_id=deployment["uuid"])
    sandbox.ok("/customcode/set", uuid=uuid, code=CHECK_V2)
    sandbox.ok("/customcode/deploy", uuid=uuid, namespace_id=_own_namespace(sandbox))

    run = ambraconf("drift", str(folder), "--format", "json")
    assert run.code == 2, run.err
    [account] = json.loads(run.out)["accounts"]
    [drifted] = [o for o in account["objects"] if o["address"] == f"{ACCOUNT}/customcode/CT check"]
    fields = {d["field"]: d for d in drifted["differences"]}
    assert set(fields) == {"code", "deploy_to"}
    # the code by digest, and the lines that differ
    assert fields["code"]["live"].startswith("sha256 ")
    assert "+    return study.get('modality') == 'CT'" in fields["code"]["git"]
    assert fields["deploy_to"]["live"] == ["ACCOUNT"]

    plan = ambraconf("plan", str(folder))
    assert "deployments pause" in plan.out
    assert "-    return study.get('modality') in ('CT', 'MR')" in plan.out
    assert "+    return study.get('modality') == 'CT'" in plan.out
    applied(ambraconf, folder, *DEPLOYING)
    assert codes(sandbox)["CT check"]["code"] == CHECK
    assert deployed_to(sandbox, "CT check") == ["Cardiology", ACCOUNT]
    no_changes(ambraconf, folder)


def test_a_change_to_deployed_code_without_deploy_to_keeps_its_deployments(
    ambraconf, sandbox, tmp_path
):
    unmanaged = {"name": "CT check", "code_file": "ct_check.py"}
    folder = config(tmp_path / "cfg", [unmanaged], {"ct_check.py": CHECK})
    applied(ambraconf, folder, *DEPLOYING)
    uuid = codes(sandbox)["CT check"]["uuid"]
    sandbox.ok("/customcode/deploy", uuid=uuid, namespace_id=_own_namespace(sandbox))
    (folder / "ct_check.py").write_text(CHECK_V2)
    applied(ambraconf, folder, *DEPLOYING)
    assert codes(sandbox)["CT check"]["code"] == CHECK_V2
    assert deployed_to(sandbox, "CT check") == [ACCOUNT]
    no_changes(ambraconf, folder)


def test_an_apply_interrupted_between_undeploy_and_redeploy_converges_on_the_next(
    ambraconf, sandbox, tmp_path, monkeypatch: pytest.MonkeyPatch
):
    folder = config(tmp_path / "cfg", [CT_CHECK], {"validators/ct_check.py": CHECK})
    applied(ambraconf, folder, *DEPLOYING)
    (folder / "validators/ct_check.py").write_text(CHECK_V2)
    stop = Stop()
    sent = AmbraClient.bundle

    def stop_after_undeploy(self: AmbraClient, calls: Any, **options: Any) -> Any:
        replies = sent(self, calls, **options)
        if any(path == "/customcode/undeploy" for path, _ in calls):
            stop.request()  # Ctrl-C while the undeploys were in flight
        return replies

    monkeypatch.setattr(AmbraClient, "bundle", stop_after_undeploy)
    monkeypatch.setenv("AMBRA_URL", sandbox.url)
    monkeypatch.setenv("AMBRA_LOGIN", sandbox.admin_login)
    monkeypatch.setenv("AMBRA_PASSWORD", sandbox.admin_password)
    monkeypatch.delenv("AMBRA_SID", raising=False)
    run = library.apply(folder, stop=stop, allow_dangerous=("custom-code",))
    assert run.result is not None and run.result.interrupted
    [outcome] = [o for o in run.result.outcomes if o.action.kind == "customcode"]
    assert outcome.status == "failed"
    assert "interrupted before its set call" in (outcome.error or "")
    assert codes(sandbox)["CT check"]["code"] == CHECK  # undeployed, not yet changed
    assert deployed_to(sandbox, "CT check") == []
    monkeypatch.setattr(AmbraClient, "bundle", sent)

    applied(ambraconf, folder, *DEPLOYING)
    assert codes(sandbox)["CT check"]["code"] == CHECK_V2
    assert deployed_to(sandbox, "CT check") == ["Cardiology", ACCOUNT]
    no_changes(ambraconf, folder)


def test_a_change_of_deployments_alone_does_not_pause_them(ambraconf, sandbox, tmp_path):
    inline = {"name": "Inline", "code": CHECK, "deploy_to": ["ACCOUNT", {"group": "Cardiology"}]}
    folder = config(tmp_path / "cfg", [inline])
    applied(ambraconf, folder, *DEPLOYING)
    kept = next(
        d["uuid"] for d in codes(sandbox)["Inline"]["deployments"] if d["namespace_name"] == ACCOUNT
    )
    config(tmp_path / "cfg", [{**inline, "deploy_to": ["ACCOUNT"]}])
    plan = ambraconf("plan", str(folder))
    assert "deploy_to" in plan.out and "deployments pause" not in plan.out
    applied(ambraconf, folder, *DEPLOYING)
    [deployment] = codes(sandbox)["Inline"]["deployments"]
    assert (deployment["uuid"], deployment["namespace_name"]) == (kept, ACCOUNT)
    no_changes(ambraconf, folder)


def test_shared_code_from_another_account_is_neither_managed_nor_pruned(
    ambraconf, sandbox, tmp_path
):
    old = {"name": "Old", "type": "AI_CUSTOM_VALIDATION_CODE", "language": "PYTHON"}
    sandbox.seed(
        {
            "accounts": [
                {"name": ACCOUNT, "customcodes": [old | {"code": CHECK, "deployed_to": [ACCOUNT]}]},
                {
                    "name": "Vendor",
                    "customcodes": [
                        {"name": "Vendor check", "type": "AI_CUSTOM_VALIDATION_CODE"}
                        | {"language": "PYTHON", "code": CHECK, "shared_with": [ACCOUNT]}
                    ],
                },
            ]
        }
    )
    folder = config(tmp_path / "cfg", [{"name": "Ours", "code": CHECK}])
    document = yaml.safe_load((folder / "account.yaml").read_text())
    document["accounts"][0]["prune"] = {"customcodes": True}
    (folder / "account.yaml").write_text(yaml.safe_dump(document))
    run = ambraconf("plan", str(folder), "--format", "json")
    assert run.code == 0, run.err
    ops = {(a["kind"], a["name"]): a["op"] for a in json.loads(run.out)["actions"]}
    assert ops[("customcode", "Ours")] == "create"
    assert ops[("customcode", "Old")] == "delete"  # deployed: undeployed first
    assert ("customcode", "Vendor check") not in ops
    assert "deployments pause" in ambraconf("plan", str(folder)).out
    applied(ambraconf, folder, *DEPLOYING)
    assert set(codes(sandbox)) == {"Ours", "Vendor check"}
    no_changes(ambraconf, folder)


def test_export_writes_the_code_to_a_file_and_plans_no_changes(ambraconf, sandbox, tmp_path):
    folder = config(tmp_path / "cfg", [CT_CHECK], {"validators/ct_check.py": CHECK})
    applied(ambraconf, folder, *DEPLOYING)
    out = tmp_path / "exported"
    run = ambraconf("export", "--account", ACCOUNT, "--out", str(out))
    assert run.code == 0, run.err
    document = yaml.safe_load((out / "customcodes.yaml").read_text())
    [code] = document["accounts"][0]["customcodes"]
    assert code == {
        "name": "CT check",
        "code_file": "customcodes/CT_check.py",
        "settings": {"threshold": 3},
        "deploy_to": ["ACCOUNT", {"group": "Cardiology"}],
    }
    assert (out / "customcodes/CT_check.py").read_text() == CHECK
    no_changes(ambraconf, out)


def _own_namespace(sandbox: SandboxHandle) -> str:
    return sandbox.ok("/account/get", uuid=sandbox.account_id)["namespace_id"]


def test_new_code_is_refused_until_acknowledged(ambraconf, sandbox, tmp_path: Path) -> None:
    folder = config(tmp_path / "cfg", [CT_CHECK], {"validators/ct_check.py": CHECK})
    run = ambraconf("apply", str(folder), "--auto-approve")
    assert run.code == 1
    assert "deploys code that runs on every study of its namespaces (custom-code)" in run.err
    assert not codes(sandbox)
