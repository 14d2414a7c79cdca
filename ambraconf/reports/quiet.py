"""What ``-q`` prints of a text report: only errors and the closing result line.

Per result: validate, its errors (not its warnings) and its verdict; plan, its closing
line; apply, what failed, was skipped or not started, and its summary (or that nothing
needed changing); drift, its summary; export, how many files it wrote where. Other formats
are documents for programs and are printed whole (``cli.output.emit``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ambraconf.config.validate import ValidationResult
from ambraconf.engine.drift import DriftReport
from ambraconf.engine.plan import Plan
from ambraconf.engine.session import ApplyRun, ExportRun
from ambraconf.reports import apply_text, plan_text, validation_text
from ambraconf.reports.rendered import Part, Rendered


def _validation(result: ValidationResult) -> Rendered:
    shown = result.errors[: validation_text.MAX_SHOWN]
    return Rendered((*(Part(str(d)) for d in shown), Part(validation_text.verdict(result))))


def _apply(run: ApplyRun) -> Rendered:
    if run.result is None:
        return Rendered((Part(plan_text.NO_CHANGES),) if run.confirmed else ())
    return apply_text.render(run)


def _export(run: ExportRun) -> Rendered:
    objects = sum(exported.objects for exported in run.export.files)
    files = len(run.written) + len(run.export.texts)
    line = f"Exported {run.export.account}: {objects} objects in {files} files to {run.out}"
    secrets = len(run.export.placeholders)
    if secrets:
        line += f"; {secrets} secrets are ${{env:...}} placeholders to set (run without -q)"
    return Rendered((Part(line + "."),))


QUIET: dict[type, Callable[[Any], Rendered]] = {
    ValidationResult: _validation,
    Plan: lambda plan: Rendered((Part(plan_text.closing(plan)),)),
    ApplyRun: _apply,
    DriftReport: lambda report: Rendered((Part(report.summary()),)),
    ExportRun: _export,
}


def render_quiet(result: object) -> Rendered:
    """``result`` as ``-q`` prints it."""
    return QUIET[type(result)](result)
