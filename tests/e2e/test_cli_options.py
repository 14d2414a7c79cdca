"""Terraform's command-line habits: global options after the command, ``-q`` for scripts,
``-v``/``-vv`` for seeing the requests (secrets masked), and shell completion from the
config."""

from __future__ import annotations

import io
import json
import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from ambraconf.cli import cli
from ambraconf.config.errors import UserError
from tests.e2e.test_plan import with_webhook_password

EXAMPLE = Path(__file__).parents[2] / "examples" / "northshore"
REQUEST_LINE = re.compile(r"^HTTP POST (/\S+) (\d{3}) \d+ ms (.*)$")


@pytest.mark.parametrize("where", ["before", "after"])
def test_debug_is_taken_before_and_after_the_command(ambraconf, clinic: Path, where: str):
    missing = str(clinic / "missing")
    args = (
        ["--debug", "validate", missing] if where == "before" else ["validate", missing, "--debug"]
    )
    with pytest.raises(UserError, match="no such file or directory"):
        ambraconf(*args)  # --debug lets the exception (its traceback) through
    plain = ambraconf("validate", missing)
    assert plain.code == 1 and plain.err.startswith("Error: ")


def test_plan_with_debug_after_its_arguments_plans(ambraconf, with_pacs, clinic: Path):
    run = ambraconf("plan", str(clinic), "--debug")
    assert run.code == 0, run.err
    assert "Plan: 5 to create, 0 to update, 0 to delete." in run.out


def test_quiet_plan_prints_only_its_closing_line(ambraconf, with_pacs, clinic: Path):
    run = ambraconf("plan", str(clinic), "-q")
    assert (run.code, run.out, run.err) == (0, "Plan: 5 to create, 0 to update, 0 to delete.\n", "")


def test_quiet_apply_prints_only_the_outcome_and_then_no_changes(
    ambraconf, with_pacs, clinic: Path
):
    run = ambraconf("apply", str(clinic), "--auto-approve", "-q")
    assert (run.code, run.err) == (0, "")  # no plan, no progress lines
    assert run.out == "Apply complete: 5 created, 0 updated, 0 deleted.\n"
    again = ambraconf("apply", str(clinic), "--auto-approve", "--quiet")
    assert (again.code, again.out, again.err) == (
        0,
        "No changes. Live state matches the configuration.\n",
        "",
    )


def test_quiet_apply_still_shows_the_plan_it_asks_about(
    ambraconf, with_pacs, clinic: Path, monkeypatch
):
    from ambraconf.cli import confirm as confirm_module

    monkeypatch.setattr(confirm_module, "on_terminal", lambda: True)
    monkeypatch.setattr("sys.stdin", io.StringIO("no\n"))
    run = ambraconf("apply", str(clinic), "-q")
    assert run.code == 1
    assert (
        '+ route "Cardiology/STAT to PACS"' in run.out
    )  # one cannot say yes to what one was not shown
    assert "Apply cancelled; nothing was changed." in run.err


def test_quiet_validate_prints_errors_and_the_verdict_not_warnings(
    ambraconf, clinic: Path, monkeypatch
):
    monkeypatch.delenv("EHR_PASSWORD", raising=False)
    with_webhook_password(clinic)  # an unset secret: a warning in validate
    loud = ambraconf("validate", str(clinic))
    assert "warning" in loud.out and "EHR_PASSWORD" in loud.out
    quiet = ambraconf("validate", str(clinic), "-q")
    assert (quiet.code, quiet.out) == (0, f"{clinic}: valid (1 file, 1 account, 1 warning)\n")

    config = clinic / "clinic.yaml"
    config.write_text(config.read_text().replace("study_view: true", "study_veiw: true"))
    broken = ambraconf("validate", str(clinic), "-q")
    lines = broken.out.splitlines()
    assert broken.code == 1
    assert len(lines) == 2 and "study_veiw" in lines[0] and "clinic.yaml:" in lines[0]
    assert lines[1] == f"{clinic}: invalid: 1 error, 1 warning in 1 file"


