"""Plan checks of policies (``forbid_ops``): which actions a policy refuses."""

from __future__ import annotations

from pathlib import Path

import pytest

from ambraconf.config.desired import Config
from ambraconf.config.validate import validate_path
from ambraconf.engine.plan import Action, Op, Plan
from ambraconf.engine.policy import PolicyViolated, check_plan, refuse_violations

FILES = """\
accounts:
  - name: Northshore Production
    roles:
      - {name: Radiologist, permissions: {study_view: true}}
      - {name: Clerk, description: front desk}
  - name: Northshore UAT
    roles:
      - {name: Radiologist}
policies:
  - name: production roles stay
    accounts: "*Production*"
    kind: roles
    names: ["R*", "Legacy *"]
    forbid_ops: [delete, replace]
  - name: viewers are never replaced
    kind: roles
    where: {permissions.study_view: true}
    forbid_ops: [replace]
"""


@pytest.fixture
def config(tmp_path: Path) -> Config:
    (tmp_path / "a.yaml").write_text(FILES)
    result = validate_path(tmp_path, env={})
    assert result.config is not None, [str(d) for d in result.errors]
    return result.config


def violations(config: Config, *actions: tuple[Op, str, str]) -> list[tuple[str, str]]:
    plan = Plan(url="http://ambra", accounts=[a.name for a in config.accounts])
    plan.actions = [Action(op, account, "role", name, "because") for op, account, name in actions]
    check_plan(plan, config)
    return [(v.policy, v.address) for v in plan.violations]


def test_covered_ops_in_covered_accounts_are_violations(config: Config) -> None:
    found = violations(
        config,
        ("replace", "Northshore Production", "Radiologist"),
        ("update", "Northshore Production", "Radiologist"),
        ("delete", "Northshore Production", "Legacy Reader"),  # a prune: in no file
        ("delete", "Northshore Production", "Clerk"),  # not a name it covers
        ("replace", "Northshore UAT", "Radiologist"),  # no study_view in UAT
    )
    assert found == [
        ("production roles stay", "Northshore Production/role/Radiologist"),
        ("production roles stay", "Northshore Production/role/Legacy Reader"),
        ("viewers are never replaced", "Northshore Production/role/Radiologist"),
    ]


def test_apply_refuses_a_plan_with_violations_naming_policy_and_place(config: Config) -> None:
    plan = Plan(url="http://ambra", accounts=["Northshore Production"])
    plan.actions = [Action("delete", "Northshore Production", "role", "Radiologist", "pruned")]
    check_plan(plan, config)
    [violation] = plan.violations
    assert violation.object_at is not None and violation.object_at.endswith("a.yaml:4:9")
    with pytest.raises(PolicyViolated) as refused:
        refuse_violations(plan)
    message = str(refused.value)
    assert "Northshore Production/role/Radiologist: delete of role 'Radiologist'" in message
    assert "violates policy 'production roles stay' (" in message
    assert refused.value.code == "policy_violation"
