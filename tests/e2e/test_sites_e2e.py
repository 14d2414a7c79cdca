"""Sites end to end: apply, plan, drift, export and prune against the sandbox, satellites
created after their parent, and groups that name sites defined in the files or only live."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from e2e_helpers import applied, no_changes

from ambraconf.sandbox.harness import SandboxHandle

ACCOUNT = "Sandbox Hospital"
BOSTON = {"name": "Boston", "country": "US", "state": "MA", "city": "Boston", "zip": "02115"}
CAMBRIDGE = {"name": "Cambridge", "parent": "Boston", "address1": "1 Main St", "inactive": True}


def config(
    folder: Path, sites: list[dict[str, Any]], groups: list[dict[str, Any]], head: str = ""
) -> Path:
    """A config of the seeded account holding ``sites`` and ``groups``."""
    folder.mkdir(exist_ok=True)
    account: dict[str, Any] = {"name": ACCOUNT, **yaml.safe_load(head or "{}")}
    if sites:
        account["sites"] = sites
    if groups:
        account["groups"] = groups
    (folder / "account.yaml").write_text(yaml.safe_dump({"accounts": [account]}, sort_keys=False))
    return folder


def sites(sandbox: SandboxHandle) -> dict[str, dict[str, Any]]:
    """The account's sites as the API returns them, by name."""
    items = sandbox.ok("/site/list", account_id=sandbox.account_id)["sites"]
    return {s["name"]: s for s in items}


def group_site(sandbox: SandboxHandle, name: str) -> str | None:
    """The site uuid the group ``name`` names."""
    groups = sandbox.ok("/group/list", account_id=sandbox.account_id)["groups"]
    [found] = [g for g in groups if g["name"] == name]
    return found["site_id"]


def test_apply_creates_the_parent_then_its_satellite_then_the_group(ambraconf, sandbox, tmp_path):
    # the files list the satellite and the group first: the order comes from references
    trial = {"name": "Trial A", "site": "Cambridge"}
    folder = config(tmp_path / "cfg", [CAMBRIDGE, BOSTON], [trial])
    assert "Apply complete: 3 created, 0 updated, 0 deleted." in applied(ambraconf, folder)
    live = sites(sandbox)
    assert {k: live["Boston"][k] for k in ("country", "state", "city", "zip", "site_id")} == {
        "country": "US",
        "state": "MA",
        "city": "Boston",
        "zip": "02115",
        "site_id": None,
    }
    cambridge = live["Cambridge"]
    assert (cambridge["site_id"], cambridge["address1"]) == (live["Boston"]["uuid"], "1 Main St")
    # inactive only /site/set takes: sent right after the add
    assert cambridge["inactive"] == 1
    assert group_site(sandbox, "Trial A") == cambridge["uuid"]
    no_changes(ambraconf, folder)


def test_a_change_by_hand_is_drift_naming_the_field_in_git_and_live(ambraconf, sandbox, tmp_path):
    folder = config(tmp_path / "cfg", [BOSTON, CAMBRIDGE], [])
    applied(ambraconf, folder)
    sandbox.ok("/site/set", uuid=sites(sandbox)["Boston"]["uuid"], city="Somerville")
    sandbox.ok("/site/set", uuid=sites(sandbox)["Cambridge"]["uuid"], site_id="")

    run = ambraconf("drift", str(folder), "--format", "json")
    assert run.code == 2, run.err
    [account] = json.loads(run.out)["accounts"]
    drifted = {o["address"]: o for o in account["objects"]}
    boston = drifted.pop(f"{ACCOUNT}/site/Boston")
    cambridge = drifted.pop(f"{ACCOUNT}/site/Cambridge")
    assert drifted == {}
    assert [(d["field"], d["git"], d["live"]) for d in boston["differences"]] == [
        ("city", "Boston", "Somerville")
    ]
    assert [(d["field"], d["git"], d["live"]) for d in cambridge["differences"]] == [
        ("parent", "Boston", None)
    ]


