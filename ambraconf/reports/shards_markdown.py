"""The summary of a sharded run as one pull request comment: the verdict, a table with a row
per shard and the totals, then each shard's own report folded in a ``<details>`` block.

A shard's report is the markdown its job wrote (tables and all), so it is left as markdown
inside the block (its headings one level down): GitHub renders markdown there when a blank
line follows ``<summary>``.
Past ``MAX_CHARS`` the remaining shards' reports are left out (the table stays): their own
job summaries have them.
"""

from __future__ import annotations

import re
from html import escape

from ambraconf.engine.shard_results import PLAN_COUNTS, ShardResult, ShardRow, ShardSummary
from ambraconf.reports import drift_markdown
from ambraconf.reports.shards_text import columns, outcome, verdict

MAX_CHARS = 60_000
"""GitHub refuses comments over 65,536 characters; the marker and footer need the rest."""
HEADING = re.compile(r"^(#{1,5} )", re.MULTILINE)
"""A shard report's headings, each taken one level down below the summary's own."""
NAMES_SHOWN = 5
"""Accounts named in a shard's fold before "and N more"."""
TITLES = {**{op: op.title() for op in PLAN_COUNTS}, **drift_markdown.TITLES}
"""A count's column: a plan's as its operation, drift's as the drift report's table heads it."""


def render(summary: ShardSummary) -> str:
    ops = columns(summary)
    lines = [f"## ambraconf {summary.command}: {len(summary.rows)} shards of `{summary.path}`"]
    lines += ["", f"**{verdict(summary)}**", ""]
    lines.append("| Shard | Accounts | " + " | ".join(TITLES[op] for op in ops) + " | Result |")
    lines.append("|---|---:|" + "---:|" * len(ops) + "---|")
    for row in summary.rows:
        lines.append(_row(row, ops, summary.command))
    totals = summary.totals()
    lines.append(
        f"| **Total** | **{summary.accounts}** | "
        + " | ".join(f"**{totals[op]}**" for op in ops)
        + " | |"
    )
    room = MAX_CHARS - sum(len(line) + 1 for line in lines)
    left_out: list[str] = []
    for result in summary.results:
        fold = _fold(result, summary.command)
        if len(fold) + 1 > room:
            left_out.append(result.shard)
            continue
        room -= len(fold) + 1
        lines += ["", fold]
    if left_out:
        lines += [
            "",
            f"*The reports of shards {', '.join(left_out)} do not fit here: they are in the "
            "job summaries of those shards' jobs.*",
        ]
    return "\n".join(lines) + "\n"


def _row(row: ShardRow, ops: list[str], command: str) -> str:
    result = row.result
    if result is None:
        cells = ["—"] * (1 + len(ops))
    else:
        counts = result.counts or {}
        cells = [str(len(result.accounts))]
        cells += [str(counts.get(op, 0)) if result.counts is not None else "—" for op in ops]
    icon = {"failed": ":x: ", "missing": ":warning: "}
    state = "missing" if result is None else result.status
    text = _cell(outcome(result, command))
    return f"| {row.shard} | " + " | ".join(cells) + f" | {icon.get(state, '')}{text} |"


def _fold(result: ShardResult, command: str) -> str:
    names = ", ".join(result.accounts[:NAMES_SHOWN])
    if len(result.accounts) > NAMES_SHOWN:
        names += f" and {len(result.accounts) - NAMES_SHOWN} more"
    title = f"Shard {result.shard}" + (f": {names}" if names else "")
    report = HEADING.sub(r"#\1", result.report.strip()) or "*The job wrote no report.*"
    return (
        f"<details><summary>{escape(title)} ({escape(outcome(result, command))})</summary>\n\n"
        f"{report}\n\n</details>"
    )


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
