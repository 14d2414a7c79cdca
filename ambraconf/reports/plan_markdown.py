"""The plan as a pull request comment or job summary: a table and the names of what changes
first, then details in review order (``reports.review``): deletes and replaces unfolded,
where no reviewer can miss them, the rest folded."""

from __future__ import annotations

from ambraconf.engine.plan import OPS, Action, FieldChange, Plan
from ambraconf.reports.changes import split
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
from ambraconf.reports.values import fold, html_lines, item_lines, one_line, show

MAX_CHARS = 60_000
"""GitHub refuses comments over 65,536 characters; past this, details are summarised."""
HEADERS = {
    "noop": "Note on",
    "create": "Create",
    "update": "Update",
    "replace": "Replace",
    "delete": "Delete",
}


def render(plan: Plan) -> str:
    lines = ["## ambraconf plan", ""]
    lines.append(
        f"Against `{plan.url}`"
        + (f" at revision `{plan.config_revision}`" if plan.config_revision else "")
        + "."
    )
    lines.append("")
    lines.extend(_violations(plan))
    lines.extend(_dangers(plan))
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
    lines.extend(_names(plan))
    changed = for_review(a for a in plan.actions if a.op != "noop" or a.notes)
    size = sum(len(line) + 1 for line in lines)
    for shown, action in enumerate(changed):
        block = _details(action)
        size += len(block) + 1
        if size > MAX_CHARS:
            lines.append("")
            lines.append(
                f"… and {len(changed) - shown} more changes, left out to keep this under "
                "GitHub's comment size: see the text or JSON plan."
            )
            break
        lines.append(block)
    return "\n".join(lines) + "\n"


def _violations(plan: Plan) -> list[str]:
    """Changes a policy forbids, before everything else: apply refuses such a plan."""
    if not plan.violations:
        return []
    lines = [f"### :no_entry: {VIOLATIONS_HEADING} ({len(plan.violations)}), {VIOLATIONS_NOTE}", ""]
    for v in plan.violations:
        where = f"`{_escape(v.policy_at)}`"
        if v.object_at:
            where += f", object at `{_escape(v.object_at)}`"
        lines.append(
            f"- **<code>{_html(v.address)}</code>**: {_html(v.message)}: policy "
            f"<code>{_html(v.policy)}</code> ({where})"
        )
    return [*lines, ""]


def _dangers(plan: Plan) -> list[str]:
    """Dangerous changes first, where the pull request's reviewer starts reading."""
    found = hazards(plan)
    if not found:
        return []
    lines = [f"### :warning: {danger_heading(found)}", ""]
    for action, hazard in found:
        name = f"{action.kind} <code>{_html(action.name)}</code> in {_escape(action.account)}"
        lines.append(f"- **{name}**: {_html(hazard.what)} ({_html(hazard_detail(hazard))})")
    if any(hazard.acknowledged is None for _, hazard in found):
        lines += ["", DANGER_HOW]
    return [*lines, ""]


def _names(plan: Plan) -> list[str]:
    """What each op changes, by name: deletes and replaces first, in bold."""
    lines = []
    for op, actions in names_by_op(plan):
        names = ", ".join(
            f"{a.kind} <code>{_html(a.name)}</code>"
            + (f" in {_escape(a.account)}" if len(plan.accounts) > 1 else "")
            for a in actions
        )
        label = f"{HEADERS[op]} ({len(actions)})"
        lines += ["", f"**{label}: {names}**" if op in HIGHLIGHTED else f"{label}: {names}"]
    return lines


def _details(action: Action) -> str:
    """One section per change: the reason (unless it is a plain create's), then field,
    live and desired values, a hash key by key and a long list item by item
    (``reports.changes``). A dangerous change, a delete or a replace is a heading, unfolded;
    the rest fold."""
    name, account = _html(action.name), _html(action.account)
    title = f"{HEADERS[action.op]} {action.kind} <code>{name}</code> in {account}"
    unfolded = action.op in HIGHLIGHTED or bool(action.hazards)
    lines = ["", f"#### {title}" if unfolded else f"<details><summary>{title}</summary>"]
    if not is_plain_create(action):
        lines += ["", f"{action.reason.capitalize()}."]
    for hazard in action.hazards:
        lines += ["", f"**Dangerous:** {_html(hazard.what)} ({_html(hazard_detail(hazard))})"]
    if action.changes:
        lines += ["", "| Field | Live | Desired |", "|---|---|---|"]
        for change in action.changes:
            lines.extend(_rows(action.op, change.masked()))
    for note in action.notes + [c.note for c in action.changes if c.note]:
        lines += ["", f"> {note}"]
    if action.preview:
        lines += ["", f"> **{PREVIEW_LABEL}:** {_html(action.preview)}"]
    if not unfolded:
        lines += ["", "</details>"]
    return "\n".join(lines)


def _rows(op: str, change: FieldChange) -> list[str]:
    """The table rows of one field's change; a create's values are new, so "(new)"."""
    if op == "create":
        return [f"| `{_escape(change.path)}` | (new) | {_cell(change.after)} |"]
    if change.secret or change.before == change.after:
        return [f"| `{_escape(change.path)}` | {_cell(change.before)} | {_cell(change.after)} |"]
    rows = []
    for shown in split(change.path, change.before, change.after):
        path = f"`{_escape(shown.path)}`"
        if shown.items:
            if shown.kept:
                path += f"<br>({shown.kept} {'item' if shown.kept == 1 else 'items'} unchanged)"
            removed = [item for sign, item in shown.items if sign == "-"]
            added = [item for sign, item in shown.items if sign == "+"]
            rows.append(f"| {path} | {_items('-', removed)} | {_items('+', added)} |")
        else:
            rows.append(f"| {path} | {_cell(shown.before)} | {_cell(shown.after)} |")
    return rows


def _cell(value: object) -> str:
    """A value in a table cell, whole: inline code when it fits on a line, else its
    folded lines (``reports.values.fold``), one ``<code>`` per line."""
    if value is None:
        return ""
    if one_line(value):
        return f"`{_escape(show(value))}`"
    return html_lines(fold(value, expand=True))


def _items(sign: str, items: list[object]) -> str:
    return html_lines([line for item in items for line in item_lines(sign, item)])


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
