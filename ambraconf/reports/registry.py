"""One registry of renderers: every result in every format that applies, looked up by
(result type, format), so that the CLI and the Action never build a report themselves.

Adding a format is one renderer module and one line in ``RENDERERS``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ambraconf.config.errors import UserError
from ambraconf.config.validate import ValidationResult
from ambraconf.engine.adopt import Adoption
from ambraconf.engine.clone import CloneRun
from ambraconf.engine.drift import DriftReport
from ambraconf.engine.plan import Plan
from ambraconf.engine.session import ApplyRun, ExportRun
from ambraconf.engine.shard_results import ShardSummary
from ambraconf.reports import (
    adopt_text,
    apply_text,
    clone_text,
    drift_junit,
    drift_markdown,
    drift_text,
    export_text,
    json_output,
    plan_markdown,
    plan_text,
    shards_markdown,
    shards_text,
    validation_text,
)
from ambraconf.reports.rendered import Part, Rendered

Renderer = Callable[[Any, bool], str | Rendered]
"""(result, colour) -> the report; colour only matters to text on a terminal."""

RENDERERS: dict[tuple[type, str], Renderer] = {
    (ValidationResult, "text"): lambda result, colour: validation_text.render(result),
    (ValidationResult, "json"): lambda result, colour: json_output.validation(result),
    (Plan, "text"): lambda result, colour: plan_text.render(result, colour=colour),
    (Plan, "markdown"): lambda result, colour: plan_markdown.render(result),
    (Plan, "json"): lambda result, colour: json_output.plan(result),
    (ApplyRun, "text"): lambda result, colour: apply_text.render(result),
    (ApplyRun, "json"): lambda result, colour: json_output.apply_run(result),
    (DriftReport, "text"): lambda result, colour: drift_text.render(result, colour=colour),
    (DriftReport, "markdown"): lambda result, colour: drift_markdown.render(result),
    (DriftReport, "json"): lambda result, colour: json_output.drift(result),
    (DriftReport, "junit"): lambda result, colour: drift_junit.render(result),
    (ExportRun, "text"): lambda result, colour: export_text.render(result),
    (CloneRun, "text"): lambda result, colour: clone_text.render(result),
    (UserError, "json"): lambda result, colour: json_output.error(result),
    (Adoption, "text"): lambda result, colour: adopt_text.render(result),
    (Adoption, "json"): lambda result, colour: json_output.adoption(result),
    (ShardSummary, "text"): lambda result, colour: shards_text.render(result),
    (ShardSummary, "markdown"): lambda result, colour: shards_markdown.render(result),
    (ShardSummary, "json"): lambda result, colour: json_output.shard_summary(result),
}


def formats(result_type: type) -> list[str]:
    """The formats ``result_type`` renders in, in registry order (the CLI's choices)."""
    return [fmt for kind, fmt in RENDERERS if kind is result_type]


def render(result: object, fmt: str, *, colour: bool = False) -> Rendered:
    """``result`` in ``fmt``; a subclass renders as its closest registered base (every
    ``UserError`` as one)."""
    for kind in type(result).__mro__:
        renderer = RENDERERS.get((kind, fmt))
        if renderer is not None:
            rendered = renderer(result, colour)
            return rendered if isinstance(rendered, Rendered) else Rendered((Part(rendered),))
    raise LookupError(f"no {fmt} renderer for {type(result).__name__}")
