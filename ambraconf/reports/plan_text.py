"""The plan as a terminal shows it: Terraform's symbols, coloured only on a terminal.

A summary comes first (the counts, then the names of what is deleted, replaced, created and
updated, deletes and replaces highlighted), then each account's actions in review order
(``reports.review``); Terraform's closing line ends it."""

from __future__ import annotations

import click

from ambraconf.engine.plan import SECRET_MASK, Action, FieldChange, Plan
from ambraconf.reports.changes import Shown, split
from ambraconf.reports.review import (
    DANGER_HOW,
    HIGHLIGHTED,
    PREVIEW_LABEL,
    VIOLATIONS_HEADING,
    VIOLATIONS_NOTE,
    danger_heading,
    for_review,
    hazard_detail,
    hazards,
    is_plain_create,
    names_by_op,
)
from ambraconf.reports.values import INDENT, WIDTH, item_lines, labelled, one_line, show

SYMBOLS = {"create": "+", "update": "~", "replace": "-/+", "delete": "-", "noop": " "}
COLOURS = {"create": "green", "update": "yellow", "replace": "magenta", "delete": "red"}


def render(plan: Plan, *, colour: bool = False, show_noop: bool = False) -> str:
    lines = [*_violations(plan, colour), *_dangers(plan, colour), *_summary(plan, colour)]
    for account in plan.accounts:
        actions = for_review(a for a in plan.actions if a.account == account)
        shown = [a for a in actions if show_noop or a.op != "noop" or a.notes]
        lines.append(_style(f"Account {account}", colour, bold=True))
        if not any(a.op != "noop" for a in shown):
            lines.append("  No changes: live state matches the configuration.")
        lines.extend(line for action in shown for line in _action(action, colour))
        unmanaged = plan.unmanaged.get(account, {})
        if unmanaged:
            counts = ", ".join(
                f"{len(names)} {kind}{'' if len(names) == 1 else 's'}"
                for kind, names in sorted(unmanaged.items())
            )
            lines.append(f"  Unmanaged live objects (left alone): {counts}")
        lines.append("")
    lines.append(_style(closing(plan), colour, bold=True))
    return "\n".join(lines)


def _violations(plan: Plan, colour: bool) -> list[str]:
    """Changes a policy forbids come first: apply refuses the plan while there are any."""
    if not plan.violations:
        return []
    heading = f"{VIOLATIONS_HEADING} ({len(plan.violations)}), {VIOLATIONS_NOTE}:"
    lines = [_style(heading, colour, fg="red", bold=True)]
    for violation in plan.violations:
        lines.append(_style(f"  x {violation.address}: {violation.message}", colour, fg="red"))
        lines.append(f"      policy '{violation.policy}' at {violation.policy_at}")
        if violation.object_at:
            lines.append(f"      defined at {violation.object_at}")
    return [*lines, ""]


NO_CHANGES = "No changes. Live state matches the configuration."


def closing(plan: Plan) -> str:
    """Terraform's closing line (all that ``-q`` keeps of a plan)."""
    return f"Plan: {plan.summary()}." if plan.has_changes else NO_CHANGES


def _dangers(plan: Plan, colour: bool) -> list[str]:
    """Dangerous changes before anything else, each with what makes it so."""
    found = hazards(plan)
    if not found:
        return []
    several = len(plan.accounts) > 1
    heading = f"{danger_heading(found)}:"
    lines = [_style(heading, colour, fg="red", bold=True)]
    for action, hazard in found:
        where = f" in {action.account}" if several else ""
        head = f"  ! {action.kind} {show(action.name)}{where}: {hazard.what}"
        lines.append(_style(head, colour, fg="red"))
        lines.append(f"      {hazard_detail(hazard)}")
    if any(hazard.acknowledged is None for _, hazard in found):
        lines.append(f"  {DANGER_HOW}")
    lines.append("")
    return lines


