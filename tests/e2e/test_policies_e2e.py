"""Policies over the plan: a delete that a policy forbids is shown first in every format,
makes plan exit 1, and is refused by apply. Against the sandbox, with the clinic config."""

from __future__ import annotations

import json
from pathlib import Path

from e2e_helpers import applied

from ambraconf.sandbox.harness import SandboxHandle

ROUTE = "Sandbox Hospital/route/Cardiology/STAT to PACS"
PROTECT = """\
policies:
  - name: production routes stay
    accounts: "*Hospital*"
    kind: routes
    forbid_ops: [delete, replace]
"""


def drop_route(clinic: Path) -> None:
    """Remove the clinic's only route from the files and prune routes."""
    config = clinic / "clinic.yaml"
    text = config.read_text()
    start, end = text.index("    routes:\n"), text.index("          - webhook: Notify EHR\n")
    text = text[:start] + text[end + len("          - webhook: Notify EHR\n") :]
    head = "  - name: Sandbox Hospital\n"
    config.write_text(text.replace(head, head + "    prune: {routes: true}\n"))


def routes(sandbox: SandboxHandle) -> list[str]:
    listed = sandbox.ok("/route/list", account_id=sandbox.account_id)["routes"]
    return [r["name"] for r in listed]


def test_a_forbidden_delete_fails_plan_in_every_format_and_apply_refuses_it(
    ambraconf, with_pacs, clinic: Path
):
    applied(ambraconf, clinic)
    (clinic / "policies.yaml").write_text(PROTECT)
    drop_route(clinic)

    text = ambraconf("plan", str(clinic))
    assert text.code == 1
    assert text.out.startswith("Policy violations (1), apply refuses this plan")
    assert f"  x {ROUTE}: delete of route 'Cardiology/STAT to PACS'" in text.out
    assert "policy 'production routes stay' at " in text.out
    assert "policies.yaml:5:5" in text.out

    markdown = ambraconf("plan", str(clinic), "--format", "markdown")
    assert markdown.code == 1
    assert markdown.out.index(":no_entry: Policy violations (1)") < markdown.out.index("| Account")

    document = json.loads(ambraconf("plan", str(clinic), "--format", "json").out)
    [violation] = document["violations"]
    assert violation["policy"] == "production routes stay"
    assert violation["address"] == ROUTE
    assert violation["op"] == "delete"
    assert violation["policy_at"].endswith("policies.yaml:5:5")

    run = ambraconf("apply", str(clinic), "--auto-approve", "--force")
    assert run.code == 1
    assert "refusing a plan that breaks policies (nothing was changed)" in run.err
    assert routes(with_pacs) == ["STAT to PACS"]


def test_the_same_delete_goes_ahead_where_no_policy_covers_it(ambraconf, with_pacs, clinic: Path):
    applied(ambraconf, clinic)
    (clinic / "policies.yaml").write_text(PROTECT.replace("*Hospital*", "*Production*"))
    drop_route(clinic)
    assert ambraconf("plan", str(clinic)).code == 0
    assert "1 deleted" in applied(ambraconf, clinic)
    assert routes(with_pacs) == []
