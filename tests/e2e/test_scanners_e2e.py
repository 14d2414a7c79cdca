"""Scanners end to end: created at their site (named by name, made first), custom field
values by name, drift, export round trip without the site no read returns, and prune."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from e2e_helpers import applied, no_changes

from ambraconf.sandbox.harness import SandboxHandle

ACCOUNT = "Sandbox Hospital"
ROOM = {"name": "Room", "object": "Scanner", "type": "text"}
CT = {"name": "CT 1", "site": "Boston", "modality": "CT", "serial_no": "S-100"}
MR = {"name": "MR 1", "site": "Cambridge", "manufacturer": "Siemens", "model": "Skyra"}


def config(folder: Path, scanners: list[dict[str, Any]], head: str = "") -> Path:
    folder.mkdir(exist_ok=True)
    account: dict[str, Any] = {
        "name": ACCOUNT,
        **yaml.safe_load(head or "{}"),
        "customfields": [ROOM],
        "sites": [{"name": "Boston"}, {"name": "Cambridge"}],
        "scanners": scanners,
    }
    (folder / "account.yaml").write_text(yaml.safe_dump({"accounts": [account]}, sort_keys=False))
    return folder


def scanners(sandbox: SandboxHandle) -> dict[str, dict[str, Any]]:
    items = sandbox.ok("/scanner/list", account_id=sandbox.account_id)["scanners"]
    return {s["name"]: s for s in items}


def test_apply_creates_scanners_at_their_sites_then_plans_no_changes(ambraconf, sandbox, tmp_path):
    folder = config(tmp_path / "cfg", [{**CT, "customfields": {"Room": "B12"}}, MR])
    assert "Apply complete: 5 created, 0 updated, 0 deleted." in applied(ambraconf, folder)
    live = scanners(sandbox)
    assert (live["CT 1"]["modality"], live["CT 1"]["serial_no"]) == ("CT", "S-100")
    assert (live["MR 1"]["manufacturer"], live["MR 1"]["model"]) == ("Siemens", "Skyra")
    assert [c["value"] for c in live["CT 1"]["customfields"]] == ["B12"]
    no_changes(ambraconf, folder)
    # the site is sent on add and never read back: moving it in the files changes nothing
    moved = config(
        tmp_path / "cfg", [{**CT, "site": "Cambridge", "customfields": {"Room": "B12"}}, MR]
    )
    no_changes(ambraconf, moved)


def test_a_change_by_hand_is_drift_naming_the_field(ambraconf, sandbox, tmp_path):
    folder = config(tmp_path / "cfg", [CT, MR])
    applied(ambraconf, folder)
    sandbox.ok("/scanner/set", uuid=scanners(sandbox)["CT 1"]["uuid"], modality="MR")
    run = ambraconf("drift", str(folder), "--format", "json")
    assert run.code == 2, run.err
    [account] = json.loads(run.out)["accounts"]
    [drifted] = account["objects"]
    assert drifted["address"] == f"{ACCOUNT}/scanner/CT 1"
    assert [(d["field"], d["git"], d["live"]) for d in drifted["differences"]] == [
        ("modality", "CT", "MR")
    ]


def test_export_plans_as_no_changes(ambraconf, sandbox, tmp_path):
    sandbox.seed(
        {
            "accounts": [
                {
                    "name": ACCOUNT,
                    "sites": [{"name": "Boston"}, {"name": "Cambridge"}],
                    "scanners": [CT, MR],
                }
            ]
        }
    )
    out = tmp_path / "exported"
    run = ambraconf("export", "--account", ACCOUNT, "--out", str(out))
    assert run.code == 0, run.err
    exported = yaml.safe_load((out / "scanners.yaml").read_text())["accounts"][0]["scanners"]
    assert exported == [
        {k: v for k, v in CT.items() if k != "site"},
        {k: v for k, v in MR.items() if k != "site"},
    ]
    no_changes(ambraconf, out)


def test_prune_deletes_scanners_no_file_lists(ambraconf, sandbox, tmp_path):
    folder = config(tmp_path / "cfg", [CT, MR])
    applied(ambraconf, folder)
    pruning = config(tmp_path / "cfg", [CT], head="prune: {scanners: true}")
    assert "Apply complete: 0 created, 0 updated, 1 deleted." in applied(ambraconf, pruning)
    assert list(scanners(sandbox)) == ["CT 1"]


def test_a_scanner_without_a_site_fails_its_create_with_the_apis_error(
    ambraconf, sandbox, tmp_path
):
    folder = config(tmp_path / "cfg", [{"name": "Portable"}])
    run = ambraconf("apply", str(folder), "--auto-approve")
    assert run.code == 1
    assert "MISSING_FIELDS" in run.out + run.err and "site_id" in run.out + run.err
    assert "Traceback" not in run.err