def _summary(plan: Plan, colour: bool) -> list[str]:
    """The counts and every changed object's name, before the details; nothing when
    nothing changes (the closing line says so)."""
    if not plan.has_changes:
        return []
    lines = [_style(f"Plan: {plan.summary()}.", colour, bold=True)]
    several = len(plan.accounts) > 1
    for op, actions in names_by_op(plan):
        names = [
            f"{a.kind} {show(a.name)}" + (f" in {a.account}" if several else "") for a in actions
        ]
        fg, bold = (COLOURS[op], True) if op in HIGHLIGHTED else (None, None)
        head = f"  {SYMBOLS[op]} {op} ({len(names)}): "
        lines.extend(_style(line, colour, fg=fg, bold=bold) for line in _wrapped(head, names))
    lines.append("")
    return lines


def _wrapped(head: str, names: list[str]) -> list[str]:
    """``names`` after ``head``, comma-separated, as many whole names to a line as fit
    (a name is never split, even one longer than a line)."""
    pieces = [f"{name}," for name in names[:-1]] + names[-1:]
    lines = [head + pieces[0]]
    for piece in pieces[1:]:
        if len(lines[-1]) + 1 + len(piece) > WIDTH:
            lines.append(" " * len(head) + piece)
        else:
            lines[-1] += " " + piece
    return lines


def _action(action: Action, colour: bool) -> list[str]:
    symbol = SYMBOLS[action.op]
    head = f"  {symbol} {action.kind} {show(action.name)}"
    if action.uuid:
        head += f" [{action.uuid}]"
    reason = "" if is_plain_create(action) else f"  ({action.reason})"
    lines = [_style(head, colour, fg=COLOURS.get(action.op)) + reason]
    lines.extend(
        f"      dangerous: {hazard.change}, "
        + ("acknowledged (above)" if hazard.acknowledged else "not acknowledged")
        for hazard in action.hazards
    )
    for change in action.changes:
        if action.op == "create" and change.path == "name":
            continue  # the name is in the action's own line
        lines.extend(f"      {line}" for line in _change(action.op, change))
        if change.note:
            lines.append(f"        note: {change.note}")
    lines.extend(f"      note: {note}" for note in action.notes)
    if action.preview:
        lines.append(f"      {PREVIEW_LABEL}: {action.preview}")
    return lines


def _change(op: str, change: FieldChange) -> list[str]:
    """One field's change, a hash key by key; a secret only says that it is set or
    changes, never its value."""
    if change.secret:
        return [f"{change.path}: {SECRET_MASK}" + ("" if op == "create" else " (changed)")]
    if op == "create":
        return labelled(change.path, change.after, expand=True)
    if change.before == change.after:
        return [
            f"{line} (sent again)" if n == 0 else line
            for n, line in enumerate(labelled(change.path, change.after))
        ]
    return [
        line for shown in split(change.path, change.before, change.after) for line in _shown(shown)
    ]


def _shown(shown: Shown) -> list[str]:
    """``path: before -> after`` on one line when it fits, else both values folded."""
    if shown.items:
        kept = f" ({shown.kept} {'item' if shown.kept == 1 else 'items'} unchanged)"
        changed = [item for item in shown.items if item[0] != " "]
        return [
            f"{shown.path}{kept if shown.kept else ''}:",
            *(INDENT + line for sign, item in changed for line in item_lines(sign, item)),
        ]
    line = f"{shown.path}: {show(shown.before)} -> {show(shown.after)}"
    if len(line) <= WIDTH and one_line(shown.before) and one_line(shown.after):
        return [line]
    return [
        f"{shown.path}:",
        *(INDENT + line for line in labelled("live", shown.before)),
        *(INDENT + line for line in labelled("desired", shown.after)),
    ]


def _style(text: str, colour: bool, *, fg: str | None = None, bold: bool | None = None) -> str:
    return click.style(text, fg=fg, bold=bold) if colour else text
