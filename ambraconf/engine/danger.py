"""Which planned changes are dangerous by their meaning, and whether someone said yes.

The kinds declare their dangers (``kinds.danger``); this reads each action's field changes
against them, value by value, so a role whose ``permissions`` gain ``study_share: true``
is flagged whether it is created, updated or made exact. An object's ``dangerous_ok:``
entry in the files acknowledges its dangerous changes with a reason that the plan shows
(reviewed in the pull request that adds it); ``--allow-dangerous`` acknowledges a class
for one apply. Nothing else does: not ``--force``, not the thresholds.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator, Mapping
from fnmatch import fnmatchcase
from typing import Any

from ambraconf.config.errors import UserError
from ambraconf.engine.plan import Action, FieldChange, Hazard, Plan
from ambraconf.kinds.codec import as_flag
from ambraconf.kinds.compare import is_empty, same
from ambraconf.kinds.danger import Danger, Turn
from ambraconf.kinds.spec import KindSpec, fold


class DangerousPlan(UserError):
    """The plan makes dangerous changes that nothing acknowledged."""

    code = "dangerous_change"


def mark(
    actions: list[Action],
    specs: Mapping[str, KindSpec],
    acknowledged: Mapping[str, Mapping[str, str]],
) -> None:
    """Give each action the hazards its kind declares for what it changes; ``acknowledged``
    is the account's ``dangerous_ok:`` (kind key, then object name, then the reason)."""
    for action in actions:
        if action.op == "noop":
            continue
        spec = specs[action.kind]
        reasons = {fold(name): why for name, why in acknowledged.get(spec.key, {}).items()}
        for danger in spec.dangers:
            paths = _dangerous_paths(danger, action)
            if paths or action.op in danger.ops:
                reason = reasons.get(fold(action.name))
                action.hazards.append(Hazard(danger.change, danger.what, paths, reason))


def check_acknowledged(plan: Plan, allowed: Collection[str]) -> None:
    """Refuse a plan with a dangerous change that neither the files (``dangerous_ok:``) nor
    ``allowed`` (the classes ``--allow-dangerous`` names) acknowledge; list every one."""
    refused = [
        (action, hazard)
        for action in plan.dangerous
        for hazard in action.hazards
        if hazard.acknowledged is None and hazard.change not in allowed
    ]
    if not refused:
        return
    lines = [
        f"{action.address}: {hazard.what} ({hazard.change}"
        + (f": {', '.join(hazard.paths)}" if hazard.paths else "")
        + ")"
        for action, hazard in refused
    ]
    classes = sorted({hazard.change for _, hazard in refused})
    flags = " ".join(f"--allow-dangerous {change}" for change in classes)
    raise DangerousPlan(
        "refusing dangerous changes no one acknowledged (nothing was changed):\n  "
        + "\n  ".join(lines),
        hint=f"review them in the plan; to go ahead, run apply again with {flags}, or "
        "acknowledge an object in its account's file, "
        "dangerous_ok: {<kind>: {<name>: <why>}}",
    )


def _dangerous_paths(danger: Danger, action: Action) -> list[str]:
    """The values whose change is a dangerous turn. Only a live object can be widened or
    weakened: a new role shares nothing until someone holds it, so what a create is
    dangerous for is its kind's ``ops`` (a new purge rule deletes from its first night)."""
    if action.op not in ("update", "replace"):
        return []
    return [
        path
        for change in action.changes
        if not change.secret
        for path, before, after in _leaves(change)
        if any(
            _covers(pattern, path) and _turned(turn, before, after)
            for pattern, turn in danger.fields.items()
        )
    ]


def _leaves(change: FieldChange) -> Iterator[tuple[str, Any, Any]]:
    """Every value the change touches, mappings opened key by key, with its dotted path."""
    stack = [(change.path, change.before, change.after)]
    while stack:
        path, before, after = stack.pop(0)
        if isinstance(before, Mapping) or isinstance(after, Mapping):
            was = before if isinstance(before, Mapping) else {}
            now = after if isinstance(after, Mapping) else {}
            stack.extend((f"{path}.{key}", was.get(key), now.get(key)) for key in {**was, **now})
        elif not same(before, after):
            yield path, before, after


def _covers(pattern: str, path: str) -> bool:
    return fnmatchcase(path, pattern) or path.startswith(pattern + ".")


def _turned(turn: Turn, before: Any, after: Any) -> bool:
    """Whether ``before`` → ``after`` (which differ) is the dangerous turn."""
    if turn == "any":
        return True
    if turn == "changed":
        return not is_empty(before)
    if turn == "on":
        return as_flag(after) and not as_flag(before)
    if turn == "added":
        return bool(_items(after) - _items(before))
    if turn == "off":
        return before is not None and as_flag(before) and not as_flag(after)
    if turn == "removed":
        return bool(_items(before) - _items(after))
    was, now = _number(before), _number(after)
    if was is None or now is None:
        return was is not None or now is not None
    return now < was if turn == "lower" else now > was


def _items(value: Any) -> set[str]:
    if value is None or value == "":
        return set()
    if isinstance(value, (list, tuple, set)):
        return {json.dumps(item, sort_keys=True, default=str) for item in value}
    return {json.dumps(value, sort_keys=True, default=str)}


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None
