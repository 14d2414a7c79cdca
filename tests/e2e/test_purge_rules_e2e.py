"""Purge rules end to end: apply, plan, drift, export and a replace against the sandbox;
namespaces named as groups, locations and ACCOUNT; what validate refuses offline."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from e2e_helpers import applied, no_changes

from ambraconf.sandbox.harness import SandboxHandle

ACCOUNT = "Sandbox Hospital"
OLD_CT = {
    "name": "Old CT",
    "days_old": 365,
    "days_old_how": "C",
    "namespaces": [{"group": "Radiology"}, "ACCOUNT"],
    "modalities": ["CT"],
    "adults": True,
    "archive": True,
    "max_deletes": 100,
    "study_status_tags": ["Read"],
    "suspended": True,
}
DELETION = ("--allow-dangerous", "study-deletion")
"""A new or widened purge rule deletes studies, a dangerous change: these applies say yes."""
HL7 = {"name": "Old messages", "object": "Hl7", "days_old": 30, "days_old_how": "U"}


def config(folder: Path, rules: list[dict[str, Any]], head: str = "") -> Path:
    """A config of the seeded account: a Radiology group and ``rules``."""
    folder.mkdir(exist_ok=True)
    account: dict[str, Any] = {
        "name": ACCOUNT,
        **yaml.safe_load(head or "{}"),
        "groups": [{"name": "Radiology"}],
        "purge_rules": rules,
    }
    (folder / "account.yaml").write_text(yaml.safe_dump({"accounts": [account]}, sort_keys=False))
    return folder


def rules(sandbox: SandboxHandle) -> dict[str, dict[str, Any]]:
    """The account's purge rules as the API returns them, by name."""
    items = sandbox.ok("/purge/list", account_id=sandbox.account_id)["purges"]
    return {r["name"]: r for r in items}


def test_apply_creates_rules_naming_namespaces_then_plans_nothing(ambraconf, sandbox, tmp_path):
    folder = config(tmp_path / "cfg", [OLD_CT, HL7])
    assert "Apply complete: 3 created, 0 updated, 0 deleted." in applied(
        ambraconf, folder, *DELETION
    )
    live = rules(sandbox)
    account = sandbox.ok("/account/get", uuid=sandbox.account_id)
    assert live["Old CT"]["namespaces_names"] == ["Radiology", account["name"]]
    assert live["Old CT"]["namespaces"][1] == account["namespace_id"]
    assert {k: live["Old CT"][k] for k in ("archive", "suspended", "study_status_tags")} == {
        "archive": 1,
        "suspended": 1,
        "study_status_tags": "Read",
    }
    assert (live["Old messages"]["object"], live["Old messages"]["days_old"]) == ("Hl7", 30)
    no_changes(ambraconf, folder)


def test_a_change_by_hand_is_drift_naming_the_field(ambraconf, sandbox, tmp_path):
    folder = config(tmp_path / "cfg", [OLD_CT])
    applied(ambraconf, folder, *DELETION)
    sandbox.ok("/purge/set", uuid=rules(sandbox)["Old CT"]["uuid"], days_old=30, suspended=0)
    run = ambraconf("drift", str(folder), "--format", "json")
    assert run.code == 2, run.err
    [account] = json.loads(run.out)["accounts"]
    [drifted] = account["objects"]
    assert drifted["address"] == f"{ACCOUNT}/purge_rule/Old CT"
    assert sorted((d["field"], d["git"], d["live"]) for d in drifted["differences"]) == [
        ("days_old", 365, 30),
        ("suspended", True, False),
    ]


def test_export_plans_as_no_changes(ambraconf, sandbox, tmp_path):
    seeded = {**OLD_CT, "namespaces": ["Radiology"], "study_status_tags": "Read"}
    seeded.update({k: int(v) for k, v in seeded.items() if isinstance(v, bool)})
    sandbox.seed(
        {
            "accounts": [
                {"name": ACCOUNT, "groups": [{"name": "Radiology"}], "purges": [seeded, HL7]}
            ]
        }
    )
    out = tmp_path / "exported"
    run = ambraconf("export", "--account", ACCOUNT, "--out", str(out))
    assert run.code == 0, run.err
    exported = yaml.safe_load((out / "purge_rules.yaml").read_text())["accounts"][0]
    assert exported["purge_rules"] == [{**OLD_CT, "namespaces": [{"group": "Radiology"}]}, HL7]
    no_changes(ambraconf, out)


