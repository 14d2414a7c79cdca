"""Shard results gathered into one summary: every shard in order, the missing ones named,
totals added up, and a broken or foreign file refused with its name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ambraconf.engine.drift import AccountDrift, DriftItem, DriftReport
from ambraconf.engine.shard_results import (
    COUNTED,
    ShardResult,
    ShardResultError,
    artifact_name,
    collect,
    drift_counts,
    read,
    write,
)

SPLIT = ["1/3", "2/3", "3/3"]


def result(shard: str, status: str = "changes", **overrides: object) -> ShardResult:
    fields: dict[str, object] = {
        "shard": shard,
        "command": "plan",
        "path": "config",
        "status": status,
        "exitcode": {"changes": 2, "no_changes": 0, "failed": 1}[status],
        "accounts": [f"Hospital {shard}"],
        "split": SPLIT,
        "counts": None
        if status == "failed"
        else {"create": 2, "update": 1, "replace": 0, "delete": 0},
        "error": "cannot log in" if status == "failed" else "",
        "report": f"## ambraconf plan\n\nshard {shard}\n",
    }
    fields.update(overrides)
    return ShardResult(**fields)  # type: ignore[arg-type]


def test_results_merge_in_shard_order_with_totals(tmp_path: Path) -> None:
    # download-artifact without merge-multiple puts each artifact in a folder of its own
    for shard in ("3/3", "1/3", "2/3"):
        folder = tmp_path / artifact_name(shard)
        folder.mkdir()
        write(result(shard, "no_changes" if shard == "2/3" else "changes"), folder)

    summary = collect(tmp_path, path="config")

    assert [row.shard for row in summary.rows] == SPLIT
    assert summary.complete and summary.has_changes
    assert summary.totals() == {"create": 6, "update": 3, "replace": 0, "delete": 0}
    assert summary.accounts == 3
    assert summary.rows[0].result == result("1/3")  # what was written is what is read


def test_a_missing_shard_and_a_failed_one_make_it_incomplete(tmp_path: Path) -> None:
    write(result("1/3"), tmp_path)
    write(result("2/3", "failed"), tmp_path)

    summary = collect(tmp_path)

    assert [row.shard for row in summary.rows] == SPLIT
    assert summary.missing == ["3/3"] and summary.failed == ["2/3"]
    assert not summary.complete
    assert summary.totals()["create"] == 2  # the failed shard made no plan


def test_empty_shards_left_out_of_the_matrix_are_not_missing(tmp_path: Path) -> None:
    write(result("1/4", split=["1/4", "3/4"]), tmp_path)
    write(result("3/4", split=["1/4", "3/4"]), tmp_path)

    summary = collect(tmp_path)

    assert [row.shard for row in summary.rows] == ["1/4", "3/4"]
    assert summary.complete


def test_broken_json_names_the_file(tmp_path: Path) -> None:
    write(result("1/3"), tmp_path)
    broken = tmp_path / "ambraconf-shard-2-of-3.json"
    broken.write_text('{"format": "ambraconf-shard-result", "shard": ')

    with pytest.raises(ShardResultError, match="ambraconf-shard-2-of-3.json: not JSON"):
        collect(tmp_path)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"format_version": 1, "actions": []}, "not an ambraconf shard result"),
        ({"format": "ambraconf-shard-result", "format_version": 9}, "format_version 9"),
        (
            {**result("1/3").to_json(), "shard": "4/3"},
            "shard '4/3' is not I/N",
        ),
        ({**result("1/3").to_json(), "status": "great"}, "status 'great' is not one of"),
        ({**result("1/3").to_json(), "exitcode": "2"}, "'exitcode' must be a int"),
        ({**result("1/3").to_json(), "command": "adopt"}, "command 'adopt' is not one of"),
        (
            {**result("1/3", command="drift").to_json(), "counts": {"differs": "2"}},
            "counts must map differs/missing/not_in_git to numbers",
        ),
    ],
)
def test_a_foreign_or_damaged_file_is_refused_by_name(
    tmp_path: Path, document: dict[str, object], message: str
) -> None:
    (tmp_path / "plan.json").write_text(json.dumps(document))

    with pytest.raises(ShardResultError, match=message) as caught:
        collect(tmp_path)
    assert str(tmp_path / "plan.json") in str(caught.value)


def test_results_of_another_run_are_refused(tmp_path: Path) -> None:
    write(result("1/3"), tmp_path)
    (tmp_path / "other").mkdir()
    write(result("2/2", split=["1/2", "2/2"]), tmp_path / "other")

    with pytest.raises(ShardResultError, match="in 2 shards, but .* in 3"):
        collect(tmp_path)
    with pytest.raises(ShardResultError, match="of 'config', not of 'elsewhere'"):
        collect(tmp_path, path="elsewhere")


def test_two_results_for_one_shard_are_refused(tmp_path: Path) -> None:
    write(result("1/3"), tmp_path)
    (tmp_path / "again").mkdir()
    write(result("1/3"), tmp_path / "again")

    with pytest.raises(ShardResultError, match="a second result for shard 1/3"):
        collect(tmp_path)


def test_an_empty_or_absent_directory_says_so(tmp_path: Path) -> None:
    with pytest.raises(ShardResultError, match="holds no shard results"):
        collect(tmp_path)
    with pytest.raises(ShardResultError, match="no such directory"):
        collect(tmp_path / "nowhere")


def test_a_drift_job_counts_its_drifted_objects_by_status() -> None:
    def item(name: str, status: str, counted: bool = True) -> DriftItem:
        return DriftItem("Hospital", "role", name, status, counted)  # type: ignore[arg-type]

    account = AccountDrift("Hospital", "uuid-1", None)
    account.items = [
        item("Radiologist", "differs"),
        item("Referrer", "differs"),
        item("Tech", "missing"),
        item("Old", "not_in_git", counted=False),  # live, in no file, not asked about
    ]
    report = DriftReport("https://ambra.example", "now", None, "config", None, False, [account])

    assert drift_counts(report) == {"differs": 2, "missing": 1, "not_in_git": 0}


def test_a_drift_summary_adds_up_drift_counts(tmp_path: Path) -> None:
    for shard, differs in (("1/3", 2), ("2/3", 0), ("3/3", 1)):
        counts = {"differs": differs, "missing": 1, "not_in_git": 0}
        write(result(shard, command="drift", counts=counts), tmp_path)

    summary = collect(tmp_path)

    assert summary.command == "drift"
    assert summary.totals() == {"differs": 3, "missing": 3, "not_in_git": 0}


@given(
    command=st.sampled_from(sorted(COUNTED)),
    numbers=st.lists(st.integers(0, 10_000), min_size=4, max_size=4),
    counted=st.booleans(),
)
def test_what_a_job_writes_is_what_the_summary_reads(
    tmp_path_factory: pytest.TempPathFactory, command: str, numbers: list[int], counted: bool
) -> None:
    counts = dict(zip(COUNTED[command], numbers, strict=False)) if counted else None
    written = result("2/3", command=command, counts=counts)

    assert read(write(written, tmp_path_factory.mktemp("results"))) == written
