"""The steps of the ambraconf GitHub Action (action.yml at the repository root).

    python ambraconf_action.py run       run ambraconf (or gather the shards' results, for
                                         command summary); write the job summary and outputs
    python ambraconf_action.py comment   create or update the pull request comment

Everything comes from the environment, as action.yml's ``env:`` blocks set it:

    INPUT_COMMAND, INPUT_PATH, INPUT_ACCOUNT, INPUT_SHARD, INPUT_SHARDS, INPUT_ARGS,
    INPUT_COMMENT, INPUT_SAVED_PLAN, INPUT_ON_STALE_PLAN, INPUT_ALLOW_DANGEROUS,
    INPUT_FAIL_ON_DRIFT                               the action's inputs
    AMBRA_URL, AMBRA_LOGIN, AMBRA_PASSWORD, AMBRA_SID Ambra credentials (ambraconf reads them)
    AMBRACONF_REPORT                                  (comment) the report the run step wrote
    AMBRACONF_SHARD                                   (comment) the shard the run step ran
    GITHUB_TOKEN                                      (comment) for the GitHub REST API
    GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_EVENT_PATH, GITHUB_API_URL, GITHUB_REPOSITORY,
    GITHUB_SERVER_URL, GITHUB_RUN_ID, RUNNER_TEMP     set by the runner

The run step never fails the job itself (so that the comment step still runs); it writes
the output ``failed`` and the action's last step turns that into the job's result.
It calls ambraconf's Python API (docs/python-api.md) and reads results as data: the
outcome of every action, the validation document, an error's ``code`` (a stale saved
plan is ``stale_plan``). The ``args`` input is parsed by the CLI's own options. Besides
ambraconf (installed by the step before), standard library only.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import re
import secrets
import shlex
import sys
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import click

from ambraconf import library
from ambraconf.cli.apply import apply_command
from ambraconf.cli.drift import drift_command
from ambraconf.cli.errors import describe
from ambraconf.cli.options import connection, nothing_in_shard
from ambraconf.cli.plan import plan_command
from ambraconf.config.errors import UserError
from ambraconf.engine import shard_results
from ambraconf.engine.drift import DriftReport
from ambraconf.engine.plan import Plan
from ambraconf.engine.session import ApplyRun, Connection
from ambraconf.engine.shard_results import COUNTED, ShardResult, ShardSummary
from ambraconf.engine.shards import Shard, ShardPlan
from ambraconf.kinds.danger import CHANGES
from ambraconf.reports.registry import render

COMMANDS = ("validate", "plan", "apply", "drift", "summary")
CREDENTIALS_HELP = (
    "Add them as repository (or environment) secrets under Settings → Secrets and variables → "
    "Actions, and pass them to the step that uses the action:\n\n"
    "```yaml\n"
    "env:\n"
    "  AMBRA_URL: ${{ secrets.AMBRA_URL }}\n"
    "  AMBRA_LOGIN: ${{ secrets.AMBRA_LOGIN }}\n"
    "  AMBRA_PASSWORD: ${{ secrets.AMBRA_PASSWORD }}\n"
    "```"
)
CONNECTION_OPTIONS = ("url", "login", "rate", "bundle_size", "concurrency", "timeout", "verbose")
T = TypeVar("T")
COMMENT_LIMIT = 65536  # GitHub refuses longer comment bodies
SUMMARY_LIMIT = 1024 * 1024  # and job summaries past 1 MiB per step


# --- small helpers -------------------------------------------------------------------------


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def flag(name: str, default: bool) -> bool:
    value = env(name).strip().lower()
    if value == "":
        return default
    if value in ("true", "yes", "1", "on"):
        return True
    if value in ("false", "no", "0", "off"):
        return False
    raise InputError(f"input {input_name(name)} must be true or false, not {value!r}")


def input_name(variable: str) -> str:
    return variable.removeprefix("INPUT_").lower().replace("_", "-")


def escape_data(text: str) -> str:
    """Escape a workflow command's message (GitHub's toCommandValue)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotate(level: str, message: str, **properties: Any) -> None:
    props = ",".join(
        f"{key}={escape_property(str(value))}" for key, value in properties.items() if value
    )
    print(f"::{level}{' ' + props if props else ''}::{escape_data(message)}", flush=True)


