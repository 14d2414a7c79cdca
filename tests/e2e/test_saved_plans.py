"""Saved plans applied from anywhere, and with a target of their own."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest


def roles(sandbox) -> list[str]:
    return [r["name"] for r in sandbox.ok("/role/list", account_id=sandbox.account_id)["roles"]]


def test_a_plan_made_with_a_relative_path_applies_from_another_directory(
    ambraconf, with_pacs, clinic: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(clinic.parent)
    assert ambraconf("plan", "clinic", "--out", "plan.json").code == 0
    saved = json.loads((clinic.parent / "plan.json").read_text())
    assert saved["config_path"] == str(clinic.resolve())

    monkeypatch.chdir("/")
    run = ambraconf("apply", str(clinic.parent / "plan.json"))
    assert run.code == 0, run.err
    assert "Apply complete: 5 created" in run.out
    assert "Radiologist" in roles(with_pacs)


def test_a_plan_moved_with_its_config_finds_the_config_beside_it(
    ambraconf, with_pacs, clinic: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(clinic.parent)
    assert ambraconf("plan", "clinic", "--out", "plan.json").code == 0
    moved = tmp_path / "elsewhere"
    moved.mkdir()
    shutil.move(clinic, moved / "clinic")
    shutil.move(clinic.parent / "plan.json", moved / "plan.json")
    monkeypatch.chdir("/")
    run = ambraconf("apply", str(moved / "plan.json"))
    assert run.code == 0, run.err
    assert "Apply complete: 5 created" in run.out


def test_a_plan_whose_config_is_gone_says_where_it_looked(
    ambraconf, with_pacs, clinic: Path, tmp_path: Path
) -> None:
    plan = tmp_path / "plan.json"
    assert ambraconf("plan", str(clinic), "--out", str(plan)).code == 0
    shutil.rmtree(clinic)
    run = ambraconf("apply", str(plan))
    assert run.code == 1
    assert f"the config the plan {plan} was made from is not there: tried {clinic}" in run.err
    assert "no such file or directory" not in run.err


def test_a_target_of_an_untargeted_plan_applies_that_part_only(
    ambraconf, with_pacs, clinic: Path, tmp_path: Path
) -> None:
    plan = tmp_path / "plan.json"
    assert ambraconf("plan", str(clinic), "--out", str(plan)).code == 0
    run = ambraconf("apply", str(plan), "--target", "group/Cardiology")
    assert run.code == 0, run.err
    assert "out of date" not in run.err
    assert "Apply complete: 3 created" in run.out  # the group, its role and custom field
    assert "Radiologist" in roles(with_pacs)
    webhooks = with_pacs.ok("/webhook/list", account_id=with_pacs.account_id)["webhooks"]
    assert webhooks == []


def test_a_targeted_plan_applied_alone_applies_its_target_only(
    ambraconf, with_pacs, clinic: Path, tmp_path: Path
) -> None:
    plan = tmp_path / "plan.json"
    assert (
        ambraconf("plan", str(clinic), "--target", "role/Radiologist", "--out", str(plan)).code == 0
    )
    assert json.loads(plan.read_text())["targets"] == ["role/Radiologist"]
    run = ambraconf("apply", str(plan))
    assert run.code == 0, run.err
    assert "Apply complete: 2 created" in run.out

    other = ambraconf("apply", str(plan), "--target", "webhook/Notify EHR")
    assert other.code == 1
    assert "these are not in it as reviewed: Sandbox Hospital/webhook/Notify EHR" in other.err


def test_a_plan_applied_after_its_config_changed_names_the_files(
    ambraconf, with_pacs, clinic: Path, tmp_path: Path
) -> None:
    plan = tmp_path / "plan.json"
    assert ambraconf("plan", str(clinic), "--out", str(plan)).code == 0
    assert list(json.loads(plan.read_text())["config_files"]) == ["clinic.yaml"]
    config = clinic / "clinic.yaml"
    config.write_text(config.read_text() + "# reviewed? not this line\n")  # same actions
    (clinic / "notes.yaml").write_text("# a file validate reads too\n")

    run = ambraconf("apply", str(plan))
    assert run.code == 1
    assert (
        "the saved plan is out of date; the config changed since the plan was saved: "
        "clinic.yaml (changed), notes.yaml (new)\n"
    ) in run.err
    assert "live objects changed" not in run.err and "secret" not in run.err
    assert "run plan again, review it, and apply the new plan" in run.err
    assert "Radiologist" not in roles(with_pacs)


def test_a_config_file_removed_after_the_plan_is_named(
    ambraconf, with_pacs, clinic: Path, tmp_path: Path
) -> None:
    (clinic / "notes.yaml").write_text("# nothing yet\n")
    plan = tmp_path / "plan.json"
    assert ambraconf("plan", str(clinic), "--out", str(plan)).code == 0
    (clinic / "notes.yaml").unlink()
    run = ambraconf("apply", str(plan), "--format", "json")
    assert run.code == 1
    error = json.loads(run.out)["error"]
    assert error["code"] == "stale_plan"
    assert "the config changed since the plan was saved: notes.yaml (removed)" in error["message"]


def test_a_code_file_the_config_names_is_part_of_the_plan_digest(
    ambraconf, sandbox, tmp_path: Path
) -> None:
    folder = tmp_path / "cfg"
    (folder / "validators").mkdir(parents=True)
    code = folder / "validators" / "check.py"
    code.write_text("def validate(study):\n    return True\n")
    account = {
        "name": "Sandbox Hospital",
        "customcodes": [{"name": "Check", "code_file": "validators/check.py"}],
    }
    (folder / "account.yaml").write_text(json.dumps({"accounts": [account]}))
    plan = tmp_path / "plan.json"
    assert ambraconf("plan", str(folder), "--out", str(plan)).code == 0
    assert list(json.loads(plan.read_text())["config_files"]) == [
        "account.yaml",
        "validators/check.py",
    ]
    code.write_text("def validate(study):\n    return False\n")
    run = ambraconf("apply", str(plan))
    assert run.code == 1
    assert "the config changed since the plan was saved: validators/check.py (changed)" in run.err
    codes = sandbox.ok("/customcode/list", account_id=sandbox.account_id)["customcodes"]
    assert codes == []


def test_live_state_moving_is_not_called_a_config_change(
    ambraconf, with_pacs, clinic: Path, tmp_path: Path
) -> None:
    plan = tmp_path / "plan.json"
    assert ambraconf("plan", str(clinic), "--out", str(plan)).code == 0
    with_pacs.ok("/role/add", account_id=with_pacs.account_id, name="Radiologist")
    run = ambraconf("apply", str(plan))
    assert run.code == 1
    assert "the saved plan is out of date" in run.err
    assert "the config changed" not in run.err
    assert (
        "the config files are unchanged, but live state or an ${env:...} value moved, so these "
        "actions are not as reviewed: Sandbox Hospital/role/Radiologist"
    ) in run.err


def test_a_plan_without_config_digests_is_refused_honestly(
    ambraconf, with_pacs, clinic: Path, tmp_path: Path
) -> None:
    plan = tmp_path / "plan.json"
    assert ambraconf("plan", str(clinic), "--out", str(plan)).code == 0
    document = json.loads(plan.read_text())
    del document["config_files"]  # as an ambraconf before the digests wrote it
    plan.write_text(json.dumps(document))
    run = ambraconf("apply", str(plan))
    assert run.code == 1
    assert "the saved plan records no digests of its config files" in run.err
    assert "Radiologist" not in roles(with_pacs)
