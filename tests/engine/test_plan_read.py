"""What a plan reads: the kinds the config names, found from the names validation found."""

from __future__ import annotations

from pathlib import Path

import pytest

from ambraconf.config.validate import validate_path
from ambraconf.engine.planner import NamedBy
from ambraconf.engine.read import plan_read
from ambraconf.engine.workflow import catalogue
from ambraconf.kinds.refwalk import FoundNames, Walker

CONFIG = """\
accounts:
  - name: A
    groups:
      - name: Radiology
      - name: ED
        site: Main campus
  - name: B
    groups:
      - name: Cardiology
"""


def test_a_kind_only_named_is_read_where_an_object_names_it(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(CONFIG)
    config = validate_path(tmp_path / "a.yaml").config
    assert config is not None
    a, b = config.accounts
    assert "site" in plan_read(a, catalogue()).kinds
    assert "site" not in plan_read(b, catalogue()).kinds


def test_the_names_checked_are_the_names_planned_and_found_without_checks(
    tmp_path: Path,
) -> None:
    """Validation leaves one walk for every account; an account made without the checks
    (a fresh ``FoundNames``) finds the same names on its own."""
    (tmp_path / "a.yaml").write_text(CONFIG)
    config = validate_path(tmp_path / "a.yaml").config
    assert config is not None
    a, b = config.accounts
    assert a.found_names is b.found_names
    checked = plan_read(a, catalogue()).kinds
    a.found_names = FoundNames()
    assert plan_read(a, catalogue()).kinds == checked


def test_the_plan_walks_nothing_validation_walked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The plan's read and the planner's targets come from the checks' walk."""
    (tmp_path / "a.yaml").write_text(CONFIG)
    config = validate_path(tmp_path / "a.yaml").config
    assert config is not None
    walks: list[object] = []
    found = Walker.found
    monkeypatch.setattr(
        Walker, "found", lambda self, values: walks.append(values) or found(self, values)
    )
    cat = catalogue()
    names = NamedBy(cat.specs)
    for account in config.accounts:
        plan_read(account, cat)
        for obj in account.all_objects():
            names.of(obj.spec, obj.values, account.found_names)
    assert walks == []
