"""The GitHub Action run step by step as the runner runs it, against the sandbox: what a
reviewer sees in the job summary and the pull request comment, the outputs a workflow
reads, and whether the job passes."""

from __future__ import annotations

import json
from pathlib import Path

from action_harness import ActionRunner, FakeGitHub, pull_request_event, push_event

from ambraconf.sandbox.harness import SandboxHandle

MARKER = "<!-- ambraconf:plan:config -->"
FAST = {"args": "--rate 200"}  # ambraconf's requests-per-second limit, for the sandbox


def role_names(sandbox: SandboxHandle) -> set[str]:
    roles = sandbox.ok("/role/list", account_id=sandbox.account_id)["roles"]
    return {role["name"] for role in roles}


def test_plan_on_a_pull_request_then_apply_on_merge_then_plan_again_updates_one_comment(
    run_action: ActionRunner,
    github_api: FakeGitHub,
    ambra_env: dict[str, str],
    sandbox: SandboxHandle,
) -> None:
    # a busy pull request: the action's comment will be on the second page of comments
    for i in range(100):
        github_api.add_comment(7, f"review remark {i}")

    planned = run_action(
        {**FAST, "command": "plan", "path": "config", "comment": "true"}, env=ambra_env
    )

    assert not planned.failed, planned.log  # changes do not fail a plan job
    assert planned.outputs["exitcode"] == "2"
    assert planned.outputs["has-changes"] == "true"
    assert "## ambraconf plan" in planned.summary
    assert "**Plan: 4 to create, 0 to update, 0 to delete.**" in planned.summary
    assert planned.report().strip() == planned.summary.strip()
    saved = json.loads(Path(planned.outputs["plan"]).read_text())
    assert saved["format_version"] == 1 and saved["config_path_given"] == "config"
    assert Path(saved["config_path"]).is_absolute()
    [comment] = github_api.marked(7)
    assert comment.body.startswith(MARKER + "\n## ambraconf plan")
    assert "4 to create" in comment.body
    assert "for commit 5e1f0c2" in comment.body  # the pull request's head
    assert "Radiologist" not in role_names(sandbox)  # a plan changes nothing

    applied = run_action(
        {**FAST, "command": "apply", "path": "config", "saved-plan": planned.outputs["plan"]},
        env=ambra_env,
        event=push_event(),
        event_name="push",
    )

    assert not applied.failed, applied.log
    assert applied.outputs["exitcode"] == "0"
    assert applied.outputs["has-changes"] == "true"
    assert applied.outputs["plan"] == planned.outputs["plan"]
    assert "**Apply complete: 4 created, 0 updated, 0 deleted.**" in applied.summary
    assert "Applied the plan reviewed on the pull request" in applied.summary
    assert "Radiologist" in role_names(sandbox)

    replanned = run_action(
        {**FAST, "command": "plan", "path": "config", "comment": "true"}, env=ambra_env
    )

    assert not replanned.failed, replanned.log
    assert replanned.outputs["exitcode"] == "0"
    assert replanned.outputs["has-changes"] == "false"
    assert "**No changes.**" in replanned.summary
    [updated] = github_api.marked(7)
    assert updated.id == comment.id
    assert "**No changes.**" in updated.body and "to create" not in updated.body
    assert [method for method, _ in github_api.writes()] == ["POST", "PATCH"]
    patched = github_api.writes()[1][1]
    assert patched == f"/repos/northshore/ambra-config/issues/comments/{comment.id}"
    assert len(github_api.comments[7]) == 101
    assert "Updated the comment on pull request #7" in replanned.log


