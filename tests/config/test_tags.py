"""Explicitly tagged values: the core schema's tags are read as YAML 1.2 would read them, a
value that does not fit its tag is a message at its place, and other tags are refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from config_helpers import Write, at, check, only_error, run_cli

from ambraconf.config.diagnostics import Diagnostics
from ambraconf.config.loader import load_path

ROLE = """\
accounts:
  - name: A
    roles:
      - name: R
        description: {value}
"""


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("!!int abc", "'abc' is not an integer (it is tagged !!int)"),
        ("!!int 1.5", "'1.5' is not an integer (it is tagged !!int)"),
        ("!!float x", "'x' is not a number (it is tagged !!float)"),
        ("!!bool maybe", "'maybe' is not true or false (it is tagged !!bool)"),
        ("!!null x", "'x' is not null (it is tagged !!null)"),
        ("!!timestamp soon", "'soon' is not a date or time (it is tagged !!timestamp)"),
        ("!!map x", "'x' is not a mapping (it is tagged !!map)"),
        ("!!seq x", "'x' is not a list (it is tagged !!seq)"),
        ("!!seq {a: 1}", "a mapping cannot be tagged !!seq"),
        ("!!str [a]", "a list cannot be tagged !!str"),
        ("!!binary aGVsbG8=", "unsupported YAML tag '!!binary'"),
        ("!!set {a: null}", "unsupported YAML tag '!!set'"),
        ("!foo x", "unsupported YAML tag '!foo'"),
        ("!<tag:example.com,2024:x> y", "unsupported YAML tag 'tag:example.com,2024:x'"),
    ],
)
def test_a_value_that_does_not_fit_its_tag_is_an_error_at_its_place(
    write: Write, value: str, message: str
) -> None:
    write("roles.yaml", ROLE.format(value=value))
    text = at(only_error(check()), "cfg/roles.yaml", 5, 22)
    assert f"accounts[0].roles[0].description: {message}" in text
    assert "hint:" in text


def test_a_tag_on_a_key_other_than_a_scalar_one_is_refused(write: Write) -> None:
    write("roles.yaml", "accounts:\n  - name: A\n    !foo roles: []\n")
    text = at(only_error(check()), "cfg/roles.yaml", 3, 5)
    assert "unsupported YAML tag '!foo' on a key" in text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("!!int 42", 42),
        ("!!int 0x1F", 31),
        ("!!int 0o17", 15),
        ('!!int "12"', 12),
        ("!!float 5", 5.0),
        ("!!float 1e3", 1000.0),
        ("!!float 1_000", 1000.0),
        ("!!float 1.5", 1.5),
        ("!!bool yes", True),
        ("!!bool false", False),
        ("!!null ~", None),
        ('!!null ""', None),
        ("!!str 5", "5"),
        ("!!str true", "true"),
        ("!!timestamp 2024-01-31", "2024-01-31"),
    ],
)
def test_a_value_that_fits_its_tag_takes_the_tags_type(
    tmp_path: Path, value: str, expected: object
) -> None:
    (tmp_path / "a.yaml").write_text(f"value: {value}\n", encoding="utf-8")
    diagnostics = Diagnostics()
    documents = load_path(tmp_path / "a.yaml", diagnostics).documents
    assert not diagnostics.errors, diagnostics.errors
    loaded = documents[0].data["value"]
    assert loaded == expected
    assert type(loaded) is type(expected)


def test_the_cli_reports_a_bad_tag_with_exit_code_1(tmp_path: Path) -> None:
    (tmp_path / "roles.yaml").write_text(ROLE.format(value="!!int abc"), encoding="utf-8")
    result = run_cli("validate", "roles.yaml", cwd=tmp_path)
    assert result.returncode == 1
    assert "Internal error" not in result.stdout + result.stderr
    assert result.stdout.startswith(
        "roles.yaml:5:22: accounts[0].roles[0].description: 'abc' is not an integer"
    ), result.stdout
