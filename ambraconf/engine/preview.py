"""Previews: the dry runs a kind declares (``KindSpec.preview``), attached to a plan's actions.

A purge rule deletes studies every night; what a rule would delete is worth seeing before
it runs. The API can only dry-run a saved object, and answers that it queued the run (the
result is mailed), so a preview is a line on the action saying what was asked and what the
reader will get, never a count the API did not give. Dry runs are sent only when asked
(``run``): they queue server jobs and send mail, which a plain plan must not.
"""

from __future__ import annotations

from collections.abc import Mapping

from ambraconf.api.client import AmbraClient
from ambraconf.api.errors import ApiError
from ambraconf.engine.plan import Action, Plan
from ambraconf.kinds.spec import KindSpec, Preview

PREVIEWED = ("create", "update", "replace")
"""Actions that make or change an object: what a reviewer wants previewed."""


def attach_previews(
    plan: Plan, client: AmbraClient, specs: Mapping[str, KindSpec], *, run: bool
) -> None:
    """Give each creating or changing action of a previewed kind its preview line; with
    ``run``, send the dry runs of the objects that are saved (updates)."""
    for action in plan.actions:
        spec = specs.get(action.kind)
        if spec is None or spec.preview is None or action.op not in PREVIEWED:
            continue
        action.preview = _line(action, spec.preview, client, run)


def _line(action: Action, preview: Preview, client: AmbraClient, run: bool) -> str:
    if not run:
        return preview.offer
    if action.op != "update" or not action.uuid:
        return preview.unsaved
    try:
        client.call(preview.path, {preview.param: action.uuid, **preview.params})
    except ApiError as exc:
        return f"the dry run was refused: {exc}"
    return preview.queued
