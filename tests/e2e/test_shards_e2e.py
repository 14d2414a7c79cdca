"""One CI job per shard of accounts: `accounts --shards` prints the split, and plan, apply
and drift take `--shard I/N`, touching only the accounts of that shard."""

from __future__ import annotations

import json
from pathlib import Path

from ambraconf.engine.shard_results import ShardResult, write

ACCOUNT = "Sandbox Hospital"


def two_accounts(clinic: Path) -> Path:
    """The clinic, and a small account this sandbox does not have (so planning it fails)."""
    (clinic / "elsewhere.yaml").write_text("accounts:\n  - name: Elsewhere Clinic\n")
    return clinic


def test_accounts_prints_balanced_shards_as_a_matrix(ambraconf, clinic: Path) -> None:
    config = two_accounts(clinic)
    text = ambraconf("accounts", str(config), "--shards", "3")
    assert text.code == 0, text.err
    assert text.out.splitlines() == [
        f"shard 1/3: {ACCOUNT} (6 objects)",
        "shard 2/3: Elsewhere Clinic (1 object)",
        "shard 3/3: (none) (0 objects)",
    ]
    rows = json.loads(ambraconf("accounts", str(config), "--shards", "3", "--format", "json").out)
    assert rows == [
        {"shard": "1/3", "artifact": "ambraconf-shard-1-of-3", "accounts": [ACCOUNT], "objects": 6},
        {
            "shard": "2/3",
            "artifact": "ambraconf-shard-2-of-3",
            "accounts": ["Elsewhere Clinic"],
            "objects": 1,
        },
    ]


def test_a_shard_plans_and_applies_only_its_accounts(ambraconf, with_pacs, clinic: Path) -> None:
    config = two_accounts(clinic)
    whole = ambraconf("plan", str(config))
    assert whole.code == 1 and "Elsewhere Clinic" in whole.err  # not in this sandbox
    mine = ambraconf("plan", str(config), "--shard", "1/2")
    assert mine.code == 0, mine.err
    assert f"Account {ACCOUNT}" in mine.out and "Elsewhere" not in mine.out
    assert ambraconf("apply", str(config), "--shard", "1/2", "--auto-approve").code == 0
    assert ambraconf("drift", str(config), "--shard", "1/2").code == 0
    assert ambraconf("plan", str(config), "--shard", "2/2").code == 1  # its own account fails


def test_an_empty_shard_does_nothing_and_a_bad_one_says_why(ambraconf, clinic: Path) -> None:
    empty = ambraconf("plan", str(clinic), "--shard", "2/2")
    assert empty.code == 0
    assert "Shard 2/2 holds no accounts of this config: nothing to do." in empty.err
    bad = ambraconf("plan", str(clinic), "--shard", "3/2")
    assert bad.code == 1 and "--shard: expected I/N" in bad.err
    both = ambraconf("plan", str(clinic), "--shard", "1/1", "--account", ACCOUNT)
    assert both.code != 0 and "--shard and --account select accounts two ways" in both.err


def test_summary_gathers_saved_shard_results_outside_github(ambraconf, tmp_path: Path) -> None:
    results = tmp_path / "results"
    results.mkdir()
    write(
        ShardResult(
            "1/2", "plan", "config", "changes", 2, [ACCOUNT], ["1/2", "2/2"], {"create": 4}
        ),
        results,
    )

    missing = ambraconf("summary", str(results))
    assert missing.code == 1
    assert "shard 1/2: 1 account, 4 to create, 0 to update, 0 to delete: changes" in missing.out
    assert "Incomplete: shard 2/2 is missing" in missing.out

    write(ShardResult("2/2", "plan", "config", "no_changes", 0, ["Elsewhere Clinic"]), results)
    whole = ambraconf("summary", str(results), "--format", "markdown")
    assert whole.code == 0, whole.err
    assert "**Plan: 4 to create, 0 to update, 0 to delete in 2 shards (2 accounts).**" in whole.out

    (results / "notes.json").write_text("[1, 2")
    broken = ambraconf("summary", str(results), "--format", "json")
    assert broken.code == 1
    assert f"Error: {results / 'notes.json'}: not JSON" in broken.err
    assert json.loads(broken.out)["error"]["code"] == "shard_result"
