"""The order a reviewer reads a plan in, which is not the order apply runs it in.

Apply goes by dependency level (``Plan.actions``, and the JSON, keep that order); a person
deciding whether to approve wants first what is dangerous by its meaning (``kinds.danger``:
purge rules, anonymization, custom code, PHI sharing), under a heading of its own, then
what cannot be taken back: deletes and replaces, named in the summary and shown before
anything else, then the rest by kind and name, so that the same object is found in the
same place from one plan to the next.
"""

from __future__ import annotations

from collections.abc import Iterable

from ambraconf.engine.plan import Action, Hazard, Op, Plan

HIGHLIGHTED: tuple[Op, ...] = ("delete", "replace")
"""What the summary highlights and the details show first (and markdown unfolded)."""
PREVIEW_LABEL = "preview (dry run)"
"""How every format labels an action's preview line, apart from its changes."""
SUMMARY_OPS: tuple[Op, ...] = ("delete", "replace", "create", "update")
_RANK: dict[Op, int] = {"delete": 0, "replace": 1, "create": 2, "update": 2, "noop": 3}


def for_review(actions: Iterable[Action]) -> list[Action]:
    """Dangerous changes, deletes, then replaces, then everything else by kind and name
    (a note on an unchanged object last)."""
    return sorted(
        actions,
        key=lambda a: (not a.hazards, _RANK[a.op], a.kind, a.name, a.account),
    )


VIOLATIONS_HEADING = "Policy violations"
VIOLATIONS_NOTE = "apply refuses this plan (docs/policies.md)"
DANGER_HEADING = "Dangerous changes"
DANGER_HOW = (
    "Acknowledge a class with --allow-dangerous CLASS, or an object with dangerous_ok: "
    "in its account's file."
)


def danger_heading(found: list[tuple[Action, Hazard]]) -> str:
    """``Dangerous changes (2), refused by apply until acknowledged`` while one is not;
    ``..., acknowledged in the files`` once every one is."""
    open_ = sum(1 for _, hazard in found if hazard.acknowledged is None)
    if not open_:
        return f"{DANGER_HEADING} ({len(found)}), acknowledged in the files"
    return f"{DANGER_HEADING} ({len(found)}), refused by apply until acknowledged"


def hazards(plan: Plan) -> list[tuple[Action, Hazard]]:
    """Every dangerous change of the plan, in review order."""
    return [(a, hazard) for a in for_review(plan.dangerous) for hazard in a.hazards]


def hazard_detail(hazard: Hazard) -> str:
    """The class ``--allow-dangerous`` takes, the values that make the change dangerous,
    and the reason the files give when they acknowledge it."""
    paths = f": {', '.join(hazard.paths)}" if hazard.paths else ""
    ack = f"; acknowledged: {hazard.acknowledged}" if hazard.acknowledged else ""
    return f"{hazard.change}{paths}{ack}"


def names_by_op(plan: Plan) -> list[tuple[Op, list[Action]]]:
    """The actions of each op that changes something, deletes and replaces first, in
    review order; ops with none are left out."""
    ordered = for_review(plan.actions)
    grouped = [(op, [a for a in ordered if a.op == op]) for op in SUMMARY_OPS]
    return [(op, actions) for op, actions in grouped if actions]


def is_plain_create(action: Action) -> bool:
    """A create for the usual reason (nothing live has its key): its ``+`` says so, so the
    reason adds nothing; a create because something was deleted outside ambraconf does."""
    return action.op == "create" and action.cause == "created"
