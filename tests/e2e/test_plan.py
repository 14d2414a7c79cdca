"""`ambraconf plan` against the sandbox: creates, no-ops and exact field diffs."""

from __future__ import annotations

import json
from pathlib import Path

from ambraconf.sandbox.harness import SandboxHandle


def create_out_of_band(sandbox: SandboxHandle) -> dict[str, str]:
    """The clinic's objects made with raw API calls, as an administrator would by hand."""
    account = sandbox.account_id
    priority = sandbox.ok(
        "/customfield/add",
        account_id=account,
        name="Priority",
        object="Study",
        type="select",
        options={"values": ["STAT", "Routine"]},
    )["uuid"]
    role = sandbox.ok(
        "/role/add",
        account_id=account,
        name="Radiologist",
        permissions={
            "study_view": 1,
            "study_download": 1,
            f"study_field_customfield_{priority}": "R",
        },
    )["uuid"]
    sandbox.ok("/role/set", uuid=role, description="Reads studies")
    group = sandbox.ok("/group/add", account_id=account, name="Cardiology", role_id=role)
    webhook = sandbox.ok(
        "/webhook/add",
        account_id=account,
        name="Notify EHR",
        event="ROUTE_RULE",
        url="https://ehr.example/hook",
        method="POST_JSON",
        parameters={"accession": "study.accession_number"},
    )["uuid"]
    pacs = next(
        d["uuid"]
        for d in sandbox.ok("/destination/list", account_id=account)["destinations"]
        if d["name"] == "PACS"
    )
    route = sandbox.ok(
        "/route/add",
        namespace_id=group["namespace_id"],
        name="STAT to PACS",
        on_share=1,
        on_harvest=0,
        conditions=[
            {"lv": f"customfield-{priority}", "op": "equals", "rv": "STAT"},
            {"lv": "modality", "op": "in", "rv": json.dumps(["CT", "MR"])},
        ],
        actions=[{"destination": pacs}, {"webhook": webhook}],
    )["uuid"]
    return {"route": route}


def test_plan_of_an_empty_account_creates_every_object(ambraconf, with_pacs, clinic: Path):
    run = ambraconf("plan", str(clinic))
    assert run.code == 0, run.err
    for line in (
        '+ customfield "Study/Priority"',
        '+ role "Radiologist"',
        '+ group "Cardiology"',
        '+ webhook "Notify EHR"',
        '+ route "Cardiology/STAT to PACS"',
    ):
        assert line in run.out
    assert "Plan: 5 to create, 0 to update, 0 to delete." in run.out


def test_objects_made_by_hand_with_equal_values_plan_as_no_changes(
    ambraconf, with_pacs, clinic: Path
):
    create_out_of_band(with_pacs)
    run = ambraconf("plan", str(clinic), "--detailed-exitcode")
    assert run.code == 0, run.out + run.err
    assert "No changes. Live state matches the configuration." in run.out


def test_one_field_changed_by_hand_is_exactly_the_plan(ambraconf, with_pacs, clinic: Path):
    uuids = create_out_of_band(with_pacs)
    with_pacs.ok("/route/set", uuid=uuids["route"], on_share=0)
    run = ambraconf("plan", str(clinic), "--detailed-exitcode", "--format", "json")
    assert run.code == 2
    plan = json.loads(run.out)
    changed = [a for a in plan["actions"] if a["op"] != "noop"]
    assert [(a["kind"], a["name"], a["op"]) for a in changed] == [
        ("route", "Cardiology/STAT to PACS", "update")
    ]
    assert changed[0]["uuid"] == uuids["route"]
    assert [(c["path"], c["before"], c["after"]) for c in changed[0]["changes"]] == [
        ("on_share", False, True)
    ]
    assert plan["format_version"] == 1
    assert plan["fingerprints"]


def test_markdown_plan_for_a_pull_request(ambraconf, with_pacs, clinic: Path):
    run = ambraconf("plan", str(clinic), "--format", "markdown")
    assert run.code == 0
    assert "| Sandbox Hospital | 5 | 0 | 0 | 0 |" in run.out
    assert "<details><summary>Create route <code>Cardiology/STAT to PACS</code>" in run.out


def test_verbose_counts_requests_and_they_do_not_grow_with_objects(
    ambraconf, with_pacs, clinic: Path
):
    small = ambraconf("plan", str(clinic), "--verbose")
    for n in range(300):
        with_pacs.ok("/role/add", account_id=with_pacs.account_id, name=f"Extra {n}")
    large = ambraconf("plan", str(clinic), "--verbose")
    count = [line for line in small.err.splitlines() if line.startswith("HTTP requests:")]
    count_large = [line for line in large.err.splitlines() if line.startswith("HTTP requests:")]
    assert count and count == count_large
    # login, the account list, one bundle of lists with the apply records in it, logout
    assert count[0].startswith("HTTP requests: 4 ")


def test_detailed_exitcode_is_2_with_changes_and_1_on_error(ambraconf, with_pacs, clinic: Path):
    assert ambraconf("plan", str(clinic), "--detailed-exitcode").code == 2
    assert ambraconf("plan", str(clinic / "missing"), "--detailed-exitcode").code == 1


def with_webhook_password(clinic: Path) -> None:
    """The clinic's webhook authenticates with a password read from $EHR_PASSWORD."""
    config = clinic / "clinic.yaml"
    config.write_text(
        config.read_text().replace(
            "        parameters:\n",
            "        auth:\n          basic: {username: svc, password: '${env:EHR_PASSWORD}'}\n"
            "        parameters:\n",
        )
    )


def test_saved_plan_is_written_without_secrets(
    ambraconf, with_pacs, clinic: Path, tmp_path: Path, monkeypatch
):
    monkeypatch.setenv("EHR_PASSWORD", "hunter2")
    with_webhook_password(clinic)
    out = tmp_path / "plan.json"
    run = ambraconf("plan", str(clinic), "--out", str(out))
    assert run.code == 0, run.err
    assert "hunter2" not in out.read_text() and "hunter2" not in run.out
    assert json.loads(out.read_text())["summary"]["create"] == 5


def test_a_secret_rotated_after_review_makes_the_saved_plan_stale(
    ambraconf, with_pacs, clinic: Path, tmp_path: Path, monkeypatch
):
    monkeypatch.setenv("EHR_PASSWORD", "hunter2")
    with_webhook_password(clinic)
    out = tmp_path / "plan.json"
    assert ambraconf("plan", str(clinic), "--out", str(out)).code == 0
    assert "hunter2" not in out.read_text()

    monkeypatch.setenv("EHR_PASSWORD", "correct-horse")
    run = ambraconf("apply", str(out))
    assert run.code == 1
    assert "a secret it sends is not the one reviewed: Sandbox Hospital/webhook/Notify EHR" in (
        run.err
    )
    monkeypatch.setenv("EHR_PASSWORD", "hunter2")
    run = ambraconf("apply", str(out))
    assert run.code == 0, run.out + run.err
