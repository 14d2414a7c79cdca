"""``policies:``: rules over the desired state that validate checks offline, each violation
at the object's line and naming the policy's line."""

from __future__ import annotations

from pathlib import Path

from config_helpers import Write, at, check, only_error

ACCOUNTS = """\
accounts:
  - name: Northshore UAT
    fields: {share_via_gateway: true}
    roles:
      - name: Admin
        permissions: {account_user_edit: true}
      - name: Radiologist
        permissions:
          study_view: true
          account_user_edit: true
    users:
      - {email: a@example.org, role: Admin}
      - {email: b@example.org, role: Admin}
    routes:
      - name: To PACS
        suspended: true
        actions:
          - destination: PACS Main
      - name: To EHR
        actions:
          - webhook: EHR
    webhooks:
      - {name: EHR, url: "https://ehr.example.org/hook", method: POST, event: STUDY_VIEW}
"""


def policy(write: Write, body: str) -> None:
    write("accounts.yaml", ACCOUNTS)
    write("policies/rules.yaml", "policies:\n" + body)


def test_a_forbidden_permission_is_an_error_at_the_grant_naming_the_policy(
    write: Write,
) -> None:
    policy(
        write,
        "  - name: only Admin edits users\n"
        "    kind: roles\n"
        "    except: [Admin]\n"
        "    forbid: {permissions.account_user_edit: true}\n",
    )
    text = at(only_error(check()), "cfg/accounts.yaml", 10, 30)
    assert "violates policy 'only Admin edits users' (cfg/policies/rules.yaml:5:5)" in text
    assert "role 'Radiologist' sets permissions.account_user_edit to true" in text


def test_required_values_name_the_objects_that_miss_them(write: Write) -> None:
    policy(
        write,
        "  - name: UAT routes are suspended\n"
        "    accounts: '*UAT*'\n"
        "    kind: routes\n"
        "    require: {suspended: true}\n",
    )
    text = at(only_error(check()), "cfg/accounts.yaml", 19, 9)
    assert "route 'To EHR' does not set suspended (required: true)" in text


def test_a_policy_for_other_accounts_checks_nothing_here(write: Write) -> None:
    policy(
        write,
        "  - {name: prod, accounts: '*Production*', kind: routes, require: {suspended: true}}\n",
    )
    assert check().errors == []


def test_limits_count_the_objects_a_where_selects(write: Write) -> None:
    policy(
        write,
        "  - {name: one admin, kind: users, where: {role: admin}, max: 1}\n",
    )
    text = at(only_error(check()), "cfg/accounts.yaml", 13, 9)
    assert "account 'Northshore UAT' has 2 account users it covers, at most 1 allowed" in text
    assert "'b@example.org' is one too many" in text


def test_allowed_route_actions_and_destinations(write: Write) -> None:
    policy(
        write,
        "  - name: actions\n"
        "    kind: routes\n"
        "    allow: {actions: [destination], actions.destination: ['PACS *']}\n",
    )
    text = at(only_error(check()), "cfg/accounts.yaml", 21, 13)
    assert "route 'To EHR' has actions webhook, allowed: destination" in text


def test_account_settings_and_fields_by_pattern(write: Write) -> None:
    policy(
        write,
        "  - {name: no outside sharing, kind: account, forbid: {share_via_gateway: true}}\n",
    )
    text = at(only_error(check()), "cfg/accounts.yaml", 3, 33)
    assert "account 'Northshore UAT' sets share_via_gateway to true" in text


def test_a_typo_in_a_kind_or_field_is_an_error_not_a_rule_that_checks_nothing(
    write: Write,
) -> None:
    policy(
        write,
        "  - {name: a, kind: rols, forbid: {permissions.x: true}}\n"
        "  - {name: b, kind: roles, forbid: {permission.x: true}}\n"
        "  - {name: c, kind: roles}\n"
        "  - {name: a, kind: routes, max: 3, bogus: 1}\n",
    )
    messages = [str(d) for d in check().errors]
    assert any("unknown kind 'rols' (did you mean 'roles'" in m for m in messages), messages
    typo = "a role has no field 'permission' (did you mean 'permissions'"
    assert any(typo in m for m in messages), messages
    assert any("policy 'c' checks nothing" in m for m in messages)
    assert any("bogus" in m for m in messages)
    assert len(messages) == 4, messages


def test_policy_names_are_unique(write: Write) -> None:
    policy(
        write,
        "  - {name: cap, kind: routes, max: 5}\n  - {name: CAP, kind: roles, max: 5}\n",
    )
    text = at(only_error(check()), "cfg/policies/rules.yaml", 3, 12)
    assert "policy 'CAP' is defined twice (first at cfg/policies/rules.yaml:2:12)" in text


def test_the_rules_in_the_docs_are_valid_rules(write: Write) -> None:
    text = (Path(__file__).parents[2] / "docs" / "policies.md").read_text()
    block = text.split("## The issue's rules\n\n```yaml\n")[1].split("```")[0]
    write("accounts.yaml", "accounts:\n  - name: Northshore Production\n")
    write("policies.yaml", block)
    result = check()
    assert result.errors == []
    assert len(result.policies) == 6


def test_policies_that_are_not_rules_are_errors_where_written(write: Write) -> None:
    write("accounts.yaml", ACCOUNTS)
    write("p.yaml", "policies: [just text]\n")
    write("q.yaml", "policies: {name: x}\n")
    messages = [str(d) for d in check().errors]
    assert messages == [
        "cfg/p.yaml:1:12: policies[0]: a policy is a mapping, got text 'just text'",
        "cfg/q.yaml:1:11: policies: 'policies' is a list of policies, got a mapping",
    ], messages
