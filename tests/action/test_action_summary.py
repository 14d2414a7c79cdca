"""A sharded plan as a matrix workflow runs it: each shard's job saves its result (the
output the example uploads as an artifact), and the summary job gathers them into one pull
request comment, updated in place on the next run, that fails the job while a shard failed
or saved nothing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from action_harness import ActionRunner, FakeGitHub

from ambraconf.sandbox.harness import SandboxHandle

FAST = {"args": "--rate 200"}
MARKER = "<!-- ambraconf:summary:config -->"


def saved(outputs: dict[str, str]) -> dict[str, Any]:
    return json.loads(Path(outputs["result"]).read_text())


def download(runs: list[dict[str, str]], into: Path) -> str:
    """What actions/download-artifact with merge-multiple leaves: every result in one folder."""
    into.mkdir(parents=True)
    for outputs in runs:
        shutil.copy(outputs["result"], into)
    return str(into)


def test_one_summary_comment_gathers_every_shard_and_is_updated_in_place(
    run_action: ActionRunner, github_api: FakeGitHub, ambra_env: dict[str, str]
) -> None:
    config = run_action.workspace / "config"
    # a second account, which this sandbox does not have: its shard's plan fails
    (config / "elsewhere.yaml").write_text("accounts:\n  - name: Elsewhere Clinic\n")
    plan = {**FAST, "command": "plan", "path": "config"}

    first = run_action({**plan, "shard": "1/2"}, env=ambra_env)
    second = run_action({**plan, "shard": "2/2"}, env=ambra_env)

    assert not first.failed and second.failed
    assert Path(first.outputs["result"]).name == "ambraconf-shard-1-of-2.json"
    saved = json.loads(Path(first.outputs["result"]).read_text())
    assert saved["accounts"] == ["Sandbox Hospital"] and saved["split"] == ["1/2", "2/2"]
    assert saved["counts"]["create"] == 4 and saved["status"] == "changes"
    assert github_api.marked(7) == []  # the shard jobs post no comment of their own

    both = download([first.outputs, second.outputs], run_action.tmp / "results-1")
    summary = {"command": "summary", "path": "config", "shards": both, "comment": "true"}
    gathered = run_action(summary)

    assert gathered.failed  # a shard failed: the summary job says so
    assert gathered.outputs["exitcode"] == "1"
    assert "## ambraconf plan: 2 shards of `config`" in gathered.summary
    assert "| 1/2 | 1 | 4 | 0 | 0 | changes |" in gathered.summary
    assert "| 2/2 | 1 | — | — | — | :x: failed:" in gathered.summary
    assert "Elsewhere Clinic" in gathered.summary
    assert "<summary>Shard 1/2: Sandbox Hospital (changes)</summary>" in gathered.summary
    assert any("not every shard reported: 2/2 failed" in a for a in gathered.annotations())
    [comment] = github_api.marked(7)
    assert comment.body.startswith(MARKER + "\n## ambraconf plan: 2 shards")

    # the next push: shard 2's job is cancelled before it saves anything
    only_one = download([first.outputs], run_action.tmp / "results-2")
    missing = run_action({**summary, "shards": only_one})

    assert missing.failed
    assert "shard 2/2 is missing" in missing.summary
    assert "| 2/2 | — | — | — | — | :warning: missing" in missing.summary
    [updated] = github_api.marked(7)
    assert updated.id == comment.id and "is missing" in updated.body

    # the account goes away again: one shard, planned, and the summary passes
    (config / "elsewhere.yaml").unlink()
    alone = run_action({**plan, "shard": "1/1"}, env=ambra_env)
    done = run_action({**summary, "shards": download([alone.outputs], run_action.tmp / "r-3")})

    assert not done.failed, done.log
    assert done.outputs["exitcode"] == "2" and done.outputs["has-changes"] == "true"
    assert "**Plan: 4 to create, 0 to update, 0 to delete in 1 shard (1 account).**" in done.summary
    [last] = github_api.marked(7)
    assert last.id == comment.id
    assert [method for method, _ in github_api.writes()] == ["POST", "PATCH", "PATCH"]


def test_a_summary_without_results_fails_clearly(run_action: ActionRunner) -> None:
    empty = run_action.tmp / "empty"
    empty.mkdir()
    (empty / "plan.json").write_text('{"format_version": 1}')

    foreign = run_action({"command": "summary", "path": "config", "shards": str(empty)})

    assert foreign.failed
    assert "## ambraconf summary failed" in foreign.summary
    assert "plan.json: not an ambraconf shard result" in foreign.summary

    no_dir = run_action({"command": "summary", "path": "config"})
    assert no_dir.failed
    assert "input shards is empty" in no_dir.summary


def test_a_shard_in_args_is_the_shard_input_and_an_empty_shard_has_nothing_to_do(
    run_action: ActionRunner, github_api: FakeGitHub, ambra_env: dict[str, str]
) -> None:
    # one account in a matrix written by hand for two shards: shard 2/2 holds none
    plan = {"command": "plan", "path": "config"}
    by_input = run_action({**plan, **FAST, "shard": "1/2"}, env=ambra_env)
    by_args = run_action(
        {**plan, "args": "--rate 200 --shard 1/2", "comment": "true"}, env=ambra_env
    )

    assert not by_input.failed and not by_args.failed, by_args.log
    assert Path(by_args.outputs["result"]).name == "ambraconf-shard-1-of-2.json"
    assert {**saved(by_args.outputs), "report": ""} == {**saved(by_input.outputs), "report": ""}
    assert saved(by_args.outputs)["counts"]["create"] == 4
    [comment] = github_api.marked(7)  # the shard's own comment, as with the shard input
    assert comment.body.startswith("<!-- ambraconf:plan:config:shard 1/2 -->\n")

    same = run_action({**plan, "shard": "1/2", "args": "--rate 200 --shard 1/2"}, env=ambra_env)
    assert not same.failed, same.log  # one shard said twice is one shard
    both = run_action({**plan, "shard": "1/2", "args": "--shard 2/2"}, env=ambra_env)
    assert both.failed and both.outputs["result"] == ""
    assert "input shard is 1/2 but input args say --shard 2/2: give the shard one way" in (
        both.summary
    )

    empty = run_action({**plan, "args": "--rate 200 --shard 2/2"}, env=ambra_env)

    assert not empty.failed, empty.log
    assert empty.outputs["exitcode"] == "0" and empty.outputs["has-changes"] == "false"
    assert empty.outputs["plan"] == ""
    assert "**Shard 2/2 holds no accounts of this config: nothing to do.**" in empty.summary
    nothing = saved(empty.outputs)
    assert nothing["accounts"] == [] and nothing["split"] == ["1/2"]
    assert nothing["status"] == "no_changes" and set(nothing["counts"].values()) == {0}

    unconnected = run_action({**plan, "shard": "2/2"}, env={})
    assert not unconnected.failed, unconnected.log  # it connects to nothing: no secrets needed
    assert "nothing to do" in unconnected.summary

    results = download([by_input.outputs, empty.outputs], run_action.tmp / "results")
    gathered = run_action({"command": "summary", "path": "config", "shards": results})

    assert not gathered.failed, gathered.log  # the empty shard is neither missing nor failed
    assert gathered.outputs["exitcode"] == "2"
    assert "**Plan: 4 to create, 0 to update, 0 to delete in 2 shards (1 account).**" in (
        gathered.summary
    )
    assert "| 2/2 | 0 | 0 | 0 | 0 | nothing to do |" in gathered.summary


def test_a_drift_matrix_summary_counts_what_drifted(
    run_action: ActionRunner, ambra_env: dict[str, str], sandbox: SandboxHandle
) -> None:
    run_action.apply_config(ambra_env)
    roles = sandbox.ok("/role/list", account_id=sandbox.account_id)["roles"]
    [radiologist] = [r for r in roles if r["name"] == "Radiologist"]
    sandbox.ok("/role/set", uuid=radiologist["uuid"], description="Changed by hand")
    drift = {**FAST, "command": "drift", "path": "config", "fail-on-drift": "false"}

    first = run_action({**drift, "shard": "1/2"}, env=ambra_env)
    second = run_action({**drift, "shard": "2/2"}, env=ambra_env)

    assert first.outputs["exitcode"] == "2" and second.outputs["exitcode"] == "0"
    assert saved(first.outputs)["counts"] == {"differs": 1, "missing": 0, "not_in_git": 0}
    assert saved(first.outputs)["status"] == "changes"

    results = download([first.outputs, second.outputs], run_action.tmp / "results")
    gathered = run_action({"command": "summary", "path": "config", "shards": results})

    assert not gathered.failed, gathered.log
    assert "## ambraconf drift: 2 shards of `config`" in gathered.summary
    assert (
        "**Drift: 1 object drifted (1 differs, 0 missing live) in 2 shards (1 account).**"
        in gathered.summary
    )
    assert "| Shard | Accounts | Differs | Missing live | Result |" in gathered.summary
    assert "| 1/2 | 1 | 1 | 0 | drift |" in gathered.summary
    assert "| 2/2 | 0 | 0 | 0 | nothing to do |" in gathered.summary
    assert "| **Total** | **1** | **1** | **0** | |" in gathered.summary
