"""The results of the jobs of a sharded CI run, gathered into one summary.

Each job of a matrix plans (applies, checks drift of) one shard and saves a small JSON
document, its *shard result*: what it ran, its shard, its accounts, how it ended, its
counts (the plan's, or what drift found) and its markdown report. A last job downloads
every shard's result into one directory and reads them here: each document is checked (a
broken or foreign file is an error naming it), the results must come from the same command
on the same config split the same way, and the shards the split has but no file holds are
*missing* (a job that was cancelled or died before saving), which a summary must say as
loudly as a failure.

Which shards to expect needs no config: every result lists the shards of its split that
hold accounts (a matrix leaves out the empty ones), and every job computed the same split.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ambraconf.config.errors import UserError
from ambraconf.engine import drift
from ambraconf.engine.drift import DriftReport
from ambraconf.engine.shards import Shard

FORMAT = "ambraconf-shard-result"
FORMAT_VERSION = 1
"""Raised when a key changes meaning or goes away, not when one is added."""
STATUSES = ("no_changes", "changes", "failed")
"""How a shard's job ended: nothing to change, changes (or drift) present, or an error."""
PLAN_COUNTS = ("create", "update", "replace", "delete")
"""A plan's counts a summary adds up (no-ops are not changes)."""
COUNTED: Mapping[str, tuple[str, ...]] = {
    "plan": PLAN_COUNTS,
    "apply": PLAN_COUNTS,
    "drift": drift.STATUSES,
}
"""What a shard result of each command counts: apply the plan it applied; drift the
drifted objects by status, as the drift report counts them (live objects in no file only
when they count as drift)."""


class ShardResultError(UserError):
    """A shard result that cannot be read or does not belong with the others."""

    code = "shard_result"


@dataclass(frozen=True)
class ShardResult:
    """What one job of a sharded run saved."""

    shard: str
    command: str
    path: str
    status: str
    exitcode: int
    accounts: list[str] = field(default_factory=list)
    split: list[str] = field(default_factory=list)
    """Every shard of this job's split that holds accounts: what the summary expects."""
    counts: dict[str, int] | None = None
    """The counts of the command (``COUNTED``), when the job got that far: a plan's
    create/update/replace/delete, or drift's differs/missing/not_in_git."""
    error: str = ""
    report: str = ""

    @property
    def failed(self) -> bool:
        return self.status == "failed"

    def to_json(self) -> dict[str, Any]:
        return {"format": FORMAT, "format_version": FORMAT_VERSION, **asdict(self)}

    @classmethod
    def from_json(cls, document: Any, source: str) -> ShardResult:
        """The result ``document`` holds; ``source`` names it in errors."""
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            raise ShardResultError(
                f'{source}: not an ambraconf shard result (no "format": "{FORMAT}")',
                hint="only the files the Action writes as its result output belong here",
            )
        version = document.get("format_version")
        if version != FORMAT_VERSION:
            raise ShardResultError(
                f"{source}: shard result format_version {version!r}; this ambraconf reads "
                f"{FORMAT_VERSION}",
                hint="use the same ambraconf version in the shard jobs and the summary job",
            )
        shard = _shard(_typed(document, "shard", str, source), source)
        status = _typed(document, "status", str, source)
        if status not in STATUSES:
            raise ShardResultError(
                f"{source}: status {status!r} is not one of {', '.join(STATUSES)}"
            )
        command = _typed(document, "command", str, source)
        if command not in COUNTED:
            raise ShardResultError(
                f"{source}: command {command!r} is not one of {', '.join(COUNTED)}"
            )
        keys = COUNTED[command]
        counts = document.get("counts")
        if counts is not None and not (
            isinstance(counts, dict) and all(isinstance(counts.get(op, 0), int) for op in keys)
        ):
            raise ShardResultError(f"{source}: counts must map {'/'.join(keys)} to numbers")
        return cls(
            shard=shard,
            command=command,
            path=_typed(document, "path", str, source),
            status=status,
            exitcode=_typed(document, "exitcode", int, source),
            accounts=_names(document, "accounts", source),
            split=[_shard(s, source) for s in _names(document, "split", source)],
            counts=None if counts is None else {op: int(counts.get(op, 0)) for op in keys},
            error=str(document.get("error") or ""),
            report=str(document.get("report") or ""),
        )


def drift_counts(report: DriftReport) -> dict[str, int]:
    """What a drift job counts: its drifted objects by status (``COUNTED["drift"]``)."""
    counts = dict.fromkeys(COUNTED["drift"], 0)
    for item in report.drifted:
        counts[item.status] += 1
    return counts


def _shard(text: str, source: str) -> str:
    try:
        return str(Shard.parse(text))
    except UserError:
        raise ShardResultError(f"{source}: shard {text!r} is not I/N with 1 <= I <= N") from None