def test_changing_object_replaces_the_rule(ambraconf, sandbox, tmp_path):
    applied(ambraconf, config(tmp_path / "study", [{**HL7, "object": "Study"}]), *DELETION)
    before = rules(sandbox)["Old messages"]["uuid"]
    folder = config(tmp_path / "hl7", [HL7])
    plan = ambraconf("plan", str(folder), "--format", "json")
    assert plan.code == 0, plan.err
    changed = [a for a in json.loads(plan.out)["actions"] if a["op"] != "noop"]
    assert [(a["kind"], a["name"], a["op"]) for a in changed] == [
        ("purge_rule", "Old messages", "replace")
    ]
    assert "Apply complete: 0 created, 0 updated, 1 replaced, 0 deleted." in applied(
        ambraconf, folder, *DELETION
    )
    after = rules(sandbox)["Old messages"]
    assert (after["object"], after["uuid"] != before) == ("Hl7", True)
    no_changes(ambraconf, folder)


def test_validate_refuses_what_the_api_would_refuse_where_it_is_written(ambraconf, tmp_path):
    head = "settings: {study_status_tags: 'New,Read'}"
    thin_and_archive = {"name": "Both", "days_old": 9, "days_old_how": "S", "thin": True}
    bad = [
        {**thin_and_archive, "archive": True},
        {**HL7, "modalities": ["CT"]},
        {**OLD_CT, "name": "Tagged", "study_status_tags": ["Red"]},
        {**HL7, "name": "Everywhere", "global": True},
        {**HL7, "name": "Today", "days_old": 0},
    ]
    folder = config(tmp_path / "cfg", bad, head)
    run = ambraconf("validate", str(folder))
    assert run.code == 1
    text = run.out + run.err
    where = folder / "account.yaml"
    lines = where.read_text().splitlines()

    def line_of(needle: str, after: int = 0) -> int:
        return next(i for i, line in enumerate(lines) if i >= after and needle in line) + 1

    archive = line_of("archive: true")
    assert f"{where}:{archive}:" in text
    assert "only one of thin, archive, skinny may be set (ONLY_ONE_FLAG)" in text
    assert f"{where}:{line_of('- CT', line_of('Old messages'))}:" in text
    assert "'modalities' does not apply to an Hl7 rule" in text
    assert f"{where}:{line_of('- Red')}:" in text
    assert "study status tag 'Red' of purge rule 'Tagged' is not in the study_status_tags" in text
    assert "did you mean 'Read'" in text
    assert f"{where}:{line_of('global: true')}:" in text
    assert "unknown key 'global'" in text
    assert f"{where}:{line_of('days_old: 0')}:" in text
    assert "days_old: must be greater than zero (GT_ZERO)" in text
    assert "Traceback" not in text


def purge_runs(sandbox: SandboxHandle) -> int:
    """How many /purge/run calls the sandbox has answered since its stats were reset."""
    return sandbox.stats()["by_endpoint"].get("/purge/run", 0)


def test_plan_offers_a_preview_and_sends_no_dry_run_unasked(ambraconf, sandbox, tmp_path):
    applied(ambraconf, config(tmp_path / "suspended", [OLD_CT]), *DELETION)
    folder = config(tmp_path / "live", [{**OLD_CT, "suspended": False}, HL7])
    sandbox.reset_stats()
    text = ambraconf("plan", str(folder))
    assert text.code == 0, text.err
    offer = "preview (dry run): not asked for: plan --preview queues a dry run"
    assert text.out.count(offer) == 2
    markdown = ambraconf("plan", str(folder), "--format", "markdown")
    assert "> **preview (dry run):** not asked for: plan --preview" in markdown.out
    assert purge_runs(sandbox) == 0


