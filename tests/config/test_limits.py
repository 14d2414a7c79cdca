"""Limits on what one configuration may hold: past each, a message at the place it was
crossed that says what the limit is, instead of minutes of work or a MemoryError. The
limits are lowered here so that small files cross them; the real values are documented."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from config_helpers import Write, at, check, only_error, run_cli

from ambraconf import suggest
from ambraconf.config import loader, validate
from benchmarks import workload

ROLE = """\
accounts:
  - name: A
    roles:
      - name: R
        description: {value}
"""


def test_a_ten_thousand_object_account_in_one_file_is_within_every_limit(
    tmp_path: Path,
) -> None:
    """The benchmark's account, at the size the limits are chosen to leave room for, written
    as one file (the benchmark splits it by kind) so that the per-file limits see it all,
    in JSON (which is YAML) because PyYAML's dumper would take longer than the check."""
    document = {"accounts": [workload.account(10_000)]}
    (tmp_path / "account.yaml").write_text(json.dumps(document, indent=2), encoding="utf-8")
    result = validate.validate_path(tmp_path / "account.yaml", env={})
    assert result.ok, result.errors[:3]
    (account,) = result.accounts
    objects = sum(len(items) for kind, items in account.objects.items() if kind != "account")
    assert objects >= 10_000


def test_a_number_with_too_many_digits_is_refused_and_quoted_it_is_text(tmp_path: Path) -> None:
    digits = "9" * 4301  # past Python's own limit for int(), which used to surface raw
    (tmp_path / "roles.yaml").write_text(ROLE.format(value=digits), encoding="utf-8")
    result = run_cli("validate", "roles.yaml", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.startswith(
        "roles.yaml:5:22: accounts[0].roles[0].description: number too long "
        "(4,301 characters; the limit is 100)\n  hint: quote it if it is text"
    ), result.stdout + result.stderr
    (tmp_path / "roles.yaml").write_text(ROLE.format(value=f"'{digits}'"), encoding="utf-8")
    assert run_cli("validate", "roles.yaml", cwd=tmp_path).returncode == 0


def test_a_text_past_the_limit_is_refused_at_its_place(
    write: Write, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loader, "MAX_TEXT_CHARS", 40)
    write("roles.yaml", ROLE.format(value="x" * 40))
    assert check().ok
    write("roles.yaml", ROLE.format(value="x" * 41))
    text = at(only_error(check()), "cfg/roles.yaml", 5, 22)
    assert "description: text too long (41 characters; the limit is 40)" in text


def test_a_key_past_the_limit_is_refused_at_its_place(
    write: Write, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loader, "MAX_KEY_CHARS", 15)
    write("roles.yaml", ROLE.format(value="x").replace("description", "descriptionabcd"))
    assert "key too long" not in only_error(check()).message  # an unknown key, not too long
    write("roles.yaml", ROLE.format(value="x").replace("description", "descriptionabcde"))
    text = at(only_error(check()), "cfg/roles.yaml", 5, 9)
    assert "key too long (16 characters; the limit is 15)" in text


def test_a_file_past_the_value_limit_is_refused_where_it_crosses_it(
    write: Write, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loader, "MAX_VALUES", 100)
    items = "".join(f"      - Block {i}\n" for i in range(200))
    write("big.yaml", f"accounts:\n  - name: A\n    include:\n{items}")
    # the name is value 1, so the 100th item is value 101
    text = at(only_error(check()), "cfg/big.yaml", 103, 9)
    assert "document too large: more than 100 values in one file" in text
    assert "hint: split the configuration into several files" in text


def test_aliases_past_the_limit_are_refused_at_the_alias_that_crosses_it(
    write: Write, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loader, "MAX_ALIASED_VALUES", 10)
    perms = "&p {study_view: true, study_edit: true}"  # a mapping and two values: 3
    roles = [f"      - {{name: R0, permissions: {perms}}}"]
    roles += [f"      - {{name: R{i}, permissions: *p}}" for i in range(1, 5)]
    write("roles.yaml", "accounts:\n  - name: A\n    roles:\n" + "\n".join(roles) + "\n")
    text = at(only_error(check()), "cfg/roles.yaml", 8, 33)
    assert (
        "document too large: aliases bring in more than 10 values in one file "
        "(this one, *p, 3)" in text
    )


def test_including_a_shared_block_past_the_limit_is_refused_at_the_include(
    write: Write, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(validate, "MAX_INCLUDED_VALUES", 10)
    accounts = "".join(f"  - name: A{i}\n    include: [base]\n" for i in range(3))
    # the roles list, two roles and their names: 5 values per include
    write(
        "cfg.yaml",
        f"shared:\n  base:\n    roles: [{{name: R1}}, {{name: R2}}]\naccounts:\n{accounts}",
    )
    result = check()
    text = at(only_error(result), "cfg/cfg.yaml", 10, 15)
    assert "accounts[2].include[0]: too much included: shared block 'base' holds 5 values" in text
    assert [len(a.objects["role"]) for a in result.accounts] == [2, 2, 0]


def test_suggestions_stop_after_the_budget_and_the_errors_do_not(
    write: Write, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(suggest, "SUGGESTIONS_PER_RUN", 20)
    permissions = "".join(f"          study_view{i}: true\n" for i in range(30))
    write(
        "roles.yaml",
        f"accounts:\n  - name: A\n    roles:\n      - name: R\n        permissions:\n{permissions}",
    )
    errors = check().errors
    assert len(errors) == 30
    suggested = [e for e in errors if "did you mean 'study_view'?" in e.message]
    assert len(suggested) == 20
    assert "did you mean" in errors[0].message  # the first ones, the ones shown, have one
    # a new run has a new budget
    assert "did you mean" in check().errors[0].message
