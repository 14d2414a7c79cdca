"""action.yml and the example workflows pass actionlint (and shellcheck on their scripts),
and the action's metadata declares what the README and the workflows rely on."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "github"
WORKFLOWS = sorted(EXAMPLES.glob("*.yml"))
USES = re.compile(r"uses: ambraconf/ambraconf@\S+")


def tool(name: str) -> str | None:
    """A linter from the test extras: on PATH, or beside this Python."""
    beside = Path(sys.executable).parent / name
    return shutil.which(name) or (str(beside) if beside.is_file() else None)


ACTIONLINT = tool("actionlint")
SHELLCHECK = tool("shellcheck")
needs_actionlint = pytest.mark.skipif(
    ACTIONLINT is None, reason="actionlint is not installed (pip install -e '.[test]')"
)


def actionlint(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    assert ACTIONLINT is not None
    return subprocess.run(
        [ACTIONLINT, "-no-color", f"-shellcheck={SHELLCHECK or ''}", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def repository_using_the_local_action(tmp_path: Path) -> Path:
    """A repository holding this action.yml and the example workflows with ``uses: ./``, so
    that actionlint reads the action's metadata and checks every ``with:`` and output the
    workflows use against it."""
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / ".github" / "workflows").mkdir(parents=True)
    shutil.copy(ROOT / "action.yml", repo / "action.yml")
    for workflow in WORKFLOWS:
        text = workflow.read_text(encoding="utf-8")
        assert USES.search(text), f"{workflow.name} does not use the action"
        (repo / ".github" / "workflows" / workflow.name).write_text(USES.sub("uses: ./", text))
    return repo


def test_there_are_four_example_workflows() -> None:
    assert [w.name for w in WORKFLOWS] == [
        "ambraconf-apply.yml",
        "ambraconf-drift.yml",
        "ambraconf-plan-sharded.yml",
        "ambraconf-plan.yml",
    ]


@needs_actionlint
def test_actionlint_passes_on_the_example_workflows() -> None:
    done = actionlint(*(str(w) for w in WORKFLOWS), cwd=EXAMPLES)
    assert done.returncode == 0, done.stdout + done.stderr


@needs_actionlint
def test_actionlint_passes_on_action_yml_as_the_workflows_use_it(tmp_path: Path) -> None:
    done = actionlint(cwd=repository_using_the_local_action(tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr


@needs_actionlint
def test_actionlint_would_catch_a_mistake(tmp_path: Path) -> None:
    repo = repository_using_the_local_action(tmp_path)
    plan = repo / ".github" / "workflows" / "ambraconf-plan.yml"
    plan.write_text(plan.read_text().replace("comment: true", "coment: true"))

    done = actionlint(cwd=repo)

    assert done.returncode == 1
    assert 'input "coment" is not defined in action "ambraconf"' in done.stdout


@pytest.mark.skipif(SHELLCHECK is None, reason="shellcheck is not installed")
def test_the_action_scripts_pass_shellcheck(tmp_path: Path) -> None:
    """actionlint does not look into a composite action's scripts; shellcheck does."""
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    for index, step in enumerate(action["runs"]["steps"]):
        if "run" not in step:
            continue
        script = tmp_path / f"step-{index}.sh"
        script.write_text(step["run"])
        done = subprocess.run(
            [str(SHELLCHECK), "--shell=bash", str(script)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, f"{step.get('name')}:\n{done.stdout}"


def test_action_metadata_has_the_inputs_and_outputs_workflows_rely_on() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    inputs, outputs = action["inputs"], action["outputs"]
    for name in ("command", "path", "account", "args", "python-version", "comment"):
        assert name in inputs and inputs[name].get("description"), name
    assert set(outputs) == {"exitcode", "has-changes", "report", "plan", "result"}
    assert inputs["comment"]["default"] == "false"
    assert inputs["fail-on-drift"]["default"] == "true"
    # credentials come only from the environment
    assert not [n for n in inputs if re.search("password|login|sid|url", n, re.IGNORECASE)]
    assert action["runs"]["using"] == "composite"


def test_the_action_installs_itself_and_keeps_expressions_out_of_scripts() -> None:
    steps = yaml.safe_load((ROOT / "action.yml").read_text())["runs"]["steps"]
    [setup] = [s for s in steps if "uses" in s]
    assert setup["uses"].startswith("actions/setup-python@")
    assert setup["with"]["python-version"] == "${{ inputs.python-version }}"
    [install] = [s for s in steps if s.get("id") == "install"]
    assert install["env"]["ACTION_PATH"] == "${{ github.action_path }}"
    assert "pip install" in install["run"] and '"$ACTION_PATH"' in install["run"]
    for step in steps:
        if "run" in step:
            assert step["shell"] == "bash"
            # inputs reach scripts through env:, never pasted into the script's text, so
            # nothing in a pull request can become shell code
            assert "${{" not in step["run"], step["name"]
