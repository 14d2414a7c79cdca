"""Account settings and namespace settings that mean exactly what the files say
(``exact: true``), against the sandbox: a setting changed by hand shows in plan and drift,
apply turns it off (account settings to their documented default, namespace overrides
reverted with ``__DELETE__``), and merge mode, the default, leaves it alone."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from e2e_helpers import applied, no_changes

from ambraconf.sandbox.harness import SandboxHandle

ACCOUNT = "Sandbox Hospital"


def config(folder: Path, head: dict[str, Any], groups: list[dict[str, Any]] = ()) -> Path:
    folder.mkdir(exist_ok=True)
    account: dict[str, Any] = {"name": ACCOUNT, **head}
    if groups:
        account["groups"] = list(groups)
    (folder / "account.yaml").write_text(yaml.safe_dump({"accounts": [account]}, sort_keys=False))
    return folder


def changes(
    ambraconf, folder: Path, kind: str, name: str = ACCOUNT
) -> tuple[list[tuple[str, Any, Any]], list[str]]:
    """The (path, before, after) changes and the notes of the plan's action on one object."""
    plan = ambraconf("plan", str(folder), "--format", "json")
    assert plan.code == 0, plan.err
    actions = json.loads(plan.out)["actions"]
    [action] = [a for a in actions if (a["kind"], a["name"]) == (kind, name)]
    return [(c["path"], c["before"], c["after"]) for c in action["changes"]], action["notes"]


def account_settings(sandbox: SandboxHandle) -> dict[str, Any]:
    return sandbox.ok("/account/get", uuid=sandbox.account_id)["settings"]


def namespace_of(sandbox: SandboxHandle, group: str) -> str:
    groups = sandbox.ok("/group/list", account_id=sandbox.account_id)["groups"]
    return next(g["namespace_id"] for g in groups if g["name"] == group)


def test_a_setting_set_by_hand_on_an_exact_account_is_drift_and_apply_reverts_it(
    ambraconf, sandbox: SandboxHandle, tmp_path: Path
):
    head = {"exact": True, "settings": {"enable_dicom_wrapping": True}}
    folder = config(tmp_path / "cfg", head)
    applied(ambraconf, folder)
    no_changes(ambraconf, folder)
    sandbox.ok("/account/set", uuid=sandbox.account_id, settings={"allow_phr_upload": "1"})

    found, notes = changes(ambraconf, folder, "account")
    assert found == [("settings.allow_phr_upload", True, False)]
    assert any(n.startswith("exact: ") for n in notes)
    drift = ambraconf("drift", str(folder), "--format", "json")
    assert drift.code == 2
    objects = [o for a in json.loads(drift.out)["accounts"] for o in a["objects"]]
    [item] = [o for o in objects if o["kind"] == "account"]
    fields = [(d["field"], d["git"], d["live"]) for d in item["differences"]]
    assert fields == [("settings.allow_phr_upload", False, True)]

    applied(ambraconf, folder)
    settings = account_settings(sandbox)
    assert (settings["allow_phr_upload"], settings["enable_dicom_wrapping"]) == ("0", "1")
    no_changes(ambraconf, folder)


def test_merge_mode_leaves_a_setting_set_by_hand_alone(
    ambraconf, sandbox: SandboxHandle, tmp_path: Path
):
    folder = config(tmp_path / "cfg", {"settings": {"enable_dicom_wrapping": True}})
    applied(ambraconf, folder)
    sandbox.ok("/account/set", uuid=sandbox.account_id, settings={"allow_phr_upload": "1"})
    no_changes(ambraconf, folder)
    assert account_settings(sandbox)["allow_phr_upload"] == "1"


def test_a_sysadmin_only_setting_is_left_alone_by_exact(
    ambraconf, sandbox: SandboxHandle, tmp_path: Path
):
    """viewer_study_enable_cpp_transcoding "can be set only by sysadmin"."""
    folder = config(tmp_path / "cfg", {"exact": True, "settings": {"enable_dicom_wrapping": True}})
    applied(ambraconf, folder)
    sandbox.ok(
        "/account/set",
        uuid=sandbox.account_id,
        settings={"viewer_study_enable_cpp_transcoding": "1"},
    )
    no_changes(ambraconf, folder)


def test_an_override_set_by_hand_on_an_exact_group_is_reverted(
    ambraconf, sandbox: SandboxHandle, tmp_path: Path
):
    group = {"name": "Cardiology", "exact": True, "namespace_settings": {"no_dup_share": True}}
    folder = config(tmp_path / "cfg", {}, [group])
    applied(ambraconf, folder)
    namespace = namespace_of(sandbox, "Cardiology")
    sandbox.ok("/namespace/settings", uuid=namespace, enable_dicom_wrapping="1", share_related=1)

    found, _ = changes(ambraconf, folder, "group", "Cardiology")
    assert sorted(found) == [
        ("namespace_settings.enable_dicom_wrapping", True, None),
        ("namespace_settings.share_related", True, False),
    ]
    drift = ambraconf("drift", str(folder))
    assert drift.code == 2
    assert "namespace_settings.enable_dicom_wrapping" in drift.out

    applied(ambraconf, folder)
    live = sandbox.ok("/namespace/settings", uuid=namespace)
    assert "enable_dicom_wrapping" not in live  # the account's value applies again
    assert (live["no_dup_share"], live["share_related"]) == (1, 0)
    no_changes(ambraconf, folder)


def test_the_account_exact_is_the_default_of_its_groups_and_covers_its_own_namespace(
    ambraconf, sandbox: SandboxHandle, tmp_path: Path
):
    head = {"exact": True, "fields": {"namespace_settings": {"share_related": True}}}
    merged = {"name": "Oncology", "exact": False, "namespace_settings": {"no_dup_share": True}}
    folder = config(
        tmp_path / "cfg", head, [{"name": "Cardiology", "namespace_settings": {}}, merged]
    )
    applied(ambraconf, folder)
    own = sandbox.ok("/account/get", uuid=sandbox.account_id)["namespace_id"]
    sandbox.ok("/namespace/settings", uuid=own, no_dup_share=1)
    sandbox.ok("/namespace/settings", uuid=namespace_of(sandbox, "Cardiology"), no_dup_share=1)
    sandbox.ok("/namespace/settings", uuid=namespace_of(sandbox, "Oncology"), share_related=1)

    assert changes(ambraconf, folder, "account")[0] == [
        ("namespace_settings.no_dup_share", True, False)
    ]
    assert changes(ambraconf, folder, "group", "Cardiology")[0] == [
        ("namespace_settings.no_dup_share", True, False)
    ]
    applied(ambraconf, folder)
    no_changes(ambraconf, folder)
    assert (
        sandbox.ok("/namespace/settings", uuid=namespace_of(sandbox, "Oncology"))["share_related"]
        == 1
    )
