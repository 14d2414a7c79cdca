"""The drift report as a GitHub page, issue or job summary: a summary table first, then
each drifted object folded in a ``<details>`` block.

What is inside a ``<details>`` block is written as HTML, not markdown: GitHub renders
markdown there, but other renderers (Python-Markdown, many wikis) keep an HTML block's
content as is, and a table must read as a table everywhere.
"""

from __future__ import annotations

from html import escape

from ambraconf.engine.drift import AccountDrift, DriftItem, DriftReport
from ambraconf.reports.drift_text import heading, last_apply, sentence, title
from ambraconf.reports.values import show

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
        rows = "".join(
            f"<tr><td><code>{escape(d.field)}</code></td>"
            f"<td>{_code(d.git)}</td><td>{_code(d.live)}</td></tr>"
            for d in item.differences
        )
        lines.append(f"<table><tr><th>Field</th><th>In git</th><th>Live</th></tr>{rows}</table>")
    notes = [d.note for d in item.differences if d.note] + item.notes
    lines.extend(f"<p>Note: {escape(note)}</p>" for note in notes)
    if item.uuid:
        lines.append(f"<p>uuid <code>{escape(item.uuid)}</code></p>")
    lines += ["", "</details>"]
    return lines


def _code(value: object) -> str:
    return "" if value is None else f"<code>{escape(show(value))}</code>"


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ").replace("<", "&lt;")
