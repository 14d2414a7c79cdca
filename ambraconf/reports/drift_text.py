"""The drift report as a terminal or a CI log shows it: per account, what moved and why."""

from __future__ import annotations

import click

from ambraconf.engine.drift import AccountDrift, Difference, DriftItem, DriftReport
from ambraconf.kinds import BY_NAME
from ambraconf.reports.changes import split
from ambraconf.reports.values import INDENT, WIDTH, item_lines, labelled, one_line, show

HEADS = {
    "differs": ("~", "differs", "yellow"),
    "missing": ("+", "is missing live", "red"),
    "not_in_git": ("?", "is live but in no file", "cyan"),
}


def render(report: DriftReport, *, colour: bool = False) -> str:
    lines = [heading(report), ""]
    for account in report.accounts:
        lines.extend(_account(account, report, colour))
        lines.append("")
    lines.append(_style(report.summary(), colour, bold=True))
    return "\n".join(lines)


def heading(report: DriftReport) -> str:
    """When, against what and as whom the report ran, and which revision of the files."""
    revision = f" at revision {report.config_revision}" if report.config_revision else ""
    login = f" as {report.login}" if report.login else ""
    return (
        f"Drift of {report.config_path}{revision} against {report.url}{login}, {report.created_at}."
    )


def last_apply(account: AccountDrift) -> str:
    """The account's heading: when ambraconf last applied, and so what causes can be told."""
    if account.last_apply is None:
        return (
            "no apply recorded, so a difference may be a change made outside ambraconf "
            "or one not applied yet"
        )
    return f"last apply: {account.last_apply.describe()}"


def _account(account: AccountDrift, report: DriftReport, colour: bool) -> list[str]:
    lines = [_style(f"Account {account.name}", colour, bold=True) + f" ({last_apply(account)})"]
    drifted = [i for i in account.items if i.counted]
    aside = [i for i in account.items if not i.counted]
    if not drifted:
        lines.append("  No drift: live state matches the configuration.")
    for item in drifted:
        lines.extend(_item(item, colour))
    if aside:
        note = "not counted as drift; --include-unmanaged counts them"
        lines.append(f"  Live objects no file mentions ({note}):")
        lines.extend(f"    {title(i.kind)} {show(i.name)}" for i in aside)
    in_sync = ", ".join(count(len(names), kind) for kind, names in account.in_sync.items() if names)
    if in_sync:
        lines.append(f"  In sync: {in_sync}")
    return lines


def _item(item: DriftItem, colour: bool) -> list[str]:
    symbol, verb, fg = HEADS[item.status]
    head = f"  {symbol} {title(item.kind)} {show(item.name)} {verb}"
    if item.uuid:
        head += f" [{item.uuid}]"
    lines = [_style(head, colour, fg=fg)]
    if item.explanation:
        lines.append(f"      {item.explanation}")
    for d in item.differences:
        lines.extend(f"      {line}" for line in difference_lines(d))
        if d.note:
            lines.append(f"        note: {d.note}")
    lines.extend(f"      note: {note}" for note in item.notes)
    return lines


def difference_lines(d: Difference) -> list[str]:
    """One field's drift, a hash key by key and a long list item by item, values whole:
    ``field: in git X, live Y`` when it fits on a line, else both folded beneath it."""
    lines = []
    for shown in split(d.field, d.live, d.git, secret=d.secret):
        if shown.items:
            kept = f" ({shown.kept} {'item' if shown.kept == 1 else 'items'} the same)"
            lines.append(f"{shown.path}{kept if shown.kept else ''}: + in git, - live")
            lines.extend(
                INDENT + line
                for sign, item in shown.items
                if sign != " "
                for line in item_lines(sign, item)
            )
            continue
        line = f"{shown.path}: in git {show(shown.after)}, live {show(shown.before)}"
        if len(line) <= WIDTH and one_line(shown.after) and one_line(shown.before):
            lines.append(line)
        else:
            lines.append(f"{shown.path}:")
            lines.extend(INDENT + ln for ln in labelled("in git", shown.after))
            lines.extend(INDENT + ln for ln in labelled("live", shown.before))
    return lines


def title(kind: str) -> str:
    """How people call a kind: ``custom field``, ``HL7 template``."""
    spec = BY_NAME.get(kind)
    return spec.title if spec else kind


def count(n: int, kind: str) -> str:
    """``1 role``, ``5 custom fields``."""
    spec = BY_NAME.get(kind)
    plural = spec.plural if spec else f"{kind}s"
    return f"{n} {title(kind) if n == 1 else plural}"


def sentence(text: str) -> str:
    """``text`` with a capital first letter and a full stop."""
    return f"{text[:1].upper()}{text[1:]}." if text else ""


def _style(text: str, colour: bool, *, fg: str | None = None, bold: bool | None = None) -> str:
    return click.style(text, fg=fg, bold=bold) if colour else text
