"""Run the GitHub Action (action.yml) the way the runner does, against the sandbox.

``ActionRunner(tmp, github)(inputs, env=..., event=...)`` reads action.yml, and for each step:

- skips ``actions/setup-python`` and the pip install step (ambraconf is installed already;
  a ``python`` on PATH stands for setup-python's);
- expands ``${{ ... }}`` in ``env:`` as GitHub does (inputs with their defaults,
  ``github.action_path``, ``github.token``, ``steps.<id>.outputs.<name>``), and refuses any
  expression it does not know, or any inside a script;
- writes the script to a file and runs ``bash --noprofile --norc -eo pipefail FILE`` (what
  ``shell: bash`` means) with its own ``GITHUB_OUTPUT`` and ``GITHUB_STEP_SUMMARY`` files,
  ``GITHUB_EVENT_PATH`` at the event JSON, and ``GITHUB_API_URL`` at a local stand-in for
  the GitHub REST API;
- stops at the first step that fails, as a composite action does.

The action's outputs are then expanded from ``outputs.<name>.value``.

``FakeGitHub`` is that stand-in: issue comments of pull requests (list with pages, create,
update), a record of the requests, and a way to make it refuse.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

ROOT = Path(__file__).resolve().parents[2]
CONFIG = Path(__file__).parent / "config"
TOKEN = "ghs_test-token-for-the-stand-in"
REPO = "northshore/ambra-config"
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


# --- the GitHub REST API stand-in ----------------------------------------------------------


@dataclass
class Comment:
    id: int
    body: str
    user: str

    def to_json(self, number: int) -> dict[str, Any]:
        return {
            "id": self.id,
            "body": self.body,
            "user": {"login": self.user, "type": "Bot" if "[bot]" in self.user else "User"},
            "html_url": f"https://github.test/{REPO}/pull/{number}#issuecomment-{self.id}",
        }


@dataclass
class FakeGitHub:
    url: str = ""
    comments: dict[int, list[Comment]] = field(default_factory=dict)
    requests: list[tuple[str, str]] = field(default_factory=list)
    refuse_with: int | None = None  # answer every request with this status
    ids: Iterator[int] = field(default_factory=lambda: itertools.count(1000))

    def add_comment(self, number: int, body: str, user: str = "reviewer") -> Comment:
        comment = Comment(next(self.ids), body, user)
        self.comments.setdefault(number, []).append(comment)
        return comment

    def marked(self, number: int, marker: str = "<!-- ambraconf:") -> list[Comment]:
        return [c for c in self.comments.get(number, []) if c.body.startswith(marker)]

    def writes(self) -> list[tuple[str, str]]:
        return [r for r in self.requests if r[0] in ("POST", "PATCH")]

    # the WSGI app

    urls = Map(
        [
            Rule("/repos/<owner>/<repo>/issues/<int:number>/comments", endpoint="comments"),
            Rule("/repos/<owner>/<repo>/issues/comments/<int:comment_id>", endpoint="comment"),
        ]
    )

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        return self.handle(Request(environ))(environ, start_response)

    def handle(self, request: Request) -> Response:
        self.requests.append((request.method, request.full_path.rstrip("?")))
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return self.reply({"message": "Bad credentials"}, 401)
        if self.refuse_with:
            return self.reply({"message": "Resource not accessible by integration"}, 403)
        adapter = self.urls.bind_to_environ(request.environ)
        try:
            endpoint, args = adapter.match()
        except Exception:  # noqa: BLE001 - anything unknown is a 404, as on GitHub
            return self.reply({"message": "Not Found"}, 404)
        if f"{args['owner']}/{args['repo']}" != REPO:
            return self.reply({"message": "Not Found"}, 404)
        if endpoint == "comments" and request.method == "GET":
            per_page = int(request.args.get("per_page", 30))
            page = int(request.args.get("page", 1))
            everything = self.comments.get(args["number"], [])
            chunk = everything[(page - 1) * per_page : page * per_page]
            return self.reply([c.to_json(args["number"]) for c in chunk])
        if endpoint == "comments" and request.method == "POST":
            body = request.get_json()["body"]
            comment = self.add_comment(args["number"], body, "github-actions[bot]")
            return self.reply(comment.to_json(args["number"]), 201)
        if endpoint == "comment" and request.method == "PATCH":
            for number, comments in self.comments.items():
                for comment in comments:
                    if comment.id == args["comment_id"]:
                        comment.body = request.get_json()["body"]
                        return self.reply(comment.to_json(number))
            return self.reply({"message": "Not Found"}, 404)
        return self.reply({"message": "Not Found"}, 404)

    @staticmethod
    def reply(document: Any, status: int = 200) -> Response:
        return Response(json.dumps(document), status, content_type="application/json")


# --- the runner ----------------------------------------------------------------------------


@dataclass
class StepRun:
    name: str
    code: int
    stdout: str
    stderr: str


@dataclass
class ActionRun:
    steps: list[StepRun]
    outputs: dict[str, str]
    summary: str

    @property
    def failed(self) -> bool:
        return any(step.code != 0 for step in self.steps)

    @property
    def log(self) -> str:
        return "".join(step.stdout + step.stderr for step in self.steps)

    def report(self) -> str:
        return Path(self.outputs["report"]).read_text(encoding="utf-8")

    def annotations(self, level: str = "error") -> list[str]:
        return [line for line in self.log.splitlines() if line.startswith(f"::{level}")]


def pull_request_event(number: int = 7, *, fork: bool = False) -> dict[str, Any]:
    head_repo = "someone/ambra-config" if fork else REPO
    return {
        "action": "synchronize",
        "number": number,
        "pull_request": {
            "number": number,
            "head": {"sha": "5e1f0c2a9b7d", "repo": {"full_name": head_repo}},
            "base": {"sha": "77aa00bb11cc", "repo": {"full_name": REPO}},
        },
        "repository": {"full_name": REPO},
    }


def push_event() -> dict[str, Any]:
    return {"ref": "refs/heads/main", "after": "9c8b7a6f5e4d", "repository": {"full_name": REPO}}


class ActionRunner:
    """One workflow job's workspace: runs the action in it, as often as a test likes."""

    def __init__(self, tmp: Path, github: FakeGitHub) -> None:
        self.tmp = tmp
        self.github = github
        self.workspace = tmp / "workspace"
        shutil.copytree(CONFIG, self.workspace / "config")
        self.bin = tmp / "bin"
        self.bin.mkdir()
        # what setup-python puts on PATH: a script, not a symlink, since a symlink to a venv's
        # python outside the venv's bin/ is the base interpreter (no pyvenv.cfg next to it),
        # and the run would test whichever ambraconf that one has installed
        python = self.bin / "python"
        python.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} "$@"\n')
        python.chmod(0o755)
        self.runs = itertools.count(1)
        self.action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))

    def apply_config(self, env: dict[str, str]) -> None:
        """Apply the workspace's config outside the action (the live state a drift run
        starts from)."""
        subprocess.run(
            ["ambraconf", "apply", "config", "--auto-approve", "--rate", "200"],
            cwd=self.workspace,
            env={**os.environ, **env},
            capture_output=True,
            check=True,
        )

    def __call__(
        self,
        inputs: dict[str, str],
        *,
        env: dict[str, str] | None = None,
        event: dict[str, Any] | None = None,
        event_name: str = "pull_request",
    ) -> ActionRun:
        run = next(self.runs)
        home = self.tmp / f"run-{run}"
        temp = home / "runner-temp"
        temp.mkdir(parents=True)
        event_path = home / "event.json"
        event_path.write_text(json.dumps(event or pull_request_event()), encoding="utf-8")
        declared = self.action["inputs"]
        unknown = set(inputs) - set(declared)
        assert not unknown, f"inputs action.yml does not declare: {unknown}"
        values = {name: str(spec.get("default", "")) for name, spec in declared.items()}
        values.update(inputs)
        missing = [n for n, spec in declared.items() if spec.get("required") and not values[n]]
        assert not missing, f"required inputs not given: {missing}"
        outputs: dict[str, dict[str, str]] = {}

        def expand(text: str) -> str:
            def one(match: re.Match[str]) -> str:
                expression = match.group(1)
                if expression.startswith("inputs."):
                    return expand(values[expression.removeprefix("inputs.")])
                if expression == "github.action_path":
                    return str(ROOT)
                if expression == "github.token":
                    return TOKEN
                step = re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", expression)
                if step:
                    return outputs.get(step.group(1), {}).get(step.group(2), "")
                raise AssertionError(f"the test runner does not know ${{{{ {expression} }}}}")

            return EXPRESSION.sub(one, text)

        base = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("AMBRA_", "GITHUB_", "INPUT_", "RUNNER_", "ACTIONS_"))
        }
        base.update(
            PATH=f"{self.bin}{os.pathsep}{os.environ.get('PATH', '')}",
            CI="true",
            GITHUB_ACTIONS="true",
            GITHUB_WORKSPACE=str(self.workspace),
            GITHUB_EVENT_PATH=str(event_path),
            GITHUB_EVENT_NAME=event_name,
            GITHUB_API_URL=self.github.url,
            GITHUB_SERVER_URL="https://github.test",
            GITHUB_REPOSITORY=REPO,
            GITHUB_RUN_ID=str(4000 + run),
            GITHUB_SHA="9c8b7a6f5e4d3c2b1a00",
            GITHUB_ACTION_PATH=str(ROOT),
            RUNNER_TEMP=str(temp),
        )
        base.update(env or {})

        steps: list[StepRun] = []
        summaries: list[str] = []
        for index, step in enumerate(self.action["runs"]["steps"]):
            name = step.get("name") or step.get("id") or f"step {index}"
            if "uses" in step:
                assert step["uses"].startswith("actions/setup-python@"), step["uses"]
                continue
            if step.get("id") == "install":
                continue
            assert "if" not in step, f"{name}: the test runner does not evaluate if:"
            assert step.get("shell") == "bash", f"{name}: not a bash step"
            assert not EXPRESSION.search(step["run"]), f"{name}: an expression in run:"
            script = home / f"step-{index}.sh"
            script.write_text(step["run"], encoding="utf-8")
            output_file = home / f"output-{index}"
            summary_file = home / f"summary-{index}"
            output_file.touch()
            summary_file.touch()
            step_env = {
                **base,
                **{key: expand(str(value)) for key, value in (step.get("env") or {}).items()},
                "GITHUB_OUTPUT": str(output_file),
                "GITHUB_STEP_SUMMARY": str(summary_file),
            }
            done = subprocess.run(
                ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                cwd=self.workspace,
                env=step_env,
                capture_output=True,
                text=True,
                stdin=subprocess.DEVNULL,
                timeout=120,
                check=False,
            )
            steps.append(StepRun(name, done.returncode, done.stdout, done.stderr))
            summaries.append(summary_file.read_text(encoding="utf-8"))
            if step.get("id"):
                outputs[step["id"]] = read_outputs(output_file)
            if done.returncode != 0:
                break
        action_outputs = {
            name: expand(str(spec["value"])) for name, spec in self.action["outputs"].items()
        }
        return ActionRun(steps, action_outputs, "".join(summaries))


def read_outputs(path: Path) -> dict[str, str]:
    """Parse a GITHUB_OUTPUT file: ``name=value`` lines and ``name<<DELIMITER`` blocks."""
    values: dict[str, str] = {}
    lines = iter(path.read_text(encoding="utf-8").splitlines())
    for line in lines:
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            collected = []
            for inner in lines:
                if inner == delimiter:
                    break
                collected.append(inner)
            else:
                raise AssertionError(f"{path}: {name} is not closed by {delimiter}")
            values[name] = "\n".join(collected)
        elif "=" in line:
            name, value = line.split("=", 1)
            values[name] = value
    return values