def fence(text: str, info: str = "text") -> str:
    """A fenced code block that the text cannot close early."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}{info}\n{text.rstrip()}\n{ticks}"


def echo_untrusted(text: str, group: str = "") -> None:
    """Print output that may hold text from the pull request (names in the config) without
    letting a line of it act as a workflow command (``::add-mask::``, ``::error::`` ...);
    folded in the log under ``group`` if given."""
    if not text.strip():
        return
    token = secrets.token_hex(16)
    if group:
        print(f"::group::{escape_data(group)}", flush=True)
    print(f"::stop-commands::{token}", flush=True)
    print(text.rstrip(), flush=True)
    print(f"::{token}::", flush=True)
    if group:
        print("::endgroup::", flush=True)


def write_output(name: str, value: str) -> None:
    target = env("GITHUB_OUTPUT")
    if not target:
        print(f"{name}={value}")
        return
    delimiter = f"ambraconf_{secrets.token_hex(8)}"
    with open(target, "a", encoding="utf-8") as out:
        out.write(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")


def append_summary(markdown: str) -> None:
    target = env("GITHUB_STEP_SUMMARY")
    if not target:
        return
    if len(markdown.encode()) > SUMMARY_LIMIT - 1024:
        markdown = markdown.encode()[: SUMMARY_LIMIT - 1024].decode(errors="ignore")
        markdown += "\n\n*(cut here: the report is larger than a job summary may be)*\n"
    with open(target, "a", encoding="utf-8") as out:
        out.write(markdown.rstrip() + "\n")


def shell_line(argv: list[str]) -> str:
    return "ambraconf " + " ".join(shlex.quote(a) for a in argv)


# --- calling ambraconf ---------------------------------------------------------------------


def parse_args(command: click.Command, argv: list[str]) -> dict[str, Any]:
    """The options ``argv`` gives ``command``, read by the CLI's own parser, so that the
    ``args`` input means what it means on the command line."""
    print(f"$ {shell_line([str(command.name), *argv])}", flush=True)
    try:
        with command.make_context(f"ambraconf {command.name}", list(argv)) as context:
            return dict(context.params)
    except click.ClickException as exc:
        raise InputError(f"input args: {exc.format_message()}") from None


def selected_accounts(inputs: Inputs, params: dict[str, Any]) -> list[str]:
    """The ``--account`` names of the args, or the accounts of the shard (one job of a
    matrix; a saved plan applies the accounts it was made for, so apply needs neither).
    An empty shard ended the run before (``empty_shard``); none would mean all of them."""
    if not inputs.shard:
        return list(params["account"])
    if params["account"]:
        raise InputError("--shard (or the shard input) and --account select accounts two ways")
    names = shard_of(inputs.path, inputs.shard).accounts
    if not names:
        raise InputError(f"shard {inputs.shard} holds no accounts of the config")
    return names


def empty_shard(inputs: Inputs, params: dict[str, Any]) -> Outcome | None:
    """The outcome of a shard that holds no accounts, as on the command line: nothing to
    do, exit 0, zero counts (a matrix written by hand may list more shards than there are
    accounts). None for any other run, a shard that cannot be split included: planning it
    says what is wrong."""
    if not inputs.shard or params["account"]:
        return None
    try:
        if shard_of(inputs.path, inputs.shard).accounts:
            return None
    except UserError:
        return None
    message = nothing_in_shard(inputs.shard)
    print(message, flush=True)
    return Outcome(
        exitcode=0,
        report=f"## ambraconf {inputs.command}\n\n**{message}**\n",
        counts=dict.fromkeys(COUNTED[inputs.command], 0),
    )


ARGS_READ_BY: Mapping[str, click.Command] = {
    "plan": plan_command,
    "apply": plan_command,
    "drift": drift_command,
}
"""The commands whose options the args input is for (apply's plan reads them first)."""


def chosen_shard(command: str, path: str, args: list[str]) -> str:
    """The shard of this run: the shard input, or a ``--shard`` in args, one fact either
    way (its result and comment are the shard's). Two different shards are refused, since
    which would win is unclear. Args that do not parse give no shard here: running the
    command says what is wrong with them."""
    given = env("INPUT_SHARD").strip()
    reader = ARGS_READ_BY.get(command)
    if reader is None:
        return given
    try:
        with reader.make_context("ambraconf", [path, *args], resilient_parsing=True) as context:
            in_args = str(context.params.get("shard") or "").strip()
    except click.ClickException:
        return given
    if given and in_args and given != in_args:
        raise InputError(
            f"input shard is {given} but input args say --shard {in_args}: give the shard "
            "one way (the shard input, or --shard in args)"
        )
    return given or in_args


@functools.cache
def split_of(path: str, count: int) -> tuple[ShardPlan, ...]:
    """The config's shards, computed once per run: the plan reads its shard's accounts, the
    shard result names every shard the summary should expect."""
    return tuple(library.shards(Path(path), count))


def shard_of(path: str, shard: str) -> ShardPlan:
    parsed = Shard.parse(shard)
    return split_of(path, parsed.count)[parsed.index - 1]


def connection_of(params: dict[str, Any]) -> AbstractContextManager[Connection]:
    """The connection the parsed options describe (with -v, the request counts follow)."""
    return connection(**{name: params[name] for name in CONNECTION_OPTIONS})


@dataclass
class Failure:
    """ambraconf stopped with an error: what it said, as the CLI would say it."""

    argv: list[str]
    problem: Exception

    @property
    def text(self) -> str:
        return describe(self.problem)

    @property
    def code(self) -> str:
        return self.problem.code if isinstance(self.problem, UserError) else "internal_error"


def call(argv: list[str], action: Callable[[], T]) -> T | Failure:
    """``action()``, or a ``Failure`` holding the exception it raised (also shown in the
    log, where names from the pull request cannot act as workflow commands)."""
    try:
        return action()
    except Exception as exc:  # noqa: BLE001 - every failure becomes a report, never a traceback
        failure = Failure(argv, exc)
        echo_untrusted(failure.text)
        return failure


# --- the outcome of a run ------------------------------------------------------------------


class InputError(Exception):
    """An input of the action that cannot be used."""


@dataclass
class Outcome:
    exitcode: int
    report: str
    has_changes: bool = False
    plan: str = ""
    failed: bool = False
    error: str = ""  # the one-line reason, for the annotation and the log
    error_detail: str = ""  # more lines for the annotation
    counts: dict[str, int] | None = None  # the plan's or the drift's, when it got that far


@dataclass
class Inputs:
    command: str
    path: str
    accounts: list[str]
    args: list[str]
    saved_plan: str
    on_stale_plan: str
    fail_on_drift: bool
    allow_dangerous: list[str] = field(default_factory=list)
    shard: str = ""
    shards: str = ""  # summary: the directory of the shard jobs' results
    workdir: Path = field(default_factory=Path)

    @classmethod
    def from_env(cls) -> Inputs:
        command = env("INPUT_COMMAND").strip()
        if command not in COMMANDS:
            raise InputError(f"input command must be one of {', '.join(COMMANDS)}, not {command!r}")
        path = env("INPUT_PATH").strip()
        if not path:
            raise InputError("input path is empty: set it to the config file or directory")
        try:
            args = shlex.split(env("INPUT_ARGS"))
        except ValueError as exc:
            raise InputError(f"input args cannot be split into arguments: {exc}") from None
        on_stale = env("INPUT_ON_STALE_PLAN", "replan").strip() or "replan"
        if on_stale not in ("replan", "fail"):
            raise InputError(f"input on-stale-plan must be replan or fail, not {on_stale!r}")
        shard, shards = chosen_shard(command, path, args), env("INPUT_SHARDS").strip()
        if command == "summary" and not shards:
            raise InputError(
                "input shards is empty: command summary needs the directory the shard jobs' "
                "results were downloaded to"
            )
        if command == "summary" and shard:
            raise InputError("input shard is for plan, apply and drift; summary reads shards")
        allowed = env("INPUT_ALLOW_DANGEROUS").split()
        unknown = [change for change in allowed if change not in CHANGES]
        if unknown:
            raise InputError(
                f"input allow-dangerous: {', '.join(map(repr, unknown))} is not a class of "
                f"dangerous change ({', '.join(CHANGES)})"
            )
        return cls(
            command=command,
            path=path,
            accounts=[a.strip() for a in env("INPUT_ACCOUNT").splitlines() if a.strip()],
            args=args,
            saved_plan=env("INPUT_SAVED_PLAN").strip(),
            on_stale_plan=on_stale,
            fail_on_drift=flag("INPUT_FAIL_ON_DRIFT", True),
            allow_dangerous=allowed,
            shard=shard,
            shards=shards,
        )

    @property
    def account_args(self) -> list[str]:
        return [arg for account in self.accounts for arg in ("--account", account)]


def mask_credentials() -> None:
    """Tell the runner to hide the credentials, should they come from plain variables
    rather than secrets (secrets are masked already). Nothing here prints them."""
    for name in ("AMBRA_PASSWORD", "AMBRA_SID"):
        for line in env(name).splitlines():
            if line.strip():
                print(f"::add-mask::{line}", flush=True)


def missing_credentials() -> list[str]:
    def has(name: str) -> bool:
        return bool(env(name).strip())

    missing = [] if has("AMBRA_URL") else ["AMBRA_URL"]
    if not has("AMBRA_SID"):
        if not has("AMBRA_LOGIN"):
            missing.append("AMBRA_LOGIN")
        if not env("AMBRA_PASSWORD"):
            missing.append("AMBRA_PASSWORD")
    return missing


def from_fork() -> bool:
    pull = load_event().get("pull_request") or {}
    head = ((pull.get("head") or {}).get("repo") or {}).get("full_name")
    base = ((pull.get("base") or {}).get("repo") or {}).get("full_name")
    return bool(head and base and head != base)


def load_event() -> dict[str, Any]:
    path = env("GITHUB_EVENT_PATH")
    if not path:
        return {}
    try:
        event = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return event if isinstance(event, dict) else {}


# --- reports -------------------------------------------------------------------------------


def error_report(title: str, what: str, detail: str, after: str = "") -> str:
    parts = [f"## {title}", "", what, "", fence(detail)]
    if after:
        parts += ["", after]
    return "\n".join(parts) + "\n"


def failed(title: str, what: str, failure: Failure, after: str = "", **kwargs: Any) -> Outcome:
    detail = failure.text
    plain = detail.removeprefix("Error: ")
    return Outcome(
        exitcode=1,
        report=error_report(title, what, detail, after),
        failed=True,
        error=plain.splitlines()[0],
        error_detail=plain,
        **kwargs,
    )


def validation_report(document: dict[str, Any], path: str, title: str) -> str:
    valid = document.get("valid", False)
    errors, warnings = document.get("errors", 0), document.get("warnings", 0)
    files = len(document.get("files") or [])
    lines = [f"## {title}", ""]
    if valid:
        lines.append(
            f"**`{path}` is valid**: {files} file{'s' * (files != 1)}, "
            f"{len(document.get('accounts') or [])} account(s), "
            f"{warnings} warning{'s' * (warnings != 1)}."
        )
    else:
        lines.append(
            f"**`{path}` is invalid**: {errors} error{'s' * (errors != 1)}, "
            f"{warnings} warning{'s' * (warnings != 1)} in {files} file{'s' * (files != 1)}."
        )
    diagnostics = document.get("diagnostics") or []
    if diagnostics:
        lines += ["", "| Where | Severity | Problem |", "|---|---|---|"]
        for d in diagnostics:
            where = d.get("file") or path
            if d.get("line"):
                where += f":{d['line']}:{d.get('column') or 1}"
            problem = (f"`{d['path']}`: " if d.get("path") else "") + d.get("message", "")
            if d.get("hint"):
                problem += f" ({d['hint']})"
            lines.append(f"| `{cell(where)}` | {d.get('severity', 'error')} | {cell(problem)} |")
    accounts = document.get("accounts") or []
    if valid and accounts:
        lines += ["", "| Account | Objects |", "|---|---|"]
        for account in accounts:
            counts = ", ".join(
                f"{n} {kind}" for kind, n in (account.get("objects") or {}).items() if n
            )
            lines.append(f"| {cell(account.get('name', ''))} | {cell(counts) or '—'} |")
    return "\n".join(lines) + "\n"


def cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def workspace_relative(file: str) -> str:
    workspace = env("GITHUB_WORKSPACE")
    if workspace and os.path.isabs(file):
        try:
            return os.path.relpath(file, workspace)
        except ValueError:
            return file
    return file


# --- the commands --------------------------------------------------------------------------


def validate(inputs: Inputs, title: str) -> tuple[bool, Outcome | None]:
    """Validate the config (no API calls): annotations on the files, and an outcome to stop
    with when it is invalid. Returns (valid, outcome-if-it-stops-here)."""
    argv = ["validate", inputs.path, "--format", "json"]
    print(f"$ {shell_line(argv)}", flush=True)
    result = call(argv, lambda: library.load(inputs.path))
    if isinstance(result, Failure):
        return False, failed(title, f"ambraconf could not read `{inputs.path}`.", result)
    document = json.loads(render(result, "json").out)
    for d in document.get("diagnostics") or []:
        level = "error" if d.get("severity") == "error" else "warning"
        message = (f"{d['path']}: " if d.get("path") else "") + d.get("message", "")
        if d.get("hint"):
            message += f"\nhint: {d['hint']}"
        annotate(
            level,
            message,
            file=workspace_relative(d.get("file") or ""),
            line=d.get("line") or "",
            col=d.get("column") or "",
            title=f"ambraconf: {'invalid configuration' if level == 'error' else 'warning'}",
        )
    valid = bool(document.get("valid"))
    report = validation_report(document, inputs.path, title)
    if valid:
        print(f"{inputs.path}: valid", flush=True)
        return True, Outcome(exitcode=0, report=report)
    errors = document.get("errors", 0)
    return False, Outcome(
        exitcode=1,
        report=report,
        failed=True,
        error=f"the configuration at {inputs.path} has {errors} error{'s' * (errors != 1)}",
    )


def check_credentials(inputs: Inputs) -> Outcome | None:
    missing = missing_credentials()
    if not missing:
        return None
    names = ", ".join(missing)
    why = ""
    if from_fork():
        why = (
            "\n\nThis pull request comes from a fork, and GitHub does not give a fork's "
            "workflows the repository's secrets."
        )
    report = (
        f"## ambraconf {inputs.command} failed\n\n"
        f"**Missing secrets: {names}.** ambraconf reads the Ambra credentials from the "
        "environment: `AMBRA_URL`, and `AMBRA_LOGIN` with `AMBRA_PASSWORD` (or `AMBRA_SID`). "
        "They are empty or unset in this step."
        f"{why}\n\n{CREDENTIALS_HELP}\n"
    )
    return Outcome(
        exitcode=1,
        report=report,
        failed=True,
        error=f"missing secrets: {names} (set them and pass them to the step's env)",
    )


@dataclass
class Planned:
    plan: Plan
    markdown: str


def plan_or_error(inputs: Inputs, out: Path, title: str) -> Planned | Outcome:
    """The plan of the config, saved to ``out`` and shown in the log; or the outcome to
    stop with."""
    argv = [inputs.path, *inputs.account_args, "--out", str(out), *inputs.args]
    params = parse_args(plan_command, argv)

    def make() -> Plan:
        with connection_of(params) as to_ambra:
            return library.plan(
                Path(inputs.path),
                accounts=selected_accounts(inputs, params),
                targets=params["target"],
                out=out,
                connection=to_ambra,
            )

    plan = call(["plan", *argv], make)
    if isinstance(plan, Failure):
        return failed(
            title,
            f"ambraconf could not plan `{inputs.path}`; nothing was changed in Ambra.",
            plan,
        )
    markdown = render(plan, "markdown").out
    # the log reads as a terminal does; the markdown goes to the summary and the comment
    echo_untrusted(render(plan, "text").out, "The plan (as markdown in the job summary)")
    if plan.violations:
        return refused_by_policies(plan, markdown)
    return Planned(plan, markdown)


def refused_by_policies(plan: Plan, markdown: str) -> Outcome:
    """A plan that breaks policies: an annotation per violation, at the object's line when
    a file defines it (else at the policy's), and an outcome that fails; nothing is applied."""
    for v in plan.violations:
        file, line, col = (v.object_at or v.policy_at).rsplit(":", 2)
        annotate(
            "error",
            f"{v.address}: {v.message}\npolicy '{v.policy}' at {v.policy_at}",
            file=workspace_relative(file),
            line=line,
            col=col,
            title="ambraconf: policy violation",
        )
    count = len(plan.violations)
    return Outcome(
        exitcode=1,
        report=markdown,
        has_changes=plan.has_changes,
        failed=True,
        error=f"the plan breaks {count} polic{'y' if count == 1 else 'ies'}; nothing was applied",
        counts=plan.counts(),
    )


def do_plan(inputs: Inputs) -> Outcome:
    out = inputs.workdir / "plan.json"
    planned = plan_or_error(inputs, out, "ambraconf plan failed")
    if isinstance(planned, Outcome):
        return planned
    changes = planned.plan.has_changes
    print(f"Plan {'has changes' if changes else 'has no changes'}; saved to {out}", flush=True)
    return Outcome(
        exitcode=2 if changes else 0,
        report=planned.markdown,
        has_changes=changes,
        plan=str(out),
        counts=planned.plan.counts(),
    )


def do_drift(inputs: Inputs) -> Outcome:
    argv = [inputs.path, *inputs.account_args, *inputs.args]
    params = parse_args(drift_command, argv)

    def compare() -> DriftReport:
        with connection_of(params) as to_ambra:
            return library.drift(
                Path(inputs.path),
                accounts=selected_accounts(inputs, params),
                targets=params["target"],
                include_unmanaged=params["include_unmanaged"],
                connection=to_ambra,
            )

    report = call(["drift", *argv], compare)
    if isinstance(report, Failure):
        return failed(
            "ambraconf drift failed",
            f"ambraconf could not compare `{inputs.path}` with Ambra; nothing was changed.",
            report,
        )
    markdown = render(report, "markdown").out
    echo_untrusted(markdown, "The drift report (also in the job summary)")
    counts = shard_results.drift_counts(report)
    if not report.has_drift:
        return Outcome(exitcode=0, report=markdown, counts=counts)
    message = "live state has drifted from the configuration"
    if not inputs.fail_on_drift:
        annotate("warning", message + " (see the job summary)", title="ambraconf drift")
    return Outcome(
        exitcode=2,
        report=markdown,
        has_changes=True,
        failed=inputs.fail_on_drift,
        error=message if inputs.fail_on_drift else "",
        counts=counts,
    )


def apply_result(applied: ApplyRun | Failure) -> tuple[str, bool]:
    """What the apply did, as markdown: (text, succeeded)."""
    if isinstance(applied, Failure):
        return (
            f"`{shell_line(applied.argv)}` stopped with an error.\n\n{fence(applied.text)}",
            False,
        )
    document = json.loads(render(applied, "json").out)
    summary = str(document.get("summary", ""))
    outcomes = document.get("outcomes") or []
    for outcome in outcomes:
        print(f"  {outcome.get('status', '?'):8} {outcome.get('address', '')}", flush=True)
    print(summary, flush=True)
    lines = [f"**{summary[:1].upper() + summary[1:]}.**"]
    problems = [o for o in outcomes if o.get("status") in ("failed", "skipped")]
    if problems:
        lines += ["", "| Object | Action | Status | Why |", "|---|---|---|---|"]
        for o in problems:
            lines.append(
                f"| `{cell(str(o.get('address', '')))}` | {o.get('op', '')} | "
                f"{o.get('status', '')} | {cell(str(o.get('error') or ''))} |"
            )
    if not applied.ok:
        if applied.warnings:
            lines += ["", fence("\n".join(f"Warning: {w}" for w in applied.warnings))]
        lines += ["", "Running apply again finishes what is left."]
    return "\n".join(lines), applied.ok


def apply_plan(plan: Path, inputs: Inputs) -> ApplyRun | Failure:
    """Apply a saved plan: only if live state and the config still give it."""
    allowed = [arg for change in inputs.allow_dangerous for arg in ("--allow-dangerous", change)]
    argv = [
        str(plan),
        *inputs.account_args,
        "--auto-approve",
        "--format",
        "json",
        *allowed,
        *inputs.args,
    ]
    params = parse_args(apply_command, argv)

    def apply() -> ApplyRun:
        with connection_of(params) as to_ambra:
            return library.apply(
                plan,
                accounts=params["account"],
                targets=params["target"],
                force=params["force"],
                allow_dangerous=params["allow_dangerous"],
                progress=lambda line: print(line, flush=True),  # the log follows the apply
                connection=to_ambra,
            )

    applied = call(["apply", *argv], apply)
    if isinstance(applied, ApplyRun):
        echo_untrusted("\n".join(f"Warning: {w}" for w in applied.warnings))
    return applied


def apply_report(result: str, notes: list[str], plan_markdown: str) -> str:
    """The outcome first, then the notes, then the plan that was applied (its heading one
    level down)."""
    plan = plan_markdown.rstrip()
    if plan.startswith("## ambraconf plan"):
        plan = "### The plan" + plan.removeprefix("## ambraconf plan")
    return "\n\n".join(["## ambraconf apply", result, *notes, plan]) + "\n"


def do_apply(inputs: Inputs) -> Outcome:
    title = "ambraconf apply failed"
    fresh = inputs.workdir / "plan.json"
    planned = plan_or_error(inputs, fresh, title)
    if isinstance(planned, Outcome):
        return planned
    changes, counts = planned.plan.has_changes, planned.plan.counts()
    notes: list[str] = []

    if inputs.saved_plan:
        saved = Path(inputs.saved_plan)
        if not saved.is_file():
            notes.append(
                f"> [!NOTE]\n> No reviewed plan at `{inputs.saved_plan}`, so the plan below, "
                "made now from this commit's configuration, was applied."
            )
            print(f"No reviewed plan at {inputs.saved_plan}; applying a fresh plan", flush=True)
        else:
            print(f"Applying the reviewed plan {saved}", flush=True)
            applied = apply_plan(saved, inputs)
            if not (isinstance(applied, Failure) and applied.code == "stale_plan"):
                result, ok = apply_result(applied)
                notes.append(f"Applied the plan reviewed on the pull request (`{saved}`).")
                return Outcome(
                    exitcode=0 if ok else 1,
                    report=apply_report(result, notes, planned.markdown),
                    has_changes=changes,
                    counts=counts,
                    plan=str(saved),
                    failed=not ok,
                    error="" if ok else "apply failed: " + first_problem(applied),
                )
            reason = str(applied.problem)
            if inputs.on_stale_plan == "fail":
                result = (
                    "**The reviewed plan is out of date, so nothing was applied** "
                    "(on-stale-plan: fail).\n\n" + quote(reason) + "\n\nThe plan below is "
                    "what applying now would do: review it, and run the workflow again without "
                    "the saved plan to apply it."
                )
                return Outcome(
                    exitcode=1,
                    report=apply_report(result, notes, planned.markdown),
                    has_changes=changes,
                    counts=counts,
                    plan=str(saved),
                    failed=True,
                    error="the reviewed plan is out of date; nothing was applied",
                    error_detail=reason,
                )
            annotate(
                "warning",
                "the reviewed plan is out of date; applying a fresh plan of this commit\n" + reason,
                title="ambraconf apply",
            )
            notes.append(
                "> [!WARNING]\n> **The plan reviewed on the pull request was out of date**, so "
                "the plan below, made now from this commit's configuration, was applied "
                "instead.\n>\n" + quote(reason)
            )

    if not changes:
        return Outcome(
            exitcode=0,
            report=apply_report("**Nothing to apply.**", notes, planned.markdown),
            plan=str(fresh),
            counts=counts,
        )
    applied = apply_plan(fresh, inputs)
    result, ok = apply_result(applied)
    return Outcome(
        exitcode=0 if ok else 1,
        report=apply_report(result, notes, planned.markdown),
        has_changes=True,
        plan=str(fresh),
        counts=counts,
        failed=not ok,
        error="" if ok else "apply failed: " + first_problem(applied),
    )


def first_problem(applied: ApplyRun | Failure) -> str:
    if isinstance(applied, Failure):
        return applied.text.splitlines()[0]
    result = applied.result
    if result is None:
        return "no changes"
    for o in result.failed:
        return f"{o.action.address}: {o.error}"
    return result.summary()


def quote(text: str) -> str:
    return "\n".join("> " + line for line in text.splitlines())


def do_summary(inputs: Inputs) -> Outcome:
    """One report of every shard's result, as the shard jobs saved them (no config is read
    and Ambra is not called); a shard that failed or saved nothing fails the job."""
    argv = ["summary", inputs.shards, "--path", inputs.path]
    print(f"$ {shell_line(argv)}", flush=True)
    summary = call(argv, lambda: library.shard_summary(inputs.shards, path=inputs.path))
    if isinstance(summary, Failure):
        return failed(
            "ambraconf summary failed",
            f"ambraconf could not gather the shard results in `{inputs.shards}`.",
            summary,
        )
    echo_untrusted(render(summary, "text").out, "The shards (as markdown in the job summary)")
    markdown = render(summary, "markdown").out
    changes = summary.has_changes
    if summary.complete:
        return Outcome(exitcode=2 if changes else 0, report=markdown, has_changes=changes)
    return Outcome(
        exitcode=1,
        report=markdown,
        has_changes=changes,
        failed=True,
        error="not every shard reported: " + incomplete(summary),
    )


def incomplete(summary: ShardSummary) -> str:
    return ", ".join(
        [f"{s} failed" for s in summary.failed] + [f"{s} missing" for s in summary.missing]
    )


def save_shard_result(inputs: Inputs, outcome: Outcome) -> str:
    """The shard's outcome saved for the summary job (the output ``result``), or "" when
    this run is not one shard's."""
    if not inputs.shard or inputs.command not in ("plan", "apply", "drift"):
        return ""
    try:
        shard = str(Shard.parse(inputs.shard))
    except UserError:
        return ""  # the run failed on it already, and the summary cannot name it either
    try:
        accounts = shard_of(inputs.path, shard).accounts
        split = [s.shard for s in split_of(inputs.path, Shard.parse(shard).count) if s.accounts]
    except UserError:  # an invalid config or path: the run failed; its accounts are unknown
        accounts, split = [], []
    status = "changes" if outcome.has_changes else "no_changes"
    result = ShardResult(
        shard=shard,
        command=inputs.command,
        path=inputs.path,
        status="failed" if outcome.exitcode == 1 else status,
        exitcode=outcome.exitcode,
        accounts=accounts,
        split=split,
        counts=outcome.counts,
        error=outcome.error,
        report=outcome.report,
    )
    return str(shard_results.write(result, inputs.workdir))


def do_run(inputs: Inputs) -> Outcome:
    if inputs.command == "summary":
        return do_summary(inputs)
    title = f"ambraconf {inputs.command}"
    valid, outcome = validate(
        inputs, title if inputs.command == "validate" else f"{title}: invalid configuration"
    )
    if inputs.command == "validate" or not valid:
        assert outcome is not None
        return outcome
    argv = [inputs.path, *inputs.account_args, *inputs.args]
    nothing = empty_shard(inputs, parse_args(ARGS_READ_BY[inputs.command], argv))
    if nothing:  # as on the command line: before any connection, so before credentials
        return nothing
    missing = check_credentials(inputs)
    if missing:
        return missing
    if inputs.command == "plan":
        return do_plan(inputs)
    if inputs.command == "apply":
        return do_apply(inputs)
    return do_drift(inputs)


def run_step() -> int:
    mask_credentials()
    base = Path(env("RUNNER_TEMP") or tempfile.gettempdir())
    base.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="ambraconf-", dir=base))
    command = env("INPUT_COMMAND").strip() or "?"
    inputs: Inputs | None = None
    try:
        inputs = Inputs.from_env()
        inputs.workdir = workdir
        outcome = do_run(inputs)
    except InputError as exc:
        outcome = Outcome(
            exitcode=1,
            report=f"## ambraconf {command} failed\n\n**{exc}.**\n",
            failed=True,
            error=str(exc),
        )
    result = save_shard_result(inputs, outcome) if inputs else ""
    report_path = workdir / "report.md"
    report_path.write_text(outcome.report, encoding="utf-8")
    append_summary(outcome.report)
    if outcome.failed and outcome.error:
        detail = outcome.error_detail or outcome.error
        if outcome.error_detail and not outcome.error_detail.startswith(outcome.error):
            detail = outcome.error + "\n" + outcome.error_detail
        annotate("error", detail, title=f"ambraconf {command} failed")
    write_output("exitcode", str(outcome.exitcode))
    write_output("has-changes", "true" if outcome.has_changes else "false")
    write_output("report", str(report_path))
    write_output("plan", outcome.plan)
    write_output("result", result)
    write_output("shard", inputs.shard if inputs else "")
    write_output("failed", "true" if outcome.failed else "false")
    write_output("error", outcome.error)
    return 0


