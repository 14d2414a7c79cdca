"""Apply's safety rails: thresholds, protected objects, replaces that keep references."""

from __future__ import annotations

from pathlib import Path

from ambraconf.sandbox.harness import SandboxHandle


def edit(config: Path, old: str, new: str) -> None:
    text = config.read_text()
    assert old in text
    config.write_text(text.replace(old, new))


def many_roles(sandbox: SandboxHandle, clinic: Path, count: int) -> None:
    """``count`` live roles, and a config that changes every one of them."""
    lines = []
    for n in range(count):
        sandbox.ok("/role/add", account_id=sandbox.account_id, name=f"Reader {n}")
        lines.append(f"      - {{name: Reader {n}, for_location: false}}\n")
    edit(clinic / "clinic.yaml", "    roles:\n", "    roles:\n" + "".join(lines))


def test_changing_most_of_a_kind_needs_force(ambraconf, with_pacs, clinic: Path):
    many_roles(with_pacs, clinic, 12)
    run = ambraconf("apply", str(clinic), "--auto-approve")
    assert run.code == 1
    assert "refusing a plan that changes too much at once" in run.err
    assert "12 of 16 live role objects" in run.err
    assert "--force" in run.err
    run = ambraconf("apply", str(clinic), "--auto-approve", "--force")
    assert run.code == 0, run.out + run.err
    assert "12 updated" in run.out


def test_protected_object_is_never_replaced(ambraconf, with_pacs, clinic: Path):
    assert ambraconf("apply", str(clinic), "--auto-approve").code == 0
    config = clinic / "clinic.yaml"
    edit(config, "        type: select\n", "        type: multiselect\n        protect: true\n")
    run = ambraconf("plan", str(clinic))
    assert run.code == 1
    assert "custom field 'Study/Priority' is protected" in run.err
    assert "type" in run.err


def test_replace_makes_a_new_object_and_repoints_what_names_it(ambraconf, with_pacs, clinic: Path):
    assert ambraconf("apply", str(clinic), "--auto-approve").code == 0
    old = with_pacs.ok("/customfield/list", account_id=with_pacs.account_id)["customfields"]
    edit(clinic / "clinic.yaml", "        type: select\n", "        type: multiselect\n")
    plan = ambraconf("plan", str(clinic))
    assert '-/+ customfield "Study/Priority"' in plan.out
    assert "type can only be set when the custom field is created" in plan.out
    assert "re-pointed to the new customfield 'Study/Priority'" in plan.out
    run = ambraconf("apply", str(clinic), "--auto-approve")
    assert run.code == 0, run.out + run.err
    [new] = with_pacs.ok("/customfield/list", account_id=with_pacs.account_id)["customfields"]
    assert new["uuid"] != old[0]["uuid"] and new["type"] == "multiselect"
    route = with_pacs.ok("/route/list", account_id=with_pacs.account_id)["routes"][0]
    assert route["conditions"][0]["lv"] == f"customfield-{new['uuid']}"
    role = next(
        r
        for r in with_pacs.ok("/role/list", account_id=with_pacs.account_id)["roles"]
        if r["name"] == "Radiologist"
    )
    assert role["permissions"][f"study_field_customfield_{new['uuid']}"] == "R"
    after = ambraconf("plan", str(clinic), "--detailed-exitcode")
    assert after.code == 0, after.out
