"""Refuse plans that would change too much of a kind, or of an account, at once, as
octoDNS does.

A typo in an ignore pattern or a config pointed at the wrong account can turn into
hundreds of updates or deletes; past a share of the live objects of a kind, apply stops
and asks for ``--force``. Kinds of a few objects are too small for a share to mean much
one by one, so the same share is also checked over the whole account: a config that drops
a handful of objects of every kind of a pruned account is refused too.
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
"""Kinds (and accounts) with fewer live objects than this are not refused on their own: a
small change is a big share of them."""


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
    refused = {problem.split(":")[0] for problem in problems}
    for account in sorted({account for account, _ in touched} - refused):
        state = live.get(account)
        existing = sum(len(objects) for objects in state.objects.values()) if state else 0
        count = sum(n for (holder, _), n in touched.items() if holder == account)
        if existing >= min_objects and count > max_share * existing:
            problems.append(
                f"{account}: {count} of its {existing} live objects would be updated, "
                f"replaced or deleted (more than {max_share:.0%})"
            )
    if problems:
        raise UnsafePlan(
            "refusing a plan that changes too much at once:\n  " + "\n  ".join(problems),
            hint="check the plan; if it is what you want, run apply again with --force",
        )
