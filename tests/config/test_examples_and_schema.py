"""The examples validate; the committed JSON Schema is current and accepts them too."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from ambraconf.config.schema import SCHEMA_FILE, config_schema, stale_schemas
from ambraconf.config.validate import validate_path

ROOT = Path(__file__).resolve().parents[2]
MODELINE = "# yaml-language-server: $schema="


def _is_config(path: Path) -> bool:
    """Config files carry the schema modeline; other YAML under examples/ (a sandbox seed,
    say) is not an ambraconf configuration."""
    return path.read_text(encoding="utf-8").startswith(MODELINE)


EXAMPLE_FILES = sorted(p for p in (ROOT / "examples").rglob("*.yaml") if _is_config(p))
EXAMPLES = sorted({p.relative_to(ROOT / "examples").parts[0] for p in EXAMPLE_FILES})


@pytest.mark.parametrize("example", EXAMPLES)
def test_example_is_valid(example: str) -> None:
    result = validate_path(ROOT / "examples" / example, env={})
    assert result.ok, "\n".join(map(str, result.errors))


def test_northshore_is_an_example() -> None:
    assert "northshore" in EXAMPLES


def test_northshore_is_what_the_readme_promises() -> None:
    result = validate_path(
        ROOT / "examples" / "northshore", env={"NORTHSHORE_REPORTING_TOKEN": "t"}
    )
    assert result.ok and not result.warnings, result.diagnostics
    config = result.config
    assert config is not None
    assert [a.name for a in config.accounts] == ["Northshore Health", "Northshore Health UAT"]
    prod, uat = config.accounts
    assert len(prod.of("role")) >= 6
    assert prod.find("route", "", "", "CT and MR to PACS").values["actions"] == [
        {"destination": "NSH PACS Main"}
    ]
    assert uat.find("route", "", "", "CT and MR to PACS").values["actions"] == [
        {"destination": "NSH PACS Test"}
    ]
    assert uat.find("webhook", "Reporting System - New Study").values["suspended"] is True


def test_schema_is_up_to_date() -> None:
    stale = stale_schemas(ROOT / "schemas")
    assert not stale, f"schemas/{', '.join(stale)} is out of date: run `ambraconf schema`"


def test_schema_is_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(config_schema())


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_schema_accepts_example_files(path: Path) -> None:
    schema = json.loads((ROOT / "schemas" / SCHEMA_FILE).read_text(encoding="utf-8"))
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(data))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_examples_point_at_the_committed_schema(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    target = (path.parent / first.split("$schema=", 1)[1]).resolve()
    assert target == (ROOT / "schemas" / SCHEMA_FILE).resolve()


def test_schema_rejects_what_validate_rejects() -> None:
    validator = jsonschema.Draft202012Validator(config_schema())
    bad = {
        "accounts": [{"name": "X", "roles": [{"name": "R", "permissions": {"study_veiw": True}}]}]
    }
    assert list(validator.iter_errors(bad))
    ok = {
        "accounts": [
            {
                "name": "X",
                "webhooks": [
                    {
                        "name": "W",
                        "event": "STUDY_SYNC",
                        "url": "https://ehr.example/hook",
                        "method": "POST",
                        "suspended": "${var:x}",
                    }
                ],
            }
        ]
    }
    assert not list(validator.iter_errors(ok))
