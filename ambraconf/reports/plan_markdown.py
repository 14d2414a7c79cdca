"""The plan as a pull request comment or job summary: a table first, details folded."""

from __future__ import annotations

from ambraconf.engine.plan import OPS, Plan
from ambraconf.reports.values import show

HEADERS = {"create": "Create", "update": "Update", "replace": "Replace", "delete": "Delete"}


def render(plan: Plan) -> str:
    lines = ["## ambraconf plan", ""]
    lines.append(
        f"Against `{plan.url}`"
        + (f" at revision `{plan.config_revision}`" if plan.config_revision else "")
        + "."
    )
    lines.append("")
    lines.append("| Account | Create | Update | Replace | Delete | Unchanged |")
    lines.append("|---|---:|---:|---:|---:|---:|")
    for account in plan.accounts:
        counts = dict.fromkeys(OPS, 0)
        for action in plan.actions:
            if action.account == account:
                counts[action.op] += 1
        lines.append(
            f"| {_escape(account)} | {counts['create']} | {counts['update']} | "
            f"{counts['replace']} | {counts['delete']} | {counts['noop']} |"
        )
    lines.append("")
    lines.append(
        f"**Plan: {plan.summary()}.**"
        if plan.has_changes
        else "**No changes.** Live state matches the configuration."
    )
    for action in plan.actions:
        if action.op == "noop":
            continue
        lines.append("")
        name, account = _html(action.name), _html(action.account)
        title = f"{HEADERS[action.op]} {action.kind} <code>{name}</code> in {account}"
        lines.append(f"<details><summary>{title}</summary>")
        lines.append("")
        lines.append(f"{action.reason}.")
        if action.changes:
            lines.append("")
            lines.append("| Field | Live | Desired |")
            lines.append("|---|---|---|")
            for change in action.changes:
                c = change.masked()
                lines.append(f"| `{c.path}` | {_cell(c.before)} | {_cell(c.after)} |")
        for note in action.notes + [c.note for c in action.changes if c.note]:
            lines.append("")
            lines.append(f"> {note}")
        lines.append("")
        lines.append("</details>")
    return "\n".join(lines) + "\n"


def _cell(value: object) -> str:
    return "" if value is None else f"`{_escape(show(value))}`"


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
