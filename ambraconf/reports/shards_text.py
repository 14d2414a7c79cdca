"""The summary of a sharded run for a terminal: a line per shard, then the verdict. The
words (a shard's outcome, the verdict) are made here once, for the markdown too."""

from __future__ import annotations

from ambraconf.engine.shard_results import COUNTED, ShardResult, ShardSummary


def render(summary: ShardSummary) -> str:
    ops = columns(summary)
    lines = [f"ambraconf {summary.command}: {len(summary.rows)} shards of {summary.path}"]
    for row in summary.rows:
        result = row.result
        if result is None:
            lines.append(f"  shard {row.shard}: {outcome(None, summary.command)}")
            continue
        noun = "account" if len(result.accounts) == 1 else "accounts"
        counts = f", {changes(result.counts, ops)}" if result.counts is not None else ""
        lines.append(
            f"  shard {row.shard}: {len(result.accounts)} {noun}{counts}: "
            f"{outcome(result, summary.command)}"
        )
    lines.append(verdict(summary))
    return "\n".join(lines)


def columns(summary: ShardSummary) -> list[str]:
    """The counts worth a column: replace only when some shard replaces something."""
    replaces = summary.totals()["replace"] > 0
    return [op for op in COUNTED if op != "replace" or replaces]


def changes(counts: dict[str, int] | None, ops: list[str]) -> str:
    """``2 to create, 0 to update, 0 to delete``, as a plan says it."""
    return ", ".join(f"{(counts or {}).get(op, 0)} to {op}" for op in ops)


def outcome(result: ShardResult | None, command: str) -> str:
    """How one shard ended, in a few words."""
    word = "drift" if command == "drift" else "changes"
    if result is None:
        return "missing: no result (the job was cancelled or stopped before saving one)"
    if result.failed:
        return "failed" + (f": {result.error}" if result.error else "")
    return word if result.status == "changes" else f"no {word}"


def verdict(summary: ShardSummary) -> str:
    """The one line a reviewer reads first: incomplete runs say so before any count."""
    count = len(summary.rows)
    shards = f"{count} shard{'s' * (count != 1)}"
    word = "drift" if summary.command == "drift" else "changes"
    planned = any(r.counts is not None for r in summary.results)
    if planned:
        found = changes(summary.totals(), columns(summary))
    else:
        with_changes = sum(r.status == "changes" for r in summary.results)
        found = f"{word} in {with_changes} of {len(summary.results)} shards"
        if not with_changes:
            found = f"no {word}"
    if summary.complete:
        accounts = f"{summary.accounts} account{'s' * (summary.accounts != 1)}"
        return f"{summary.command.title()}: {found} in {shards} ({accounts})."
    trouble = [f"shard {s} failed" for s in summary.failed]
    trouble += [f"shard {s} is missing" for s in summary.missing]
    finished = len(summary.results) - len(summary.failed)
    if not finished:
        return f"Incomplete: {', '.join(trouble)}; no shard finished."
    return f"Incomplete: {', '.join(trouble)}; {finished} of {shards} finished: {found}."
