"""`ambraconf apply` against the sandbox: converge, change, rename, prune, fail safely."""

from __future__ import annotations

import json
from pathlib import Path

from ambraconf.sandbox.harness import SandboxHandle


def names(sandbox: SandboxHandle, endpoint: str, key: str) -> list[str]:
    return sorted(o["name"] for o in sandbox.ok(endpoint, account_id=sandbox.account_id)[key])


def edit(config: Path, old: str, new: str) -> None:
    text = config.read_text()
    assert old in text
    config.write_text(text.replace(old, new))


def assert_converged(ambraconf, clinic: Path) -> None:
    run = ambraconf("plan", str(clinic), "--detailed-exitcode")
    assert run.code == 0, run.out + run.err
    assert "No changes." in run.out


def test_apply_to_an_empty_account_then_plan_is_empty(ambraconf, with_pacs, clinic: Path):
    run = ambraconf("apply", str(clinic), "--auto-approve")
    assert run.code == 0, run.out + run.err
    assert "Apply complete: 5 created, 0 updated, 0 deleted." in run.out
    assert_converged(ambraconf, clinic)
    # live state equals the files, checked through the API, not through ambraconf
    account = with_pacs.account_id
    route = with_pacs.ok("/route/list", account_id=account)["routes"][0]
    webhook = with_pacs.ok("/webhook/list", account_id=account)["webhooks"][0]
    group = with_pacs.ok("/group/list", account_id=account)["groups"][0]
    assert route["namespace_id"] == group["namespace_id"]
    assert {"webhook": webhook["uuid"]} in [
        {k: v for k, v in a.items() if k == "webhook"} for a in route["actions"]
    ]
    assert group["role_name"] == "Radiologist"


def test_without_a_terminal_apply_asks_for_auto_approve(ambraconf, with_pacs, clinic: Path):
    run = ambraconf("apply", str(clinic))
    assert run.code == 1
    assert "--auto-approve" in run.err
    assert names(with_pacs, "/role/list", "roles") == ["Admin", "Anonymous", "PHR", "User"]


def test_changes_to_the_yaml_apply_and_converge(ambraconf, with_pacs, clinic: Path):
    config = clinic / "clinic.yaml"
    assert ambraconf("apply", str(clinic), "--auto-approve").code == 0
    # add a role, edit a route, rename a group
    edit(
        config,
        "    groups:\n",
        "      - name: Technologist\n        permissions: {study_upload: true}\n    groups:\n",
    )
    edit(config, "        on_share: true\n", "        on_share: true\n        suspended: true\n")
    edit(
        config,
        "      - name: Cardiology\n",
        "      - name: Cardiac Imaging\n        renamed_from: Cardiology\n",
    )
    edit(config, "        group: Cardiology\n", "        group: Cardiac Imaging\n")
    run = ambraconf("apply", str(clinic), "--auto-approve")
    assert run.code == 0, run.out + run.err
    assert "Apply complete: 1 created, 2 updated, 0 deleted." in run.out
    assert_converged(ambraconf, clinic)
    assert names(with_pacs, "/group/list", "groups") == ["Cardiac Imaging"]
    assert "Technologist" in names(with_pacs, "/role/list", "roles")
    assert with_pacs.ok("/route/list", account_id=with_pacs.account_id)["routes"][0][
        "suspended"
    ] in (1, "1")


