"""Policies over the plan: the changes a policy refuses (``forbid_ops``), whatever the files say.

The offline checks (``config.policies``) see only the desired state; a delete (a prune, or
the old object of a replace) or a replace exists only in the plan, so "no delete of routes
in production" is checked here, action by action. A plan with violations is shown with
them first and exits 1; apply refuses it before changing anything, and no flag overrides
a policy: changing one is a reviewed change to the files.
"""

from __future__ import annotations

from collections.abc import Sequence

from ambraconf.config.desired import Config
from ambraconf.config.errors import UserError
from ambraconf.config.policies import Policy
from ambraconf.engine.plan import Action, Plan, Violation
from ambraconf.kinds.spec import fold


class PolicyViolated(UserError):
    """The plan makes changes a policy forbids."""

    code = "policy_violation"


def check_plan(plan: Plan, config: Config) -> None:
    """Set ``plan.violations``: every action of a covered object whose op a policy forbids."""
    plan.violations = [
        violation
        for policy in config.policies
        if policy.rule.forbid_ops
        for action in plan.actions
        for violation in _violations(policy, action, config)
    ]


def refuse_violations(plan: Plan) -> None:
    """Stop an apply whose plan breaks a policy, listing every violation."""
    if not plan.violations:
        return
    raise PolicyViolated(
        "refusing a plan that breaks policies (nothing was changed):\n  "
        + "\n  ".join(describe(v) for v in plan.violations),
        hint="change the files so the plan keeps the policies, or change the policy "
        "in a reviewed change",
    )


def describe(violation: Violation) -> str:
    """One line: the action, the policy and where it is written."""
    return (
        f"{violation.address}: {violation.message}: violates policy "
        f"'{violation.policy}' ({violation.policy_at})"
    )


def _violations(policy: Policy, action: Action, config: Config) -> Sequence[Violation]:
    if (
        action.op not in policy.rule.forbid_ops
        or action.kind != policy.spec.name
        or not policy.covers_account(action.account)
        or not policy.covers_name(action.name)
    ):
        return ()
    account = config.account(action.account)
    obj = (
        next((o for o in account.of(action.kind) if fold(o.display) == fold(action.name)), None)
        if account
        else None
    )
    if obj is not None and not policy.selects(obj):
        return ()
    return [
        Violation(
            policy=policy.name,
            policy_at=policy.at("forbid_ops").where,
            address=action.address,
            op=action.op,
            message=f"{action.op} of {policy.spec.title} '{action.name}' ({action.reason})",
            object_at=obj.mark.where if obj is not None else None,
        )
    ]
