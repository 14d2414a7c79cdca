"""The end of an apply as a terminal shows it: what failed, was skipped or, after an
interrupt, was not started (on stderr, with the progress lines), then the summary."""

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
    problems += [
        Part(f"  not started: {o.action.address}", err=True) for o in run.result.not_started
    ]
    return Rendered((*problems, Part(run.result.summary() + ".")))