def test_removed_webhook_is_kept_without_prune_and_deleted_with_it(
    ambraconf, with_pacs, clinic: Path
):
    config = clinic / "clinic.yaml"
    assert ambraconf("apply", str(clinic), "--auto-approve").code == 0
    text = config.read_text()
    start, end = text.index("    webhooks:\n"), text.index("    routes:\n")
    config.write_text(text[:start] + text[end:])
    edit(config, "          - webhook: Notify EHR\n", "")
    run = ambraconf("apply", str(clinic), "--auto-approve")
    assert run.code == 0, run.out + run.err
    assert "0 deleted" in run.out
    assert names(with_pacs, "/webhook/list", "webhooks") == ["Notify EHR"]
    edit(
        config,
        "  - name: Sandbox Hospital\n",
        "  - name: Sandbox Hospital\n    prune: {webhooks: true}\n",
    )
    run = ambraconf("apply", str(clinic), "--auto-approve")
    assert run.code == 0, run.out + run.err
    assert "0 updated, 1 deleted" in run.out
    assert names(with_pacs, "/webhook/list", "webhooks") == []
    assert_converged(ambraconf, clinic)


def test_a_failure_skips_what_depends_on_it_and_nothing_else(ambraconf, with_pacs, clinic: Path):
    with_pacs.ok("/location/add", account_id=with_pacs.account_id, name="Taken", share_code="CARD")
    edit(
        clinic / "clinic.yaml",
        "        role: Radiologist\n",
        "        role: Radiologist\n        share_code: CARD\n",
    )
    run = ambraconf("apply", str(clinic), "--auto-approve", "--format", "json")
    assert run.code == 1
    outcomes = {o["address"]: o for o in json.loads(run.out)["outcomes"]}
    group = outcomes["Sandbox Hospital/group/Cardiology"]
    assert (group["status"], group["error_type"]) == ("failed", "DUP_SHARE_CODE")
    assert outcomes["Sandbox Hospital/route/Cardiology/STAT to PACS"]["status"] == "skipped"
    assert outcomes["Sandbox Hospital/webhook/Notify EHR"]["status"] == "done"
    assert outcomes["Sandbox Hospital/role/Radiologist"]["status"] == "done"


def test_saved_plan_is_refused_after_an_out_of_band_change(
    ambraconf, with_pacs, clinic: Path, tmp_path: Path
):
    assert ambraconf("apply", str(clinic), "--auto-approve").code == 0
    edit(clinic / "clinic.yaml", "        on_share: true\n", "        on_share: false\n")
    saved = tmp_path / "plan.json"
    assert ambraconf("plan", str(clinic), "--out", str(saved)).code == 0
    route = with_pacs.ok("/route/list", account_id=with_pacs.account_id)["routes"][0]
    with_pacs.ok("/route/set", uuid=route["uuid"], suspended=1)
    run = ambraconf("apply", str(saved))
    assert run.code == 1
    assert "Sandbox Hospital/route/Cardiology/STAT to PACS" in run.err
    assert "out of date" in run.err

    as_json = ambraconf("apply", str(saved), "--format", "json")
    assert as_json.code == 1
    error = json.loads(as_json.out)["error"]
    assert error["code"] == "stale_plan"
    assert "Sandbox Hospital/route/Cardiology/STAT to PACS" in error["message"]
    assert error["hint"] == "run plan again, review it, and apply the new plan"
    assert "out of date" in as_json.err  # the message for people stays where it was


def test_saved_plan_applies_when_nothing_moved(ambraconf, with_pacs, clinic: Path, tmp_path: Path):
    saved = tmp_path / "plan.json"
    assert ambraconf("plan", str(clinic), "--out", str(saved)).code == 0
    run = ambraconf("apply", str(saved))
    assert run.code == 0, run.out + run.err
    assert "Apply complete: 5 created" in run.out


def test_a_permission_removed_from_the_config_is_noted_not_promised(
    ambraconf, with_pacs, clinic: Path
):
    config = clinic / "clinic.yaml"
    assert ambraconf("apply", str(clinic), "--auto-approve").code == 0
    edit(config, "          study_download: true\n", "")
    run = ambraconf("plan", str(clinic), "--detailed-exitcode")
    assert run.code == 0, run.out  # nothing apply could do about it
    assert "permissions.study_download was removed from the config" in run.out
    assert (
        "keeps its live value (true); set it explicitly to change it" in run.out
    )  # as YAML writes it
