"""Terminology overrides end to end: written with /terminology/set, read back as ``val``,
drift naming the value, export round trip, and removal (an empty value) only under prune."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from e2e_helpers import applied, no_changes

from ambraconf.sandbox.harness import SandboxHandle

ACCOUNT = "Sandbox Hospital"
EXAM = {"language": "en", "tag": "study", "value": "Exam"}
SUBJECT = {"language": "en", "tag": "patient", "value": "Subject"}
EXAMEN = {"language": "fr", "tag": "study", "value": "Examen"}


def config(folder: Path, terminology: list[dict[str, Any]], head: str = "") -> Path:
    folder.mkdir(exist_ok=True)
    account = {"name": ACCOUNT, **yaml.safe_load(head or "{}"), "terminology": terminology}
    (folder / "account.yaml").write_text(yaml.safe_dump({"accounts": [account]}, sort_keys=False))
    return folder


def live(sandbox: SandboxHandle) -> dict[tuple[str, str], str]:
    tags = sandbox.ok("/terminology/account/overrides", account_id=sandbox.account_id)["tags"]
    return {(t["language"], t["tag"]): t["val"] for t in tags}


def test_apply_sets_each_override_and_then_plans_no_changes(ambraconf, sandbox, tmp_path):
    folder = config(tmp_path / "cfg", [EXAM, SUBJECT, EXAMEN])
    assert "Apply complete: 3 created, 0 updated, 0 deleted." in applied(ambraconf, folder)
    assert live(sandbox) == {
        ("en", "study"): "Exam",
        ("en", "patient"): "Subject",
        ("fr", "study"): "Examen",
    }
    no_changes(ambraconf, folder)
    changed = config(tmp_path / "cfg", [{**EXAM, "value": "Scan"}, SUBJECT, EXAMEN])
    assert "Apply complete: 0 created, 1 updated, 0 deleted." in applied(ambraconf, changed)
    assert live(sandbox)[("en", "study")] == "Scan"


def test_a_change_by_hand_is_drift_naming_the_value(ambraconf, sandbox, tmp_path):
    folder = config(tmp_path / "cfg", [EXAM, EXAMEN])
    applied(ambraconf, folder)
    sandbox.ok("/terminology/set", account_id=sandbox.account_id, value="Visit", **_key(EXAM))
    run = ambraconf("drift", str(folder), "--format", "json")
    assert run.code == 2, run.err
    [account] = json.loads(run.out)["accounts"]
    [drifted] = account["objects"]
    assert drifted["address"] == f"{ACCOUNT}/terminology/en/study"
    assert [(d["field"], d["git"], d["live"]) for d in drifted["differences"]] == [
        ("value", "Exam", "Visit")
    ]


def test_an_override_no_file_lists_is_removed_only_under_prune(ambraconf, sandbox, tmp_path):
    sandbox.seed({"accounts": [{"name": ACCOUNT, "terminology": [EXAM, SUBJECT]}]})
    folder = config(tmp_path / "cfg", [EXAM])
    plan = ambraconf("plan", str(folder), "--format", "json")
    assert plan.code == 0, plan.err
    assert json.loads(plan.out)["unmanaged"] == {ACCOUNT: {"terminology": ["en/patient"]}}
    pruning = config(tmp_path / "cfg", [EXAM], head="prune: {terminology: true}")
    assert "Apply complete: 0 created, 0 updated, 1 deleted." in applied(ambraconf, pruning)
    assert live(sandbox) == {("en", "study"): "Exam"}


def test_export_plans_as_no_changes(ambraconf, sandbox, tmp_path):
    sandbox.seed({"accounts": [{"name": ACCOUNT, "terminology": [EXAMEN, EXAM, SUBJECT]}]})
    out = tmp_path / "exported"
    run = ambraconf("export", "--account", ACCOUNT, "--out", str(out))
    assert run.code == 0, run.err
    exported = yaml.safe_load((out / "terminology.yaml").read_text())["accounts"][0]
    assert exported["terminology"] == [SUBJECT, EXAM, EXAMEN]
    no_changes(ambraconf, out)


def test_validate_wants_an_iso_639_1_language_and_a_value(ambraconf, tmp_path):
    folder = config(
        tmp_path / "cfg",
        [
            {"language": "English", "tag": "study", "value": "Exam"},
            {**SUBJECT, "value": ""},
            {**EXAMEN, "renamed_from": "exam"},
        ],
    )
    run = ambraconf("validate", str(folder))
    assert run.code == 1
    assert "an ISO 639-1 language code such as en" in run.out
    assert "terminology[1].value: expected a value (an empty one deletes the tag" in run.out
    assert "known by its language and tag: renamed_from does not apply" in run.out


def _key(override: dict[str, str]) -> dict[str, str]:
    return {"tag": override["tag"], "language": override["language"]}