def test_quiet_drift_and_export_print_one_line(ambraconf, with_pacs, clinic: Path, tmp_path: Path):
    drift = ambraconf("drift", str(clinic), "-q")
    assert (drift.code, drift.out) == (2, "Drift: 5 objects (0 differ, 5 missing live).\n")
    assert ambraconf("apply", str(clinic), "--auto-approve", "-q").code == 0
    out = tmp_path / "exported"
    run = ambraconf("export", "--account", "Sandbox Hospital", "--out", str(out), "-q")
    assert run.code == 0, run.err
    files = len(list(out.iterdir()))
    shape = (
        rf"Exported Sandbox Hospital: (\d+) objects in {files} files to {re.escape(str(out))}\.\n"
    )
    written = re.fullmatch(shape, run.out)
    assert written and int(written[1]) >= 5 and run.err == ""  # the 5 applied, and more


def test_quiet_leaves_json_documents_whole(ambraconf, with_pacs, clinic: Path):
    run = ambraconf("plan", str(clinic), "-q", "--format", "json")
    assert json.loads(run.out)["summary"]["create"] == 5


def test_one_v_counts_requests_and_two_log_each_with_secrets_masked(
    ambraconf, with_pacs, clinic: Path, monkeypatch
):
    monkeypatch.setenv("EHR_PASSWORD", "hunter2")
    with_webhook_password(clinic)
    counted = ambraconf("plan", str(clinic), "-v")
    assert [line for line in counted.err.splitlines() if line.startswith("HTTP ")] == [
        line for line in counted.err.splitlines() if line.startswith("HTTP requests: ")
    ]

    run = ambraconf("apply", str(clinic), "--auto-approve", "-vv")
    assert run.code == 0, run.err
    logged = [REQUEST_LINE.match(line) for line in run.err.splitlines()]
    requests = [m.groups() for m in logged if m]
    assert requests[0][:2] == ("/session/login", "200")
    assert json.loads(requests[0][2]) == {"login": with_pacs.admin_login, "password": "***"}
    assert requests[-1][0] == "/session/logout"
    assert all('"sid": "***"' in sent for path, _, sent in requests[1:])
    webhook_add = [
        call
        for path, _, sent in requests
        if path == "/bundle"
        for call in json.loads(sent)
        if call["URL"] == "/webhook/add"
    ]
    assert webhook_add and webhook_add[0]["auth"] == "***"
    assert "hunter2" not in run.err and with_pacs.admin_password not in run.err.replace(
        "sandbox.local", ""
    )
    assert "HTTP requests: " in run.err  # -vv includes what -v prints


def complete(*words: str) -> list[str]:
    """What a bash user gets pressing Tab after ``ambraconf WORDS``."""
    result = CliRunner().invoke(
        cli,
        [],
        prog_name="ambraconf",
        env={
            "_AMBRACONF_COMPLETE": "bash_complete",
            "COMP_WORDS": shlex.join(["ambraconf", *words]),
            "COMP_CWORD": str(len(words)),
        },
    )
    return [line.split(",", 1)[1] for line in result.output.splitlines() if line]


def test_account_completion_reads_the_config_named_on_the_line():
    assert complete("plan", str(EXAMPLE), "--account", "") == [
        "Northshore Health",
        "Northshore Health UAT",
    ]
    assert complete("drift", str(EXAMPLE), "--account", "northshore health u") == [
        "Northshore Health UAT"
    ]
    assert complete("apply", "--account", "") == []  # no PATH yet: nothing to read


def test_target_completion_offers_kind_and_name_of_the_chosen_accounts():
    offered = complete("plan", str(EXAMPLE), "--target", "role/Radiolog")
    assert offered == ["role/Radiologist", "role/Radiology Technologist"]
    routes = complete("apply", str(EXAMPLE), "--target", "route/")
    assert "route/CT and MR to PACS" in routes
    assert complete("plan", "/no/such/config", "--target", "") == []
