"""The drift report as a GitHub page, issue or job summary: a summary table first, then
each drifted object folded in a ``<details>`` block.

What is inside a ``<details>`` block is written as HTML, not markdown: GitHub renders
markdown there, but other renderers (Python-Markdown, many wikis) keep an HTML block's
content as is, and a table must read as a table everywhere.
"""

from __future__ import annotations

from html import escape

from ambraconf.engine.drift import AccountDrift, Difference, DriftItem, DriftReport
from ambraconf.reports.changes import Shown, split
from ambraconf.reports.drift_text import heading, last_apply, sentence, title
from ambraconf.reports.values import fold, html_lines, item_lines

TITLES = {"differs": "Differs", "missing": "Missing live", "not_in_git": "Not in git"}
MAX_CHARS = 60_000
"""GitHub refuses comments and issues over 65,536 characters; past this, details are left
out (the summary table and the headings stay)."""


def render(report: DriftReport) -> str:
    lines = ["## ambraconf drift", ""]
    lines.append(f"**{report.summary()}**")
    lines.append("")
    lines.append(_escape(heading(report)))
    lines.append("")
    lines.append("| Account | Kind | In sync | Differs | Missing live | Not in git |")
    lines.append("|---|---|---:|---:|---:|---:|")
    for account in report.accounts:
        for kind in account.kinds():
            c = account.counts(kind)
            lines.append(
                f"| {_escape(account.name)} | {title(kind)} | {c['in_sync']} | {c['differs']} | "
                f"{c['missing']} | {c['not_in_git']} |"
            )
    budget = _Budget(MAX_CHARS - sum(len(line) + 1 for line in lines))
    for account in report.accounts:
        lines.extend(_account(account, budget))
    if budget.left_out:
        noun = "object" if budget.left_out == 1 else "objects"
        lines += [
            "",
            f"… and the details of {budget.left_out} more {noun}, left out to keep this under "
            "GitHub's size limit: see the text or JSON report.",
        ]
    return "\n".join(lines) + "\n"


class _Budget:
    """Characters left for details blocks, and how many blocks did not fit."""

    def __init__(self, chars: int) -> None:
        self.chars = chars
        self.left_out = 0

    def take(self, block: list[str], objects: int = 1) -> list[str]:
        """``block`` if it fits (and everything before it did), else nothing."""
        size = sum(len(line) + 1 for line in block)
        if self.left_out or size > self.chars:
            self.left_out += objects
            return []
        self.chars -= size
        return block


def _account(account: AccountDrift, budget: _Budget) -> list[str]:
    lines = ["", f"### {_escape(account.name)}", "", _escape(sentence(last_apply(account)))]
    drifted = [i for i in account.items if i.counted]
    aside = [i for i in account.items if not i.counted]
    if not drifted:
        lines += ["", "No drift: live state matches the configuration."]
    for item in drifted:
        lines += budget.take(["", *_details(item)])
    if aside:
        noun = "object" if len(aside) == 1 else "objects"
        summary = f"Live but in no file: {len(aside)} {noun} (not counted as drift)"
        entries = "".join(f"<li>{title(i.kind)} <code>{escape(i.name)}</code></li>" for i in aside)
        block = ["", f"<details><summary>{summary}</summary>", "", f"<ul>{entries}</ul>"]
        lines += budget.take([*block, "", "</details>"], len(aside))
    return lines


def _details(item: DriftItem) -> list[str]:
    summary = f"{TITLES[item.status]}: {title(item.kind)} <code>{escape(item.name)}</code>"
    if item.cause_label:
        summary += f" ({escape(item.cause_label)})"
    lines = [f"<details><summary>{summary}</summary>", ""]
    if item.explanation:
        lines.append(f"<p>{escape(sentence(item.explanation))}</p>")
    if item.differences:
        rows = "".join(_row(shown) for d in item.differences for shown in _split(d))
        lines.append(f"<table><tr><th>Field</th><th>In git</th><th>Live</th></tr>{rows}</table>")
    notes = [d.note for d in item.differences if d.note] + item.notes
    lines.extend(f"<p>Note: {escape(note)}</p>" for note in notes)
    if item.uuid:
        lines.append(f"<p>uuid <code>{escape(item.uuid)}</code></p>")
    lines += ["", "</details>"]
    return lines


def _split(d: Difference) -> list[Shown]:
    return split(d.field, d.live, d.git, secret=d.secret)


def _row(shown: Shown) -> str:
    """One field (or key of a hash) in git and live, values whole; a long list's items
    that are only in git, and only live."""
    field = f"<code>{escape(shown.path)}</code>"
    if shown.items:
        if shown.kept:
            field += f"<br>({shown.kept} {'item' if shown.kept == 1 else 'items'} the same)"
        git = [line for s, i in shown.items if s == "+" for line in item_lines("+", i)]
        live = [line for s, i in shown.items if s == "-" for line in item_lines("-", i)]
        return f"<tr><td>{field}</td><td>{html_lines(git)}</td><td>{html_lines(live)}</td></tr>"
    return f"<tr><td>{field}</td><td>{_code(shown.after)}</td><td>{_code(shown.before)}</td></tr>"


def _code(value: object) -> str:
    """A value whole: on one line when it fits, else folded, one ``<code>`` per line."""
    if value is None:
        return ""
    return html_lines(fold(value))


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ").replace("<", "&lt;")
