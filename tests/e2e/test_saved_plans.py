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
