"""Validation rules end to end: routes name them by name, in every account alike."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from e2e_helpers import applied, apply_order, config_folder, no_changes

from ambraconf.sandbox.harness import SandboxHandle

ACCOUNT = "Sandbox Hospital"
RULE = f"{ACCOUNT}/validation_rule/Complete study"
CONFIG = """\
accounts:
  - name: Sandbox Hospital
    validation_rules:
      - name: Complete study
        conditions:
          - {tag: "(0010,0020)", check: exists}
          - {tag: "(0008,0050)", check: match, regexp: "^ACC"}
          - {tag: "(0020,000D)", check: identical, range: study}
    routes:
      - name: Well formed
        conditions:
          - {validate: Complete study, op: greater_than_or_equals, rv: "100"}
        actions:
          - share_code: WELL-FORMED
"""
CHANGED = [
    {"tag": "(0010,0020)", "check": "exists"},
    {"tag": "(0008,0050)", "check": "match", "regexp": "^X"},
    {"tag": "(0020,000D)", "check": "identical", "range": "study"},
]


@pytest.fixture
def config(tmp_path: Path) -> Path:
    return config_folder(tmp_path / "config", CONFIG)


def edit(folder: Path, old: str, new: str) -> None:
    path = folder / "account.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def live_rules(sandbox: SandboxHandle) -> dict[str, dict]:
    rules = sandbox.ok("/validate/list", account_id=sandbox.account_id)["validates"]
    return {r["name"]: r for r in rules}


def live_route(sandbox: SandboxHandle) -> dict:
    [route] = sandbox.ok("/route/list", account_id=sandbox.account_id)["routes"]
    return route


def test_apply_creates_the_rule_before_the_route_that_names_it(
    ambraconf, sandbox: SandboxHandle, config: Path
):
    order = apply_order(ambraconf, config)
    out = applied(ambraconf, config)
    assert order.index("validation_rule Complete study") < order.index("route Well formed")
    assert "2 created" in out
    rule = live_rules(sandbox)["Complete study"]
    assert rule["conditions"][1] == {"tag": "(0008,0050)", "check": "match", "regexp": "^ACC"}
    assert live_route(sandbox)["conditions"][0] == {
        "lv": f"validate-{rule['uuid']}",
        "op": "greater_than_or_equals",
        "rv": "100",
    }
    no_changes(ambraconf, config)


def test_drift_names_the_changed_field_with_git_and_live_values(
    ambraconf, sandbox: SandboxHandle, config: Path
):
    applied(ambraconf, config)
    rule = live_rules(sandbox)["Complete study"]
    sandbox.ok("/validate/set", uuid=rule["uuid"], name="Complete study", conditions=CHANGED)
    run = ambraconf("drift", str(config), "--format", "json")
    assert run.code == 2, run.err
    [drifted] = [o for a in json.loads(run.out)["accounts"] for o in a["objects"]]
    assert (drifted["address"], drifted["status"], drifted["cause"]) == (
        RULE,
        "differs",
        "outside",
    )
    [difference] = drifted["differences"]
    assert (difference["field"], difference["git"][1], difference["live"]) == (
        "conditions",
        {"tag": "(0008,0050)", "check": "match", "regexp": "^ACC"},
        CHANGED,
    )
    text = ambraconf("drift", str(config))
    assert '~ validation rule "Complete study" differs' in text.out
    assert (
        "      conditions (2 items the same): + in git, - live\n"
        '        - {"check": "match", "regexp": "^X", "tag": "(0008,0050)"}\n'
        '        + {"check": "match", "regexp": "^ACC", "tag": "(0008,0050)"}\n'
    ) in text.out


def test_export_names_the_rule_in_the_route_and_plans_no_changes(
    ambraconf, sandbox: SandboxHandle, config: Path, tmp_path: Path
):
    applied(ambraconf, config)
    exported = tmp_path / "exported"
    run = ambraconf("export", "--account", ACCOUNT, "--out", str(exported))
    assert run.code == 0, run.err
    rules = yaml.safe_load((exported / "validation_rules.yaml").read_text())
    assert rules["accounts"][0]["validation_rules"] == [
        {
            "name": "Complete study",
            "conditions": [
                {"tag": "(0010,0020)", "check": "exists"},
                {"tag": "(0008,0050)", "check": "match", "regexp": "^ACC"},
                {"tag": "(0020,000D)", "check": "identical", "range": "study"},
            ],
        }
    ]
    routes = yaml.safe_load((exported / "routes.yaml").read_text())["accounts"][0]["routes"]
    assert routes[0]["conditions"] == [
        {"validate": "Complete study", "op": "greater_than_or_equals", "rv": "100"}
    ]
    no_changes(ambraconf, exported)


def test_an_unmanaged_rule_is_deleted_only_under_prune(
    ambraconf, sandbox: SandboxHandle, config: Path
):
    conditions = [{"tag": "(0008,0060)", "check": "not_empty"}]
    sandbox.ok("/validate/add", account_id=sandbox.account_id, name="Legacy", conditions=conditions)
    out = applied(ambraconf, config)
    assert "0 deleted" in out
    assert sorted(live_rules(sandbox)) == ["Complete study", "Legacy"]
    edit(
        config,
        "  - name: Sandbox Hospital\n",
        "  - name: Sandbox Hospital\n    prune: {validation_rules: true}\n",
    )
    out = applied(ambraconf, config)
    assert '- validation_rule "Legacy"' in out
    assert "1 deleted" in out
    assert sorted(live_rules(sandbox)) == ["Complete study"]
    no_changes(ambraconf, config)


def test_a_renamed_rule_keeps_the_route_that_names_it(
    ambraconf, sandbox: SandboxHandle, config: Path
):
    applied(ambraconf, config)
    before = live_rules(sandbox)["Complete study"]["uuid"]
    edit(
        config,
        "      - name: Complete study\n",
        "      - name: Complete series\n        renamed_from: Complete study\n",
    )
    edit(config, "{validate: Complete study,", "{validate: Complete series,")
    plan = ambraconf("plan", str(config)).out
    assert '~ validation_rule "Complete series"' in plan
    assert "(renamed from 'Complete study')" in plan
    assert 'route "Well formed"' not in plan  # it names the same rule, whose uuid stays
    applied(ambraconf, config)
    assert list(live_rules(sandbox)) == ["Complete series"]
    assert live_rules(sandbox)["Complete series"]["uuid"] == before
    assert live_route(sandbox)["conditions"][0]["lv"] == f"validate-{before}"
    no_changes(ambraconf, config)


def test_validate_points_at_each_mistake(ambraconf, config: Path):
    eleven = "".join(
        f'          - {{tag: "(0008,0050)", check: not_match, regexp: "^{n}"}}\n' for n in range(11)
    )
    edit(
        config,
        "    routes:\n",
        f"      - name: Too many\n        conditions:\n{eleven}    routes:\n",
    )
    edit(config, '"(0010,0020)", check: exists', '"(0010,0020", check: exits')
    edit(config, "check: identical, range: study", "check: identical")
    edit(
        config,
        "{validate: Complete study,",
        "{lv: validate-0f8e0a1c-1b2c-4d5e-8f90-a1b2c3d4e5f6,",
    )
    run = ambraconf("validate", str(config))
    assert run.code == 1
    where = f"{config / 'account.yaml'}:"
    rules, route = "accounts[0].validation_rules", "accounts[0].routes[0].conditions[0]"
    assert run.out.splitlines()[:-1] == [
        f"{where}6:19: {rules}[0].conditions[0].tag: expected a DICOM tag like (0010,0020), "
        "upper case hex, got '(0010,0020'",
        f"{where}6:40: {rules}[0].conditions[0].check: unknown check 'exits' "
        "(did you mean 'exists'?)",
        f"{where}8:13: {rules}[0].conditions[2]: check 'identical' needs a range: study or series",
        f"{where}21:13: {rules}[1].conditions[10]: a validation rule takes at most 10 regular "
        "expression conditions (match, not_match); this one has 11",
        f"{where}25:18: {route}.lv: name the validation rule instead: "
        "validate: <validation rule name>",
    ]


def test_a_route_naming_no_rule_is_an_error(ambraconf, config: Path):
    edit(config, "{validate: Complete study,", "{validate: Complete studies,")
    run = ambraconf("validate", str(config))
    assert run.code == 1
    assert (
        f"{config / 'account.yaml'}:12:24: accounts[0].routes[0].conditions[0].validate: "
        "condition validation rule 'Complete studies': no validation rule of that name in "
        "account 'Sandbox Hospital'"
    ) in run.out


def test_a_pruned_rule_is_deleted_after_the_route_stops_naming_it(
    ambraconf, sandbox: SandboxHandle, config: Path
):
    applied(ambraconf, config)
    path = config / "account.yaml"
    text = path.read_text()
    start, end = text.index("    validation_rules:\n"), text.index("    routes:\n")
    path.write_text(text[:start] + "    prune: {validation_rules: true}\n" + text[end:])
    edit(config, "{validate: Complete study,", "{lv: modality,")
    out = applied(ambraconf, config)
    assert "1 updated, 1 deleted" in out
    assert live_rules(sandbox) == {}
    assert live_route(sandbox)["conditions"][0]["lv"] == "modality"
    no_changes(ambraconf, config)
