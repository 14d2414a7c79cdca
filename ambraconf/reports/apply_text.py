"""The end of an apply as a terminal shows it: what failed or was skipped (on stderr, with
the progress lines), then the summary."""

from __future__ import annotations

from ambraconf.engine.session import ApplyRun
from ambraconf.reports.rendered import Part, Rendered


def render(run: ApplyRun) -> Rendered:
    """Nothing when nothing was applied: the plan shown before says why."""
    if run.result is None:
        return Rendered(())
    problems = [
        Part(f"  {label}: {o.action.address}: {o.error}", err=True)
        for label, outcomes in (("failed", run.result.failed), ("skipped", run.result.skipped))
        for o in outcomes
    ]
    return Rendered((*problems, Part(run.result.summary() + ".")))