def test_a_stale_reviewed_plan_is_refused_or_replanned(
    run_action: ActionRunner, ambra_env: dict[str, str], sandbox: SandboxHandle
) -> None:
    planned = run_action({**FAST, "command": "plan", "path": "config"}, env=ambra_env)
    assert planned.outputs["exitcode"] == "2"
    # main moves on before the merge: another change to the same config
    accounts = run_action.workspace / "config" / "accounts.yaml"
    accounts.write_text(
        accounts.read_text().replace(
            "    groups:\n",
            "      - name: Technologist\n        description: Runs the scanners\n    groups:\n",
        )
    )
    inputs = {**FAST, "command": "apply", "path": "config", "saved-plan": planned.outputs["plan"]}

    refused = run_action({**inputs, "on-stale-plan": "fail"}, env=ambra_env, event=push_event())

    assert refused.failed
    assert refused.outputs["exitcode"] == "1"
    assert "The reviewed plan is out of date, so nothing was applied" in refused.summary
    assert "the config changed since the plan was saved: accounts.yaml (changed)" in refused.summary
    assert "5 to create" in refused.summary  # what applying now would do
    assert any("nothing was applied" in line for line in refused.annotations())
    assert not {"Radiologist", "Technologist"} & role_names(sandbox)

    replanned = run_action(inputs, env=ambra_env, event=push_event())

    assert not replanned.failed, replanned.log
    assert replanned.outputs["exitcode"] == "0"
    assert replanned.outputs["plan"] != planned.outputs["plan"]
    assert "The plan reviewed on the pull request was out of date" in replanned.summary
    assert "**Apply complete: 5 created, 0 updated, 0 deleted.**" in replanned.summary
    assert replanned.annotations("warning")
    assert {"Radiologist", "Technologist"} <= role_names(sandbox)


def test_apply_without_a_reviewed_plan_plans_and_applies_this_commit(
    run_action: ActionRunner, ambra_env: dict[str, str], sandbox: SandboxHandle
) -> None:
    applied = run_action(
        {**FAST, "command": "apply", "path": "config", "saved-plan": "/nowhere/plan.json"},
        env=ambra_env,
        event=push_event(),
    )

    assert not applied.failed, applied.log
    assert "No reviewed plan at `/nowhere/plan.json`" in applied.summary
    assert "**Apply complete: 4 created, 0 updated, 0 deleted.**" in applied.summary
    assert Path(applied.outputs["plan"]).is_file()
    # the log reads as a terminal: the text plan, then the apply's progress as it goes
    assert "Plan: 4 to create, 0 to update, 0 to delete." in applied.log
    assert applied.log.index("Plan: 4 to create") < applied.log.index("Level 1/")

    again = run_action(
        {**FAST, "command": "apply", "path": "config"}, env=ambra_env, event=push_event()
    )

    assert not again.failed, again.log
    assert again.outputs["has-changes"] == "false"
    assert "**Nothing to apply.**" in again.summary


def test_missing_secrets_fail_the_job_with_a_clear_message(
    run_action: ActionRunner, github_api: FakeGitHub, sandbox: SandboxHandle
) -> None:
    result = run_action(
        {**FAST, "command": "plan", "path": "config", "comment": "true"},
        env={"AMBRA_URL": "", "AMBRA_LOGIN": "", "AMBRA_PASSWORD": ""},  # unset secrets
        event=pull_request_event(fork=True),
    )

    assert result.failed
    assert result.outputs["exitcode"] == "1"
    assert "**Missing secrets: AMBRA_URL, AMBRA_LOGIN, AMBRA_PASSWORD.**" in result.summary
    assert "AMBRA_PASSWORD: ${{ secrets.AMBRA_PASSWORD }}" in result.summary
    assert "comes from a fork" in result.summary
    assert any("missing secrets: AMBRA_URL" in a for a in result.annotations())
    assert "ambraconf failed: missing secrets" in result.log
    [comment] = github_api.marked(7)
    assert "Missing secrets" in comment.body  # the reviewer sees why there is no plan
    assert sandbox.stats()["requests"] == 0


def test_a_failed_login_fails_the_job_and_never_shows_the_password(
    run_action: ActionRunner, ambra_env: dict[str, str], sandbox: SandboxHandle
) -> None:
    wrong = "Wr0ng-Pa55word-for-the-log-check"
    result = run_action(
        {**FAST, "command": "plan", "path": "config", "comment": "true"},
        env={**ambra_env, "AMBRA_PASSWORD": wrong},
    )

    assert result.failed
    assert result.outputs["exitcode"] == "1"
    assert result.outputs["plan"] == ""
    assert "## ambraconf plan failed" in result.summary
    assert f"cannot log in to {sandbox.url} as {sandbox.admin_login}" in result.summary
    assert "check AMBRA_LOGIN and AMBRA_PASSWORD" in result.summary
    assert "nothing was changed in Ambra" in result.summary
    [annotation] = result.annotations()
    assert "cannot log in" in annotation
    # the password reaches the runner once, to be masked; no output or report holds it
    assert [line for line in result.log.splitlines() if wrong in line] == [f"::add-mask::{wrong}"]
    assert wrong not in result.summary and wrong not in json.dumps(result.outputs)


