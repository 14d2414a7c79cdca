"""HL7 transforms end to end: apply, plan, drift, export and prune against the sandbox."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from e2e_helpers import applied, no_changes

from ambraconf.sandbox.harness import SandboxHandle

ACCOUNT = "Sandbox Hospital"
MASK = {
    "name": "Mask test MRNs",
    "order_by": 10,
    "conditions": [{"PID_3": "/^TEST/"}, {"OBX-3_5_2": "/doe/i"}],
    "replacements": [{"PID_3": "XXX-{$OBX-3_7_4}"}],
}
# Replacement templates that look like JSON are text, and must stay text.
STAMP = {
    "name": "Stamp orders",
    "order_by": 20,
    "conditions": [{"MSH_9": "/^ORM/"}],
    "replacements": [{"PID_19": '{"looks": "like json"}'}, {"PID_18": "[__UUID__]"}],
}


def config(folder: Path, *transforms: dict[str, Any], head: str = "") -> Path:
    """A config of the seeded account holding ``transforms`` (written as YAML by hand would be)."""
    folder.mkdir(exist_ok=True)
    account = {"name": ACCOUNT, **yaml.safe_load(head or "{}"), "hl7_transforms": list(transforms)}
    (folder / "hl7.yaml").write_text(yaml.safe_dump({"accounts": [account]}, sort_keys=False))
    return folder


def live(sandbox: SandboxHandle) -> dict[str, dict[str, Any]]:
    """The account's transforms as the API returns them, by name."""
    items = sandbox.ok("/hl7/transform/list", account_id=sandbox.account_id)["transforms"]
    return {t["name"]: {k: v for k, v in t.items() if k != "uuid"} for t in items}


def test_apply_creates_them_as_written_and_plan_is_then_empty(ambraconf, sandbox, tmp_path):
    folder = config(tmp_path / "cfg", MASK, STAMP)
    assert "Apply complete: 2 created, 0 updated, 0 deleted." in applied(ambraconf, folder)
    assert live(sandbox) == {MASK["name"]: MASK, STAMP["name"]: STAMP}
    no_changes(ambraconf, folder)


def test_a_change_by_hand_is_drift_naming_the_field_in_git_and_live(ambraconf, sandbox, tmp_path):
    folder = config(tmp_path / "cfg", MASK, STAMP)
    applied(ambraconf, folder)
    [uuid] = [
        t["uuid"]
        for t in sandbox.ok("/hl7/transform/list", account_id=sandbox.account_id)["transforms"]
        if t["name"] == STAMP["name"]
    ]
    by_hand = [{"PID_19": "STAMPED"}]
    sandbox.ok("/hl7/transform/set", uuid=uuid, **{**STAMP, "replacements": by_hand})

    run = ambraconf("drift", str(folder), "--format", "json")
    assert run.code == 2, run.err
    [account] = json.loads(run.out)["accounts"]
    drifted = {o["address"]: o for o in account["objects"]}
    stamp = drifted.pop(f"{ACCOUNT}/hl7_transform/{STAMP['name']}")
    assert drifted == {}
    assert [(d["field"], d["git"], d["live"]) for d in stamp["differences"]] == [
        ("replacements", STAMP["replacements"], by_hand)
    ]
    text = ambraconf("drift", str(folder))
    assert text.code == 2
    assert f'~ HL7 transform "{STAMP["name"]}" differs' in text.out
    assert (
        "      replacements: + in git, - live\n"
        '        - {"PID_19": "STAMPED"}\n'
        '        + {"PID_19": "{\\"looks\\": \\"like json\\"}"}\n'
        '        + {"PID_18": "[__UUID__]"}\n'
    ) in text.out


def test_export_plans_as_no_changes_and_keeps_json_looking_values_as_text(
    ambraconf, sandbox, tmp_path
):
    sandbox.seed({"accounts": [{"name": ACCOUNT, "hl7_transforms": [MASK, STAMP]}]})
    out = tmp_path / "exported"
    run = ambraconf("export", "--account", ACCOUNT, "--out", str(out))
    assert run.code == 0, run.err
    document = yaml.safe_load((out / "hl7_transforms.yaml").read_text())
    assert document["accounts"][0]["hl7_transforms"] == [MASK, STAMP]
    no_changes(ambraconf, out)


def test_prune_deletes_an_unmanaged_transform_only_when_asked(ambraconf, sandbox, tmp_path):
    sandbox.seed({"accounts": [{"name": ACCOUNT, "hl7_transforms": [{**STAMP, "name": "Old"}]}]})
    kept = config(tmp_path / "kept", MASK)
    assert "0 deleted" in applied(ambraconf, kept)
    assert sorted(live(sandbox)) == ["Mask test MRNs", "Old"]
    pruned = config(tmp_path / "pruned", MASK, head="prune: {hl7_transforms: true}")
    assert "0 created, 0 updated, 1 deleted" in applied(ambraconf, pruned)
    assert sorted(live(sandbox)) == ["Mask test MRNs"]


def test_validate_points_at_what_the_api_would_refuse(ambraconf, tmp_path):
    folder = tmp_path / "cfg"
    folder.mkdir()
    (folder / "hl7.yaml").write_text(
        f"accounts:\n  - name: {ACCOUNT}\n    hl7_transforms:\n"
        "      - name: Bad\n        order_by: first\n"
        "        conditions: [{PID3: /^TEST/}]\n"
        "        replacements: []\n"
    )
    run = ambraconf("validate", str(folder))
    assert run.code == 1
    where = f"{folder / 'hl7.yaml'}"
    assert f"{where}:5:19: " in run.out + run.err
    assert f"{where}:6:23: " in run.out + run.err
    assert "'PID3' is not an HL7 field" in run.out + run.err
    assert f"{where}:7:23: " in run.out + run.err


def test_two_transforms_with_one_order_by_are_refused_by_validate_where_written(
    ambraconf, tmp_path
):
    folder = config(tmp_path / "cfg", MASK, {**STAMP, "order_by": MASK["order_by"]})
    run = ambraconf("validate", str(folder))
    assert run.code == 1
    text = run.out + run.err
    assert "HL7 transform 'Stamp orders' has order_by 10, as 'Mask test MRNs' does" in text
    assert "order_by is unique among an account's HL7 transforms" in text


def test_a_swap_of_order_by_collides_and_goes_through_a_free_value(ambraconf, sandbox, tmp_path):
    folder = tmp_path / "cfg"
    applied(ambraconf, config(folder, MASK, STAMP))
    swapped = ({**MASK, "order_by": 20}, {**STAMP, "order_by": 10})

    run = ambraconf("apply", str(config(folder, *swapped)), "--auto-approve")
    assert run.code == 1
    assert (run.out + run.err).count("DUPLICATE_ORDER_BY") == 2
    assert {n: t["order_by"] for n, t in live(sandbox).items()} == {
        MASK["name"]: 10,
        STAMP["name"]: 20,
    }

    # the way docs/config.md gives: each apply moves transforms only to free values
    applied(ambraconf, config(folder, {**MASK, "order_by": 30}, STAMP))
    applied(ambraconf, config(folder, {**MASK, "order_by": 30}, swapped[1]))
    applied(ambraconf, config(folder, *swapped))
    assert {n: t["order_by"] for n, t in live(sandbox).items()} == {
        MASK["name"]: 20,
        STAMP["name"]: 10,
    }
    no_changes(ambraconf, folder)