def _typed(document: dict[str, Any], key: str, kind: type, source: str) -> Any:
    value = document.get(key)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise ShardResultError(f"{source}: {key!r} must be a {kind.__name__}, not {value!r}")
    return value


def _names(document: dict[str, Any], key: str, source: str) -> list[str]:
    value = document.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ShardResultError(f"{source}: {key!r} must be a list of strings")
    return value


def artifact_name(shard: str) -> str:
    """What a job saves shard ``2/4``'s result as: ``ambraconf-shard-2-of-4`` (artifact
    names and file names take no ``/``; the summary job downloads ``ambraconf-shard-*``)."""
    parsed = Shard.parse(shard)
    return f"ambraconf-shard-{parsed.index}-of-{parsed.count}"


def write(result: ShardResult, directory: Path) -> Path:
    """Save ``result`` in ``directory`` under its artifact name; returns the file."""
    target = directory / f"{artifact_name(result.shard)}.json"
    target.write_text(json.dumps(result.to_json(), indent=2) + "\n", encoding="utf-8")
    return target


def read(file: Path) -> ShardResult:
    """The shard result saved in ``file``."""
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ShardResultError(f"{file}: cannot read it: {exc}") from None
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise ShardResultError(
            f"{file}: not JSON ({exc})", hint="a shard job may have been cut off while saving"
        ) from None
    return ShardResult.from_json(document, str(file))


@dataclass(frozen=True)
class ShardRow:
    """One shard of the summary: its result, or None when no file holds it."""

    shard: str
    result: ShardResult | None

    @property
    def missing(self) -> bool:
        return self.result is None


@dataclass(frozen=True)
class ShardSummary:
    """Every shard of a sharded run, in shard order, missing ones included."""

    command: str
    path: str
    rows: list[ShardRow]

    @property
    def results(self) -> list[ShardResult]:
        return [row.result for row in self.rows if row.result is not None]

    @property
    def failed(self) -> list[str]:
        return [r.shard for r in self.results if r.failed]

    @property
    def missing(self) -> list[str]:
        return [row.shard for row in self.rows if row.missing]

    @property
    def complete(self) -> bool:
        """Every shard reported, and none failed."""
        return not self.failed and not self.missing

    @property
    def has_changes(self) -> bool:
        return any(r.status == "changes" for r in self.results)

    @property
    def accounts(self) -> int:
        return sum(len(r.accounts) for r in self.results)

    def totals(self) -> dict[str, int]:
        """The counts of every shard that got as far as counting, added up."""
        totals = dict.fromkeys(COUNTED[self.command], 0)
        for result in self.results:
            for op in totals:
                totals[op] += (result.counts or {}).get(op, 0)
        return totals


def collect(directory: Path, *, path: str | None = None) -> ShardSummary:
    """The summary of the shard results under ``directory`` (each artifact in a folder of
    its own, or all merged into one: every ``*.json`` below it is read). With ``path``,
    every result must be of the config at that path."""
    if not directory.is_dir():
        raise ShardResultError(
            f"{directory}: no such directory of shard results",
            hint="download the shard jobs' artifacts into it first (actions/download-artifact)",
        )
    files = sorted(p for p in directory.rglob("*.json") if p.is_file())
    if not files:
        raise ShardResultError(
            f"{directory}: holds no shard results (*.json), so no shard reported",
            hint="the shard jobs upload their result output as artifacts ambraconf-shard-*",
        )
    seen: dict[str, tuple[Path, ShardResult]] = {}
    first: tuple[Path, ShardResult] | None = None
    for file in files:
        result = read(file)
        first = first or (file, result)
        _belongs(file, result, first, path)
        if result.shard in seen:
            raise ShardResultError(
                f"{file}: a second result for shard {result.shard} "
                f"(the first is {seen[result.shard][0]})",
                hint="download the artifacts of one workflow run only",
            )
        seen[result.shard] = (file, result)
    assert first is not None
    expected = {s for _, r in seen.values() for s in r.split} | set(seen)
    order = sorted(expected, key=lambda s: Shard.parse(s).index)
    rows = [ShardRow(s, seen[s][1] if s in seen else None) for s in order]
    return ShardSummary(first[1].command, first[1].path, rows)


def _belongs(
    file: Path, result: ShardResult, first: tuple[Path, ShardResult], path: str | None
) -> None:
    """Refuse a result of another run: another config, command or number of shards."""
    if path is not None and result.path != path:
        raise ShardResultError(
            f"{file}: the result of a {result.command} of {result.path!r}, not of {path!r}"
        )
    other_file, other = first
    count, other_count = Shard.parse(result.shard).count, Shard.parse(other.shard).count
    if (result.command, result.path, count) != (other.command, other.path, other_count):
        raise ShardResultError(
            f"{file}: the result of a {result.command} of {result.path!r} in {count} shards, "
            f"but {other_file} is of a {other.command} of {other.path!r} in {other_count}",
            hint="one summary gathers the shards of one sharded run",
        )
