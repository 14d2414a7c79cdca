"""Every result as JSON for machines (CI, the Action, scripts): pretty-printed, and the
same documents whatever produced the result. Plans and drift reports build their own
documents (``to_json``), since a saved plan file is one too."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from ambraconf.config.errors import UserError
from ambraconf.config.validate import ValidationResult
from ambraconf.engine.adopt import Adoption
from ambraconf.engine.drift import DriftReport
from ambraconf.engine.plan import Plan
from ambraconf.engine.session import ApplyRun
from ambraconf.engine.shard_results import ShardSummary
from ambraconf.version import __version__

FORMAT_VERSION = 1
"""Of the documents made here (validate, apply, errors); plans and drift reports carry
their own. Raised when a key changes meaning or goes away, not when one is added."""


def validation(result: ValidationResult) -> str:
    document = {
        **_stamp(),
        "path": result.path,
        "valid": result.ok,
        "files": result.files,
        "errors": len(result.errors),
        "warnings": len(result.warnings),
        "accounts": [{"name": a.name, "objects": a.counts()} for a in result.accounts],
        "diagnostics": [d.to_json() for d in result.diagnostics],
    }
    return _dumps(document)


def plan(result: Plan) -> str:
    return _dumps(result.to_json())


def apply_run(run: ApplyRun) -> str:
    if run.result is None:
        return _dumps({**_stamp(), "summary": "no changes", "outcomes": []})
    outcomes = [o.to_json() for o in run.result.outcomes]
    document = {
        "summary": run.result.summary(),
        "interrupted": run.result.interrupted,
        "timed_out": run.timed_out,
    }
    return _dumps({**_stamp(), **document, "outcomes": outcomes})


def drift(report: DriftReport) -> str:
    return _dumps(report.to_json()) + "\n"


def adoption(result: Adoption) -> str:
    """What adopt wrote (or would write, ``dry_run``): each value, each difference left
    with why, and each file's diff."""
    document = {
        **_stamp(),
        "dry_run": result.dry_run,
        "complete": result.complete,
        "adopted": [asdict(a) for a in result.adopted],
        "not_adopted": [asdict(s) for s in result.not_adopted],
        "files": [{"file": f.file, "diff": f.diff()} for f in result.files],
    }
    return json.dumps(document, indent=2, default=str)


def shard_summary(summary: ShardSummary) -> str:
    """Every shard of a sharded run as its job saved it (a missing one as status
    ``missing``), with the totals and the verdict's facts."""
    shards = [
        {"shard": row.shard, "status": "missing"}
        if row.result is None
        else {
            k: v for k, v in row.result.to_json().items() if k not in ("format", "format_version")
        }
        for row in summary.rows
    ]
    document = {
        **_stamp(),
        "command": summary.command,
        "path": summary.path,
        "complete": summary.complete,
        "has_changes": summary.has_changes,
        "failed": summary.failed,
        "missing": summary.missing,
        "accounts": summary.accounts,
        "totals": summary.totals(),
        "shards": shards,
    }
    return _dumps(document)


def error(problem: UserError) -> str:
    """A command that stopped with an error, so a program reading ``--format json`` learns
    what kind of problem it was (``code``) without reading the message on stderr."""
    document = {"code": problem.code, "message": problem.message, "hint": problem.hint}
    return _dumps({**_stamp(), "error": document})


def _stamp() -> dict[str, Any]:
    """What every document here starts with, so a program knows what it reads."""
    return {"format_version": FORMAT_VERSION, "ambraconf_version": __version__}


def _dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2)