def test_export_plans_as_no_changes(ambraconf, sandbox, tmp_path):
    sandbox.seed(
        {
            "accounts": [
                {
                    "name": ACCOUNT,
                    "sites": [BOSTON, {**CAMBRIDGE, "inactive": 0}],
                    "groups": [{"name": "Trial A", "site": "Cambridge"}],
                }
            ]
        }
    )
    sandbox.ok("/site/set", uuid=sites(sandbox)["Cambridge"]["uuid"], inactive=1)
    out = tmp_path / "exported"
    run = ambraconf("export", "--account", ACCOUNT, "--out", str(out))
    assert run.code == 0, run.err
    exported = yaml.safe_load((out / "sites.yaml").read_text())["accounts"][0]["sites"]
    assert exported == [BOSTON, CAMBRIDGE]
    groups = yaml.safe_load((out / "groups.yaml").read_text())["accounts"][0]["groups"]
    assert groups == [{"name": "Trial A", "site": "Cambridge"}]
    no_changes(ambraconf, out)


def test_a_group_may_name_a_live_site_no_file_defines(ambraconf, sandbox, tmp_path):
    sandbox.seed({"accounts": [{"name": ACCOUNT, "sites": [BOSTON]}]})
    folder = config(tmp_path / "cfg", [], [{"name": "Trial A", "site": "Boston"}])
    assert ambraconf("validate", str(folder)).code == 0
    plan = ambraconf("plan", str(folder), "--format", "json")
    assert plan.code == 0, plan.err
    actions = json.loads(plan.out)["actions"]
    changes = [(a["kind"], a["name"], a["op"]) for a in actions if a["op"] != "noop"]
    assert changes == [("group", "Trial A", "create")]
    assert "1 created" in applied(ambraconf, folder)
    assert group_site(sandbox, "Trial A") == sites(sandbox)["Boston"]["uuid"]
    no_changes(ambraconf, folder)


def test_a_site_that_exists_nowhere_fails_the_plan_clearly(ambraconf, sandbox, tmp_path):
    folder = config(tmp_path / "cfg", [], [{"name": "Trial A", "site": "Nowhere"}])
    run = ambraconf("plan", str(folder))
    assert run.code == 1
    text = run.out + run.err
    assert f"site 'Nowhere' does not exist live in {ACCOUNT}" in text
    assert "(named by group 'Trial A')" in text
    assert "Traceback" not in text


def test_a_site_cannot_be_its_own_parent(ambraconf, tmp_path):
    folder = config(tmp_path / "cfg", [{"name": "Boston", "parent": "boston"}], [])
    run = ambraconf("validate", str(folder))
    assert run.code == 1
    text = run.out + run.err
    assert f"{folder / 'account.yaml'}:5:" in text
    assert "site parent cycle among sites: Boston -> Boston" in text


def test_validate_keeps_satellites_one_level_deep(ambraconf, tmp_path):
    far = {"name": "Far", "parent": "Cambridge"}
    folder = config(tmp_path / "cfg", [BOSTON, CAMBRIDGE, far], [])
    run = ambraconf("validate", str(folder))
    assert run.code == 1
    text = run.out + run.err
    where = folder / "account.yaml"
    # Far's parent line is the error; Cambridge's own parent line is why
    assert f"{where}:14:" in text
    assert f"site 'Cambridge' has parent: Boston (at {where}:10:" in text
    assert "so it cannot serve as site parent" in text


def test_prune_deletes_an_unmanaged_site_only_when_asked(ambraconf, sandbox, tmp_path):
    old = {"name": "Old Clinic"}
    named = {"name": "Named Clinic"}
    sandbox.seed({"accounts": [{"name": ACCOUNT, "sites": [old, named]}]})
    wanted = ([BOSTON], [{"name": "Trial A", "site": "Named Clinic"}])
    kept = config(tmp_path / "kept", *wanted)
    assert "2 created, 0 updated, 0 deleted" in applied(ambraconf, kept)
    assert sorted(sites(sandbox)) == ["Boston", "Named Clinic", "Old Clinic"]
    # prune: true covers every kind but sites, which groups may name without defining
    everything = config(tmp_path / "everything", *wanted, head="prune: true")
    no_changes(ambraconf, everything)
    # asked by name, prune deletes the one nothing names; the group's stays
    pruned = config(tmp_path / "pruned", *wanted, head="prune: {sites: true}")
    assert "0 created, 0 updated, 1 deleted" in applied(ambraconf, pruned)
    assert sorted(sites(sandbox)) == ["Boston", "Named Clinic"]
    no_changes(ambraconf, pruned)
