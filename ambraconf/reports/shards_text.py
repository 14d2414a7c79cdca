"""The summary of a sharded run for a terminal: a line per shard, then the verdict. The
words (a shard's outcome, its counts, the verdict) are made here once, for the markdown
too: a plan's counts as a plan says them, drift's as the drift report says them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ambraconf.engine.shard_results import COUNTED, ShardResult, ShardSummary

OPTIONAL = ("replace", "not_in_git")
"""Counts worth a column only when some shard has one: replaces are rare, and live objects
in no file count as drift only when asked (or pruned)."""
DRIFT_WORDS: Mapping[str, tuple[str, str]] = {
    "differs": ("differ", "differs"),
    "missing": ("missing live", "missing live"),
    "not_in_git": ("not in git", "not in git"),
}
"""Drift's statuses as the drift report's summary line says them: (of many, of one)."""


def changes(counts: dict[str, int] | None, ops: list[str]) -> str:
    """``2 to create, 0 to update, 0 to delete``, as a plan says it."""
    return ", ".join(f"{(counts or {}).get(op, 0)} to {op}" for op in ops)


def drifted(counts: dict[str, int] | None, ops: list[str]) -> str:
    """``3 objects drifted (2 differ, 1 missing live)``, as the drift report says it."""
    found = counts or {}
    total = sum(found.get(status, 0) for status in COUNTED["drift"])
    parts = ", ".join(f"{found.get(op, 0)} {DRIFT_WORDS[op][found.get(op, 0) == 1]}" for op in ops)
    return f"{total} object{'s' * (total != 1)} drifted ({parts})"


@dataclass(frozen=True)
class Words:
    """How a command's shards say what they found."""

    found: str
    """What a shard with something to report has: ``changes``, ``drift``."""
    counts: Callable[[dict[str, int] | None, list[str]], str]
    """Its counts in a few words."""


WORDS: Mapping[str, Words] = {
    "plan": Words("changes", changes),
    "apply": Words("changes", changes),
    "drift": Words("drift", drifted),
}


def render(summary: ShardSummary) -> str:
    ops = columns(summary)
    counted = WORDS[summary.command].counts
    lines = [f"ambraconf {summary.command}: {len(summary.rows)} shards of {summary.path}"]
    for row in summary.rows:
        result = row.result
        if result is None:
            lines.append(f"  shard {row.shard}: {outcome(None, summary.command)}")
            continue
        noun = "account" if len(result.accounts) == 1 else "accounts"
        counts = f", {counted(result.counts, ops)}" if result.counts is not None else ""
        lines.append(
            f"  shard {row.shard}: {len(result.accounts)} {noun}{counts}: "
            f"{outcome(result, summary.command)}"
        )
    lines.append(verdict(summary))
    return "\n".join(lines)


def columns(summary: ShardSummary) -> list[str]:
    """The counts worth a column: the optional ones only when some shard has one."""
    totals = summary.totals()
    return [op for op in COUNTED[summary.command] if op not in OPTIONAL or totals[op]]


def outcome(result: ShardResult | None, command: str) -> str:
    """How one shard ended, in a few words."""
    word = WORDS[command].found
    if result is None:
        return "missing: no result (the job was cancelled or stopped before saving one)"
    if result.failed:
        return "failed" + (f": {result.error}" if result.error else "")
    if not result.accounts:
        return "nothing to do"  # a shard that holds no accounts
    return word if result.status == "changes" else f"no {word}"


def verdict(summary: ShardSummary) -> str:
    """The one line a reviewer reads first: incomplete runs say so before any count."""
    count = len(summary.rows)
    shards = f"{count} shard{'s' * (count != 1)}"
    words = WORDS[summary.command]
    if any(r.counts is not None for r in summary.results):
        found = words.counts(summary.totals(), columns(summary))
    else:
        with_changes = sum(r.status == "changes" for r in summary.results)
        found = f"{words.found} in {with_changes} of {len(summary.results)} shards"
        if not with_changes:
            found = f"no {words.found}"
    if summary.complete:
        accounts = f"{summary.accounts} account{'s' * (summary.accounts != 1)}"
        return f"{summary.command.title()}: {found} in {shards} ({accounts})."
    trouble = [f"shard {s} failed" for s in summary.failed]
    trouble += [f"shard {s} is missing" for s in summary.missing]
    finished = len(summary.results) - len(summary.failed)
    if not finished:
        return f"Incomplete: {', '.join(trouble)}; no shard finished."
    return f"Incomplete: {', '.join(trouble)}; {finished} of {shards} finished: {found}."
