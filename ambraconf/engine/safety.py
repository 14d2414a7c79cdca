"""Refuse plans that would change too much of a kind at once, as octoDNS does.

A typo in an ignore pattern or a config pointed at the wrong account can turn into
hundreds of updates or deletes; past a share of the live objects of a kind, apply stops
and asks for ``--force``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from ambraconf.config.errors import UserError
from ambraconf.engine.live import LiveAccount
from ambraconf.engine.plan import Plan

MAX_SHARE = 0.3
"""Largest share of a kind's live objects one apply may update, replace or delete."""
MIN_OBJECTS = 10
"""Kinds with fewer live objects than this are never refused: a small change is a big share."""


class UnsafePlan(UserError):
    """The plan touches more of a kind than the safety threshold allows."""

    code = "unsafe_plan"


def check_thresholds(
    plan: Plan,
    live: Mapping[str, LiveAccount],
    *,
    max_share: float = MAX_SHARE,
    min_objects: int = MIN_OBJECTS,
) -> None:
    touched: Counter[tuple[str, str]] = Counter(
        (a.account, a.kind) for a in plan.actions if a.op in ("update", "replace", "delete")
    )
    problems = []
    for (account, kind), count in sorted(touched.items()):
        state = live.get(account)
        existing = len(state.of_kind(kind)) if state else 0
        if existing >= min_objects and count > max_share * existing:
            problems.append(
                f"{account}: {count} of {existing} live {kind} objects would be updated, "
                f"replaced or deleted (more than {max_share:.0%})"
            )
    if problems:
        raise UnsafePlan(
            "refusing a plan that changes too much at once:\n  " + "\n  ".join(problems),
            hint="check the plan; if it is what you want, run apply again with --force",
        )