def test_an_invalid_config_fails_with_file_line_and_column_before_any_api_call(
    run_action: ActionRunner, ambra_env: dict[str, str], sandbox: SandboxHandle
) -> None:
    accounts = run_action.workspace / "config" / "accounts.yaml"
    accounts.write_text(accounts.read_text().replace("permissions:", "permisions:"))

    result = run_action({**FAST, "command": "plan", "path": "config"}, env=ambra_env)

    assert result.failed
    assert result.outputs["exitcode"] == "1"
    assert "## ambraconf plan: invalid configuration" in result.summary
    assert "`config/accounts.yaml:15:9`" in result.summary
    assert "unknown key 'permisions' (did you mean 'permissions'?)" in result.summary
    annotation = next(a for a in result.annotations() if "file=" in a)
    assert annotation.startswith("::error file=config/accounts.yaml,line=15,col=9,")
    assert sandbox.stats()["requests"] == 0


def test_validate_needs_no_secrets(run_action: ActionRunner) -> None:
    result = run_action(
        {"command": "validate", "path": "config"},
        env={"EHR_TOKEN": "x"},
        event=push_event(),
    )

    assert not result.failed, result.log
    assert result.outputs["exitcode"] == "0"
    assert result.outputs["has-changes"] == "false"
    assert "**`config` is valid**: 1 file, 1 account(s), 0 warnings." in result.summary
    assert "| Sandbox Hospital | 1 customfield, 1 role, 1 group, 1 webhook |" in result.summary


def test_bad_inputs_are_reported(run_action: ActionRunner) -> None:
    result = run_action({"command": "destroy", "path": "config"}, event=push_event())

    assert result.failed
    assert "input command must be one of validate, plan, apply, drift" in result.summary
    assert result.annotations()

    nowhere = run_action({"command": "plan", "path": "confg"}, event=push_event())

    assert nowhere.failed
    assert "confg: no such file or directory" in nowhere.summary
    assert any("confg: no such file or directory" in a for a in nowhere.annotations())


def test_comment_outside_a_pull_request_and_a_refused_comment_do_not_fail_the_job(
    run_action: ActionRunner, github_api: FakeGitHub, ambra_env: dict[str, str]
) -> None:
    on_push = run_action(
        {"command": "validate", "path": "config", "comment": "true"},
        env=ambra_env,
        event=push_event(),
        event_name="push",
    )

    assert not on_push.failed, on_push.log
    assert "no pull request to comment on" in on_push.log
    assert github_api.requests == []

    github_api.refuse_with = 403  # e.g. a read-only token
    refused = run_action(
        {**FAST, "command": "plan", "path": "config", "comment": "true"}, env=ambra_env
    )

    assert not refused.failed, refused.log
    assert refused.outputs["exitcode"] == "2"
    assert "could not comment on pull request #7" in refused.summary
    assert "403: Resource not accessible by integration" in refused.summary
    assert refused.annotations("warning")


def test_drift_fails_the_job_unless_told_otherwise(
    run_action: ActionRunner, ambra_env: dict[str, str], sandbox: SandboxHandle
) -> None:
    run_action.apply_config(ambra_env)
    clean = run_action({**FAST, "command": "drift", "path": "config"}, env=ambra_env)
    assert not clean.failed, clean.log
    assert clean.outputs["exitcode"] == "0" and clean.outputs["has-changes"] == "false"
    assert clean.outputs["plan"] == ""

    # someone changes production by hand
    roles = sandbox.ok("/role/list", account_id=sandbox.account_id)["roles"]
    [radiologist] = [r for r in roles if r["name"] == "Radiologist"]
    sandbox.ok("/role/set", uuid=radiologist["uuid"], description="Changed by hand")

    drifted = run_action({**FAST, "command": "drift", "path": "config"}, env=ambra_env)

    assert drifted.failed
    assert drifted.outputs["exitcode"] == "2"
    assert drifted.outputs["has-changes"] == "true"
    assert "Radiologist" in drifted.summary
    assert any("drifted" in a for a in drifted.annotations())

    reported = run_action(
        {**FAST, "command": "drift", "path": "config", "fail-on-drift": "false"}, env=ambra_env
    )

    assert not reported.failed, reported.log
    assert reported.outputs["exitcode"] == "2"
    assert reported.annotations("warning")


