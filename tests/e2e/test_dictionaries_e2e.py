"""Dictionaries end to end: entries and attachments applied with the dictionary, drift on
an entry changed by hand, export round trip, a replace that reloads entries and
re-attaches, and entries a runtime-growing dictionary added that are never pruned."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from e2e_helpers import applied, no_changes

from ambraconf.sandbox.harness import SandboxHandle

ACCOUNT = "Sandbox Hospital"
FIELD = {"name": "Body Part", "object": "Study"}
ENTRIES = [
    {"lookup": ["CT"], "replace": ["Computed tomography", "CHEST"]},
    {"lookup": "/^MR/", "regexp": 1, "replace": ["Magnetic resonance", "HEAD"]},
]


def modalities(**changes: Any) -> dict[str, Any]:
    return {
        "name": "Modalities",
        "object": "Study",
        "lookup": ["modality"],
        "replace": ["study_description", "customfield:Body Part"],
        "entries": ENTRIES,
        "attachments": [{"group": "Radiology", "sequence": 1, "run_once": True}, {}],
        **changes,
    }


def config(folder: Path, *dictionaries: dict[str, Any], group: str = "Radiology") -> Path:
    folder.mkdir(exist_ok=True)
    account = {
        "name": ACCOUNT,
        "customfields": [FIELD],
        "groups": [{"name": group}],
        "dictionaries": list(dictionaries),
    }
    (folder / "account.yaml").write_text(yaml.safe_dump({"accounts": [account]}, sort_keys=False))
    return folder


def live(sandbox: SandboxHandle) -> dict[str, Any]:
    """The one dictionary of the account as get returns it, with its entries."""
    [found] = sandbox.ok("/dictionary/list", account_id=sandbox.account_id)["dictionaries"]
    got = sandbox.ok("/dictionary/get", uuid=found["uuid"])
    got["entries"] = sandbox.ok("/dictionary/entries", uuid=found["uuid"])["entries"]
    return got


def customfield(sandbox: SandboxHandle, name: str) -> str:
    fields = sandbox.ok("/customfield/list", account_id=sandbox.account_id)["customfields"]
    return next(f["uuid"] for f in fields if f["name"] == name)


def test_apply_makes_the_dictionary_its_entries_and_attachments(ambraconf, sandbox, tmp_path):
    folder = config(tmp_path / "cfg", modalities())
    assert "note: 2 added" in ambraconf("plan", str(folder)).out
    assert "Apply complete: 3 created, 0 updated, 0 deleted." in applied(ambraconf, folder)
    got = live(sandbox)
    assert got["lookup"] == ["modality"]
    assert got["replace"] == ["study_description", customfield(sandbox, "Body Part")]
    assert [(e["lookup"], e["replace"], e["regexp"]) for e in got["entries"]] == [
        (["CT"], ["Computed tomography", "CHEST"], None),
        ("/^MR/", ["Magnetic resonance", "HEAD"], 1),
    ]
    assert sorted((a["name"], a["sequence"] or 0) for a in got["attachments"]) == [
        ("Radiology", 1),
        (ACCOUNT, 0),
    ]
    no_changes(ambraconf, folder)


def test_an_entry_changed_by_hand_is_drift_naming_the_entries(ambraconf, sandbox, tmp_path):
    folder = config(tmp_path / "cfg", modalities())
    applied(ambraconf, folder)
    uuid = live(sandbox)["uuid"]
    sandbox.ok("/dictionary/entry/add", uuid=uuid, lookup=["CT"], replace=["CT scan", "CHEST"])

    run = ambraconf("drift", str(folder), "--format", "json")
    assert run.code == 2, run.err
    [account] = json.loads(run.out)["accounts"]
    [item] = account["objects"]
    assert item["address"] == f"{ACCOUNT}/dictionary/Study/Modalities"
    [difference] = item["differences"]
    assert difference["field"] == "entries"
    assert difference["git"] == [ENTRIES[0]]
    assert difference["live"] == [{"lookup": ["CT"], "replace": ["CT scan", "CHEST"]}]
    assert difference["note"] == "1 changed; 1 unchanged"
    text = ambraconf("plan", str(folder))
    assert "note: 1 changed; 1 unchanged" in text.out
    applied(ambraconf, folder)
    assert live(sandbox)["entries"][0]["replace"] == ["Computed tomography", "CHEST"]


def test_entries_the_files_do_not_list_are_deleted_unless_added_at_runtime(
    ambraconf, sandbox, tmp_path
):
    folder = config(tmp_path / "cfg", modalities())
    applied(ambraconf, folder)
    uuid = live(sandbox)["uuid"]
    sandbox.ok("/dictionary/entry/add", uuid=uuid, lookup=["US"], replace=["Ultrasound", ""])
    plan = ambraconf("plan", str(folder))
    assert "note: 1 removed; 2 unchanged" in plan.out, plan.out
    applied(ambraconf, folder)
    assert [e["lookup"] for e in live(sandbox)["entries"]] == [["CT"], "/^MR/"]

    # a dictionary that adds to itself keeps what it added
    growing = modalities(attachments=[{"add_if_no_match": True}])
    folder = config(tmp_path / "grow", growing)
    applied(ambraconf, folder)
    sandbox.ok("/dictionary/entry/add", uuid=uuid, lookup=["US"], replace=["Ultrasound", ""])
    no_changes(ambraconf, folder)
    exact = config(tmp_path / "exact", {**growing, "entries_exact": True})
    assert "note: 1 removed; 2 unchanged" in ambraconf("plan", str(exact)).out


def test_an_attachment_changed_or_left_out_is_set_or_detached(ambraconf, sandbox, tmp_path):
    applied(ambraconf, config(tmp_path / "cfg", modalities()))
    before = {a["name"]: a["uuid"] for a in live(sandbox)["attachments"]}
    changed = modalities(attachments=[{"group": "Radiology", "sequence": 3}])
    out = applied(ambraconf, config(tmp_path / "changed", changed))
    assert "Apply complete: 0 created, 1 updated, 0 deleted." in out
    after = live(sandbox)["attachments"]
    # set in place (attaching again would make a second row), the account's detached
    assert [(a["uuid"], a["sequence"]) for a in after] == [(before["Radiology"], 3)]


def test_export_plans_as_no_changes(ambraconf, sandbox, tmp_path):
    applied(ambraconf, config(tmp_path / "cfg", modalities()))
    out = tmp_path / "exported"
    run = ambraconf("export", "--account", ACCOUNT, "--out", str(out))
    assert run.code == 0, run.err
    [exported] = yaml.safe_load((out / "dictionaries.yaml").read_text())["accounts"][0][
        "dictionaries"
    ]
    # run_once is not read back, so it cannot be exported
    assert exported == {
        **modalities(),
        "attachments": [{"group": "Radiology", "sequence": 1}, {}],
    }
    no_changes(ambraconf, out)


def test_a_replace_reloads_entries_and_reattaches(ambraconf, sandbox, tmp_path):
    applied(ambraconf, config(tmp_path / "cfg", modalities()))
    old = live(sandbox)["uuid"]
    changed = modalities(lookup=["modality", "body_part_examined"])
    changed["entries"] = [{"lookup": ["CT", "CHEST"], "replace": ["Chest CT", "CHEST"]}]
    folder = config(tmp_path / "changed", changed)
    plan = ambraconf("plan", str(folder))
    assert "lookup can only be set when the dictionary is created" in plan.out, plan.out
    assert "Apply complete: 0 created, 0 updated, 1 replaced, 0 deleted." in applied(
        ambraconf, folder
    )
    got = live(sandbox)
    assert got["uuid"] != old
    assert got["lookup"] == ["modality", "body_part_examined"]
    assert [e["lookup"] for e in got["entries"]] == [["CT", "CHEST"]]
    assert sorted(a["name"] for a in got["attachments"]) == ["Radiology", ACCOUNT]
    assert sandbox.call("/dictionary/get", uuid=old).error_type == "NOT_FOUND"
    no_changes(ambraconf, folder)


def test_a_replaced_group_is_attached_again(ambraconf, sandbox, tmp_path):
    applied(ambraconf, config(tmp_path / "cfg", modalities()))
    renamed = modalities()
    renamed["attachments"] = [{"group": "Imaging", "sequence": 1}, {}]
    folder = config(tmp_path / "changed", renamed, group="Imaging")
    applied(ambraconf, folder)
    assert sorted(a["name"] for a in live(sandbox)["attachments"]) == ["Imaging", ACCOUNT]
    no_changes(ambraconf, folder)


def test_validate_refuses_what_the_api_would(ambraconf, tmp_path):
    twice = modalities(attachments=[{"group": "Radiology"}, {"group": "radiology"}])
    short = modalities(entries=[{"lookup": ["CT", "extra"], "replace": ["x", "y"]}])
    unknown = modalities(replace=["customfield:Bodypart"])
    expected = {
        "twice": "attachments[1]: the dictionary is already attached to group 'radiology'",
        "short": "entries[0].lookup: the dictionary looks up 1 field(s), so each entry needs 1",
        "unknown": "replace[0]: replace field 'Bodypart': no custom field of that name",
    }
    for name, dictionary in (("twice", twice), ("short", short), ("unknown", unknown)):
        run = ambraconf("validate", str(config(tmp_path / name, dictionary)))
        assert run.code == 1, (name, run.out)
        assert expected[name] in run.out + run.err, (name, run.out, run.err)
