"""The plan as a terminal shows it: Terraform's symbols, coloured only on a terminal."""

from __future__ import annotations

import click

from ambraconf.engine.plan import Action, Plan
from ambraconf.reports.values import show

SYMBOLS = {"create": "+", "update": "~", "replace": "-/+", "delete": "-", "noop": " "}
COLOURS = {"create": "green", "update": "yellow", "replace": "magenta", "delete": "red"}


def render(plan: Plan, *, colour: bool = False, show_noop: bool = False) -> str:
    lines: list[str] = []
    for account in plan.accounts:
        actions = [a for a in plan.actions if a.account == account]
        shown = [a for a in actions if show_noop or a.op != "noop"]
        lines.append(_style(f"Account {account}", colour, bold=True))
        if not shown:
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
    summary = f"Plan: {plan.summary()}."
    if not plan.has_changes:
        summary = "No changes. Live state matches the configuration."
    lines.append(_style(summary, colour, bold=True))
    return "\n".join(lines)


def _action(action: Action, colour: bool) -> list[str]:
    symbol = SYMBOLS[action.op]
    head = f"  {symbol} {action.kind} {show(action.name)}"
    if action.uuid:
        head += f" [{action.uuid}]"
    lines = [_style(head, colour, fg=COLOURS.get(action.op)) + f"  ({action.reason})"]
    for change in action.changes:
        c = change.masked()
        if action.op == "create":
            if c.path != "name":
                lines.append(f"      {c.path}: {show(c.after)}")
        elif c.before == c.after:
            lines.append(f"      {c.path}: {show(c.after)} (sent again)")
        else:
            lines.append(f"      {c.path}: {show(c.before)} -> {show(c.after)}")
        if c.note:
            lines.append(f"        note: {c.note}")
    lines.extend(f"      note: {note}" for note in action.notes)
    return lines


def _style(text: str, colour: bool, **style: object) -> str:
    return click.style(text, **style) if colour else text
