"""The summary of a sharded run as a reviewer reads it: the verdict first, one table row
per shard with its counts, the totals, a failed or missing shard flagged, each shard's
report folded."""

from __future__ import annotations

import json
import re

import markdown

from ambraconf.engine.shard_results import ShardResult, ShardRow, ShardSummary
from ambraconf.reports.registry import render

SPLIT = ["1/3", "2/3", "3/3"]


def ran(shard: str, counts: dict[str, int] | None, *, error: str = "") -> ShardResult:
    status = "failed" if error else "changes" if any((counts or {}).values()) else "no_changes"
    return ShardResult(
        shard=shard,
        command="plan",
        path="config",
        status=status,
        exitcode={"changes": 2, "no_changes": 0, "failed": 1}[status],
        accounts=[f"Clinic {shard[0]}a", f"Clinic {shard[0]}b"],
        split=SPLIT,
        counts=counts,
        error=error,
        report=f"## ambraconf plan\n\nThe plan of shard {shard}.\n",
    )


def summary(*rows: ShardResult | None) -> ShardSummary:
    shards = [ShardRow(s, r) for s, r in zip(SPLIT, rows, strict=True)]
    return ShardSummary("plan", "config", shards)


def table_rows(text: str) -> list[list[str]]:
    html = markdown.markdown(text, extensions=["tables"])
    body = html[html.index("<tbody>") : html.index("</tbody>")]
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", tr)]
        for tr in re.findall(r"<tr>(.*?)</tr>", body, re.DOTALL)
    ]


def test_a_complete_run_shows_a_row_per_shard_and_the_totals() -> None:
    done = summary(
        ran("1/3", {"create": 3, "update": 1, "delete": 0}),
        ran("2/3", {"create": 0, "update": 0, "delete": 0}),
        ran("3/3", {"create": 1, "update": 0, "delete": 2}),
    )

    text = render(done, "markdown").out

    assert "**Plan: 4 to create, 1 to update, 2 to delete in 3 shards (6 accounts).**" in text
    assert table_rows(text) == [
        ["1/3", "2", "3", "1", "0", "changes"],
        ["2/3", "2", "0", "0", "0", "no changes"],
        ["3/3", "2", "1", "0", "2", "changes"],
        ["Total", "6", "4", "1", "2", ""],
    ]
    assert text.count("<details>") == 3
    assert "<summary>Shard 1/3: Clinic 1a, Clinic 1b (changes)</summary>" in text
    assert "### ambraconf plan\n\nThe plan of shard 1/3." in text  # one level down


def test_a_failed_and_a_missing_shard_are_flagged_before_any_count() -> None:
    broken = summary(
        ran("1/3", {"create": 3, "update": 0, "delete": 0}),
        ran("2/3", None, error="cannot log in to https://ambra.example as ci"),
        None,
    )

    text = render(broken, "markdown").out

    verdict = text.split("\n")[2]
    assert verdict == (
        "**Incomplete: shard 2/3 failed, shard 3/3 is missing; 1 of 3 shards finished: "
        "3 to create, 0 to update, 0 to delete.**"
    )
    rows = table_rows(text)
    assert rows[1][0] == "2/3" and rows[1][-1].startswith(":x: failed: cannot log in")
    assert rows[2] == ["3/3", "—", "—", "—", "—", rows[2][-1]]
    assert rows[2][-1].startswith(":warning: missing")
    assert text.count("<details>") == 2  # a missing shard has no report to fold

    plain = render(broken, "text").out
    assert "shard 2/3: 2 accounts: failed: cannot log in" in plain
    assert "shard 3/3: missing" in plain

    document = json.loads(render(broken, "json").out)
    assert document["complete"] is False
    assert document["failed"] == ["2/3"] and document["missing"] == ["3/3"]
    assert document["shards"][2] == {"shard": "3/3", "status": "missing"}
    assert document["totals"]["create"] == 3


def test_reports_too_long_for_one_comment_are_left_to_the_job_summaries() -> None:
    long = ran("1/3", {"create": 1, "update": 0, "delete": 0})
    huge = ShardResult(**{**long.__dict__, "report": "x" * 70_000})
    text = render(summary(huge, ran("2/3", None), ran("3/3", None)), "markdown").out

    assert len(text) < 65_536
    assert "The reports of shards 1/3 do not fit here" in text
    assert text.count("<details>") == 2


def drift_ran(shard: str, counts: dict[str, int], accounts: int = 2) -> ShardResult:
    drifted = any(counts.values())
    return ShardResult(
        shard=shard,
        command="drift",
        path="config",
        status="changes" if drifted else "no_changes",
        exitcode=2 if drifted else 0,
        accounts=[f"Clinic {shard[0]}{n}" for n in "ab"[:accounts]],
        split=SPLIT[:2],
        counts=counts,
        report="## ambraconf drift\n\nThe drift of the shard.\n",
    )


def test_a_drift_run_counts_what_drifted_as_the_drift_report_words_it() -> None:
    found = ShardSummary(
        "drift",
        "config",
        [
            ShardRow("1/3", drift_ran("1/3", {"differs": 2, "missing": 1, "not_in_git": 0})),
            ShardRow("2/3", drift_ran("2/3", {"differs": 1, "missing": 0, "not_in_git": 0})),
            ShardRow("3/3", drift_ran("3/3", dict.fromkeys(("differs", "missing"), 0), 0)),
        ],
    )

    text = render(found, "markdown").out

    assert "**Drift: 4 objects drifted (3 differ, 1 missing live) in 3 shards (4 accounts).**" in (
        text
    )
    assert "| Shard | Accounts | Differs | Missing live | Result |" in text
    assert table_rows(text) == [
        ["1/3", "2", "2", "1", "drift"],
        ["2/3", "2", "1", "0", "drift"],
        ["3/3", "0", "0", "0", "nothing to do"],  # a shard that holds no accounts
        ["Total", "4", "3", "1", ""],
    ]
    plain = render(found, "text").out.splitlines()
    assert plain[1:3] == [
        "  shard 1/3: 2 accounts, 3 objects drifted (2 differ, 1 missing live): drift",
        "  shard 2/3: 2 accounts, 1 object drifted (1 differs, 0 missing live): drift",
    ]
    assert json.loads(render(found, "json").out)["totals"] == {
        "differs": 3,
        "missing": 1,
        "not_in_git": 0,
    }


def test_live_objects_in_no_file_get_a_column_only_when_they_count_as_drift() -> None:
    pruned = ShardSummary(
        "drift",
        "config",
        [ShardRow("1/3", drift_ran("1/3", {"differs": 0, "missing": 0, "not_in_git": 2}))],
    )

    text = render(pruned, "markdown").out

    assert "| Shard | Accounts | Differs | Missing live | Not in git | Result |" in text
    assert "2 objects drifted (0 differ, 0 missing live, 2 not in git)" in text