# --- the pull request comment --------------------------------------------------------------


def comment_marker() -> str:
    """The hidden first line that finds this action's comment again: one comment per
    command, config path and account selection on a pull request."""
    key = f"{env('INPUT_COMMAND').strip()}:{env('INPUT_PATH').strip()}"
    accounts = sorted(a.strip() for a in env("INPUT_ACCOUNT").splitlines() if a.strip())
    if accounts:
        key += ":" + ",".join(accounts)
    shard = env("AMBRACONF_SHARD").strip() or env("INPUT_SHARD").strip()
    if shard:
        key += ":shard " + shard
    return f"<!-- ambraconf:{key.replace('--', '%2D%2D')} -->"


class GitHubError(Exception):
    pass


class GitHub:
    def __init__(self, api: str, token: str) -> None:
        self.api = api.rstrip("/")
        self.token = token

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.api + path,
            data=data,
            method=method,
            headers={
                "Accept": "application/vnd.github+json",
                "Authorization": f"Bearer {self.token}",
                "X-GitHub-Api-Version": "2022-11-28",
                "User-Agent": "ambraconf-action",
                **({"Content-Type": "application/json"} if data is not None else {}),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                text = response.read().decode()
        except urllib.error.HTTPError as exc:
            detail = ""
            with contextlib.suppress(ValueError, AttributeError, OSError):
                detail = json.loads(exc.read().decode()).get("message", "")
            raise GitHubError(
                f"{method} {path} answered {exc.code}{': ' + detail if detail else ''}"
            ) from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise GitHubError(f"{method} {path}: cannot reach {self.api}: {reason}") from None
        return json.loads(text) if text.strip() else None

    def find_comment(self, repo: str, number: int, marker: str) -> dict[str, Any] | None:
        page = 1
        while True:
            comments = self.call(
                "GET", f"/repos/{repo}/issues/{number}/comments?per_page=100&page={page}"
            )
            for comment in comments or []:
                if str(comment.get("body") or "").lstrip().startswith(marker):
                    return comment
            if not comments or len(comments) < 100:
                return None
            page += 1


def comment_body(marker: str, report: str) -> str:
    event = load_event()
    sha = ((event.get("pull_request") or {}).get("head") or {}).get("sha") or env("GITHUB_SHA")
    server, repo, run_id = env("GITHUB_SERVER_URL"), env("GITHUB_REPOSITORY"), env("GITHUB_RUN_ID")
    footer_parts = []
    if sha:
        footer_parts.append(f"for commit {sha[:7]}")
    if server and repo and run_id:
        footer_parts.append(f"[workflow run]({server}/{repo}/actions/runs/{run_id})")
    footer = f"\n\n<sub>ambraconf {' · '.join(footer_parts)}</sub>\n" if footer_parts else "\n"
    room = COMMENT_LIMIT - len(marker) - len(footer) - 200
    if len(report) > room:
        report = (
            report[:room]
            + "\n\n*(cut here: the full report is in the job summary of the workflow run)*"
        )
    return f"{marker}\n{report.rstrip()}{footer}"


def comment_step() -> int:
    try:
        wanted = flag("INPUT_COMMENT", False)
    except InputError as exc:
        annotate("warning", str(exc), title="ambraconf comment")
        return 0
    if not wanted:
        return 0
    event = load_event()
    pull = event.get("pull_request")
    if not isinstance(pull, dict) or not pull.get("number"):
        print(
            f"comment: true has no effect on a {env('GITHUB_EVENT_NAME') or 'non-pull-request'}"
            " event: there is no pull request to comment on",
            flush=True,
        )
        return 0
    number = int(pull["number"])
    report_path = env("AMBRACONF_REPORT")
    try:
        report = Path(report_path).read_text(encoding="utf-8") if report_path else ""
    except OSError:
        report = ""
    if not report:
        report = "## ambraconf\n\nThe action wrote no report; see the workflow run.\n"
    token = env("GITHUB_TOKEN")
    repo = env("GITHUB_REPOSITORY") or ((event.get("repository") or {}).get("full_name") or "")
    if not token or not repo:
        return comment_trouble(number, "no GITHUB_TOKEN" if not token else "no GITHUB_REPOSITORY")
    github = GitHub(env("GITHUB_API_URL") or "https://api.github.com", token)
    marker = comment_marker()
    body = comment_body(marker, report)
    try:
        existing = github.find_comment(repo, number, marker)
        if existing:
            done = github.call(
                "PATCH", f"/repos/{repo}/issues/comments/{existing['id']}", {"body": body}
            )
            verb = "Updated"
        else:
            done = github.call("POST", f"/repos/{repo}/issues/{number}/comments", {"body": body})
            verb = "Created"
    except GitHubError as exc:
        return comment_trouble(number, str(exc))
    url = (done or {}).get("html_url") or f"#{number}"
    print(f"{verb} the comment on pull request #{number}: {url}", flush=True)
    write_output("comment-url", str(url))
    return 0


def comment_trouble(number: int, reason: str) -> int:
    """A comment that cannot be posted does not fail the job: the summary has the report."""
    message = (
        f"could not comment on pull request #{number}: {reason}. The report is in the job "
        "summary. The workflow needs `permissions: pull-requests: write` (a pull request "
        "from a fork gets a read-only token)."
    )
    annotate("warning", message, title="ambraconf comment")
    append_summary(f"\n> [!WARNING]\n> {message}\n")
    return 0


def main(argv: list[str]) -> int:
    if argv[1:] == ["run"]:
        return run_step()
    if argv[1:] == ["comment"]:
        return comment_step()
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