def test_one_comment_per_command_path_and_accounts(
    run_action: ActionRunner, github_api: FakeGitHub
) -> None:
    validate = {"command": "validate", "path": "config", "comment": "true"}
    one_account = {**validate, "account": "Sandbox Hospital"}
    for inputs in (validate, one_account, one_account, validate):
        result = run_action(inputs, env={"EHR_TOKEN": "x"})
        assert not result.failed, result.log

    markers = sorted(c.body.splitlines()[0] for c in github_api.marked(7))
    assert markers == [
        "<!-- ambraconf:validate:config -->",
        "<!-- ambraconf:validate:config:Sandbox Hospital -->",
    ]
    assert [method for method, _ in github_api.writes()] == ["POST", "POST", "PATCH", "PATCH"]


def test_a_dangerous_change_fails_apply_until_the_allow_dangerous_input_names_its_class(
    run_action: ActionRunner, ambra_env: dict[str, str], sandbox: SandboxHandle
) -> None:
    apply = {**FAST, "command": "apply", "path": "config"}
    assert not run_action(apply, env=ambra_env, event=push_event()).failed
    config = run_action.workspace / "config" / "accounts.yaml"
    config.write_text(
        config.read_text().replace(
            "          study_download: true\n",
            "          study_download: true\n          study_share_email: true\n",
        )
    )

    refused = run_action(apply, env=ambra_env, event=push_event())

    assert refused.failed
    assert refused.summary.index(":warning: Dangerous changes (1)") < refused.summary.index(
        "| Account |"
    )
    assert "refusing dangerous changes no one acknowledged" in refused.summary
    assert "--allow-dangerous phi-sharing" in refused.summary

    wrong = run_action({**apply, "allow-dangerous": "phi"}, env=ambra_env, event=push_event())
    assert wrong.failed
    assert "input allow-dangerous: 'phi' is not a class of dangerous change" in wrong.summary

    allowed = run_action(
        {**apply, "allow-dangerous": "phi-sharing"}, env=ambra_env, event=push_event()
    )
    assert not allowed.failed, allowed.log
    assert "**Apply complete: 0 created, 1 updated, 0 deleted.**" in allowed.summary


def test_a_plan_that_breaks_a_policy_fails_with_an_annotation_at_the_object(
    run_action: ActionRunner, ambra_env: dict[str, str], sandbox: SandboxHandle
) -> None:
    apply = {**FAST, "command": "apply", "path": "config"}
    assert not run_action(apply, env=ambra_env, event=push_event()).failed
    folder = run_action.workspace / "config"
    (folder / "policies.yaml").write_text(
        "policies:\n  - {name: roles are frozen, kind: roles, forbid_ops: [update]}\n"
    )
    config = folder / "accounts.yaml"
    config.write_text(
        config.read_text().replace(
            "          study_download: true\n",
            "          study_download: true\n          study_delete: true\n",
        )
    )

    refused = run_action(apply, env=ambra_env, event=push_event())

    assert refused.failed
    assert ":no_entry: Policy violations (1)" in refused.summary
    annotation = next(a for a in refused.annotations() if "policy violation" in a)
    assert annotation.startswith("::error file=config/accounts.yaml,line=13,col=9,")
    assert "roles are frozen" in annotation
    roles = sandbox.ok("/role/list", account_id=sandbox.account_id)["roles"]
    permissions = next(r for r in roles if r["name"] == "Radiologist")["permissions"]
    granted = json.loads(permissions) if isinstance(permissions, str) else permissions
    assert granted["study_delete"] in (0, "0", False)  # nothing was applied
