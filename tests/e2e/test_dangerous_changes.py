"""Changes dangerous by their meaning: listed first in every format, refused by apply until
acknowledged, whatever --force says. Against the sandbox, with the clinic config."""

from __future__ import annotations

import json
from pathlib import Path

from e2e_helpers import applied, no_changes

from ambraconf.sandbox.harness import SandboxHandle

ACCOUNT = "Sandbox Hospital"
ROLE = f"{ACCOUNT}/role/Radiologist"


def grant(clinic: Path, permission: str) -> None:
    """Give the clinic's Radiologist one more permission."""
    config = clinic / "clinic.yaml"
    text = config.read_text().replace(
        "          study_download: true\n",
        f"          study_download: true\n          {permission}: true\n",
    )
    config.write_text(text)


def acknowledge(clinic: Path, entry: str) -> None:
    config = clinic / "clinic.yaml"
    text = config.read_text().replace(f"  - name: {ACCOUNT}\n", f"  - name: {ACCOUNT}\n{entry}")
    config.write_text(text)


def live_permission(sandbox: SandboxHandle, permission: str) -> object:
    roles = sandbox.ok("/role/list", account_id=sandbox.account_id)["roles"]
    role = next(r for r in roles if r["name"] == "Radiologist")
    permissions = role["permissions"]
    return (json.loads(permissions) if isinstance(permissions, str) else permissions)[permission]


def shared_role(ambraconf, clinic: Path) -> None:
    """The clinic applied as it is, then its Radiologist given study_share_email, a
    permission that lets every holder email studies out of the account."""
    applied(ambraconf, clinic)
    grant(clinic, "study_share_email")


def test_a_new_role_is_not_dangerous_for_the_permissions_it_starts_with(
    ambraconf, with_pacs, clinic
):
    grant(clinic, "study_share_email")
    out = applied(ambraconf, clinic)
    assert "Dangerous" not in out


def test_plan_lists_a_widened_role_first_in_every_format(ambraconf, with_pacs, clinic: Path):
    shared_role(ambraconf, clinic)
    text = ambraconf("plan", str(clinic)).out
    assert text.startswith("Dangerous changes (1), refused by apply until acknowledged:")
    assert text.index('! role "Radiologist": grants a permission that shares') < text.index(
        "Plan: "
    )
    assert "      phi-sharing: permissions.study_share_email\n" in text

    markdown = ambraconf("plan", str(clinic), "--format", "markdown").out
    assert markdown.index("### :warning: Dangerous changes (1)") < markdown.index("| Account |")
    assert "(phi-sharing: permissions.study_share_email)" in markdown
    assert "**role <code>Radiologist</code> in Sandbox Hospital**" in markdown
    assert "#### Update role <code>Radiologist</code>" in markdown  # unfolded, not in <details>

    plan = json.loads(ambraconf("plan", str(clinic), "--format", "json").out)
    [danger] = plan["dangerous"]
    assert danger["address"] == ROLE
    assert (danger["account"], danger["kind"], danger["key"]) == (
        "Sandbox Hospital",
        "role",
        {"name": "Radiologist"},
    )
    assert danger["change"] == "phi-sharing"
    assert danger["paths"] == ["permissions.study_share_email"]
    assert danger["acknowledged"] is None
    action = next(a for a in plan["actions"] if a["address"] == ROLE)
    assert action["hazards"][0]["change"] == "phi-sharing"


def test_apply_refuses_an_unacknowledged_dangerous_change_even_with_force(
    ambraconf, with_pacs, clinic: Path
):
    shared_role(ambraconf, clinic)
    for extra in ((), ("--force",)):
        run = ambraconf("apply", str(clinic), "--auto-approve", *extra)
        assert run.code == 1
        assert "refusing dangerous changes no one acknowledged (nothing was changed)" in run.err
        assert f"{ROLE}: grants a permission that shares" in run.err
        assert "--allow-dangerous phi-sharing" in run.err
        assert "Traceback" not in run.err
    assert live_permission(with_pacs, "study_share_email") in (0, "0", False)


def test_allow_dangerous_names_the_class_it_lets_through(ambraconf, with_pacs, clinic: Path):
    shared_role(ambraconf, clinic)
    wrong = ambraconf("apply", str(clinic), "--auto-approve", "--allow-dangerous", "custom-code")
    assert wrong.code == 1
    run = ambraconf("apply", str(clinic), "--auto-approve", "--allow-dangerous", "phi-sharing")
    assert run.code == 0, run.out + run.err
    assert live_permission(with_pacs, "study_share_email") in (1, "1", True)
    no_changes(ambraconf, clinic)


def test_dangerous_ok_in_the_files_acknowledges_the_object_with_its_reason(
    ambraconf, with_pacs, clinic: Path
):
    shared_role(ambraconf, clinic)
    acknowledge(
        clinic,
        "    dangerous_ok:\n"
        "      roles:\n"
        "        Radiologist: CHG-1042, approved by the PACS team\n",
    )
    plan = ambraconf("plan", str(clinic)).out
    assert "acknowledged: CHG-1042, approved by the PACS team" in plan
    assert plan.startswith("Dangerous changes (1), acknowledged in the files:")
    assert "Acknowledge a class with" not in plan  # nothing left to acknowledge
    run = ambraconf("apply", str(clinic), "--auto-approve")
    assert run.code == 0, run.out + run.err
    assert live_permission(with_pacs, "study_share_email") in (1, "1", True)


def test_an_acknowledgement_names_one_object_not_the_kind(ambraconf, with_pacs, clinic: Path):
    shared_role(ambraconf, clinic)
    acknowledge(clinic, "    dangerous_ok:\n      roles:\n        Referrer: approved\n")
    assert ambraconf("apply", str(clinic), "--auto-approve").code == 1


def test_turning_off_anonymization_at_ingress_is_dangerous(ambraconf, with_pacs, clinic: Path):
    config = clinic / "clinic.yaml"
    on = config.read_text().replace(
        f"  - name: {ACCOUNT}\n",
        f"  - name: {ACCOUNT}\n    settings:\n      anonymize_at_ingress: true\n",
    )
    config.write_text(on)
    applied(ambraconf, clinic)
    config.write_text(on.replace("anonymize_at_ingress: true", "anonymize_at_ingress: false"))
    run = ambraconf("apply", str(clinic), "--auto-approve")
    assert run.code == 1
    assert "turns off a setting that applies anonymization rules" in run.err
    assert "(anonymization: settings.anonymize_at_ingress)" in run.err


def test_dangerous_ok_is_validated(ambraconf, clinic: Path):
    acknowledge(
        clinic,
        "    dangerous_ok:\n"
        "      role:\n"
        "        Radiologist: approved\n"
        "      roles:\n"
        "        Radiologist: ''\n",
    )
    run = ambraconf("validate", str(clinic))
    assert run.code == 1
    assert "unknown kind 'role'" in run.out + run.err
    assert "did you mean 'roles'" in run.out + run.err
    assert "say why the dangerous change is wanted" in run.out + run.err