def test_plan_preview_dry_runs_changed_saved_rules_only(ambraconf, sandbox, tmp_path):
    applied(ambraconf, config(tmp_path / "suspended", [OLD_CT]), *DELETION)
    before = rules(sandbox)
    folder = config(tmp_path / "live", [{**OLD_CT, "suspended": False}, HL7])
    sandbox.reset_stats()
    run = ambraconf("plan", str(folder), "--preview", "--format", "json")
    assert run.code == 0, run.err
    previews = {
        a["name"]: (a["op"], a["preview"])
        for a in json.loads(run.out)["actions"]
        if a["kind"] == "purge_rule"
    }
    assert previews["Old CT"][0] == "update"
    assert previews["Old CT"][1].startswith("dry run queued of the rule as saved in Ambra")
    assert "the API returns no count" in previews["Old CT"][1]
    assert previews["Old messages"][0] == "create"
    assert previews["Old messages"][1].startswith("none: /purge/run runs only saved rules")
    # one dry run, of the one saved rule; nothing changed or deleted
    assert purge_runs(sandbox) == 1
    assert rules(sandbox) == before
    assert "Old messages" not in rules(sandbox)


def test_a_refused_dry_run_is_said_on_the_preview(ambraconf, sandbox, tmp_path, monkeypatch):
    applied(ambraconf, config(tmp_path / "suspended", [OLD_CT]), *DELETION)
    roles = sandbox.ok("/role/list", account_id=sandbox.account_id)["roles"]
    user_role = next(r["uuid"] for r in roles if r["name"] == "User")
    sandbox.ok(
        "/role/set",
        uuid=user_role,
        permissions={"group_view": 1, "purge_view": 1, "purge_edit": 0},
    )
    monkeypatch.setenv("AMBRA_LOGIN", sandbox.user_login)
    monkeypatch.setenv("AMBRA_PASSWORD", sandbox.user_password)
    folder = config(tmp_path / "live", [{**OLD_CT, "days_old": 400}])
    run = ambraconf("plan", str(folder), "--preview")
    assert run.code == 0, run.out + run.err
    assert "preview (dry run): the dry run was refused: /purge/run failed: NOT_PERMITTED" in (
        run.out
    )


def test_a_new_purge_rule_is_refused_unless_acknowledged(ambraconf, sandbox, tmp_path) -> None:
    folder = config(tmp_path / "cfg", [OLD_CT])
    plan = ambraconf("plan", str(folder)).out
    assert plan.startswith("Dangerous changes (1), refused by apply until acknowledged:")
    assert '! purge_rule "Old CT": a purge rule deletes the studies it matches' in plan
    refused = ambraconf("apply", str(folder), "--auto-approve", "--force")
    assert refused.code == 1
    assert "--allow-dangerous study-deletion" in refused.err
    assert rules(sandbox) == {}

    config(
        tmp_path / "cfg",
        [OLD_CT],
        head="dangerous_ok: {purge_rules: {Old CT: 'CHG-88: CT older than a year, reviewed'}}",
    )
    assert "acknowledged: CHG-88" in ambraconf("plan", str(folder)).out
    applied(ambraconf, folder)
    assert "Old CT" in rules(sandbox)


def test_widening_a_live_purge_rule_is_dangerous_narrowing_it_is_not(
    ambraconf, sandbox, tmp_path
) -> None:
    folder = config(tmp_path / "cfg", [OLD_CT])
    applied(ambraconf, folder, *DELETION)
    config(tmp_path / "cfg", [{**OLD_CT, "days_old": 400, "max_deletes": 50}])
    assert "Dangerous" not in ambraconf("plan", str(folder)).out
    config(tmp_path / "cfg", [{**OLD_CT, "suspended": False}])
    run = ambraconf("apply", str(folder), "--auto-approve")
    assert run.code == 1
    assert "(study-deletion: suspended)" in run.err
