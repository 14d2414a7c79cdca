"""`ambraconf validate` and `ambraconf schema` as a user meets them."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from ambraconf.cli import cli

ROOT = Path(__file__).resolve().parents[2]
NORTHSHORE = str(ROOT / "examples" / "northshore")


def test_validate_says_what_it_checked() -> None:
    env = {"NORTHSHORE_REPORTING_TOKEN": "x"}
    result = CliRunner().invoke(cli, ["validate", NORTHSHORE], env=env, standalone_mode=False)
    assert result.return_value == 0, result.output
    assert "valid (12 files, 2 accounts)" in result.output
    assert (
        "Northshore Health: 5 custom fields, 7 roles, 4 account users, 2 destinations, 6 groups, "
        "5 locations, 2 webhooks, 1 validation rule, 7 routes, 1 HL7 transform, 1 dictionary, "
        "1 share rule, 2 terminology overrides, 1 custom code" in result.output
    )
    assert "Checked: YAML syntax" in result.output


def test_validate_json(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("accounts:\n  - name: A\n    fields: {nope: 1}\n")
    args = ["validate", "--format", "json", str(tmp_path / "a.yaml")]
    result = CliRunner().invoke(cli, args, standalone_mode=False)
    assert result.return_value == 1
    report = json.loads(result.output)
    assert report["valid"] is False and report["errors"] == 1
    diagnostic = report["diagnostics"][0]
    assert diagnostic["line"] == 3 and diagnostic["column"] == 14
    assert diagnostic["path"] == "accounts[0].fields.nope"
    assert diagnostic["severity"] == "error"


def test_help_reads_well() -> None:
    runner = CliRunner()
    for args in (["--help"], ["validate", "--help"], ["schema", "--help"]):
        result = runner.invoke(cli, args)
        assert result.exit_code == 0
        assert "Usage:" in result.output
    assert "validate" in runner.invoke(cli, ["--help"]).output


def test_schema_check_reports_stale_files(tmp_path: Path) -> None:
    def schema(*args: str) -> tuple[int, str]:
        result = CliRunner().invoke(cli, ["schema", *args], standalone_mode=False)
        return result.return_value, result.output

    assert schema("--check", "--output", str(tmp_path))[0] == 1
    code, output = schema("--output", str(tmp_path))
    assert code == 0 and "wrote" in output
    assert schema("--check", "--output", str(tmp_path)) == (0, "")
