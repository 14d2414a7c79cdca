"""How values look in human-readable reports: whole, never cut, secrets already masked.

A reviewer decides on what the plan shows, so a value is never shortened: one that fits
on a line is shown as compact JSON; a longer one is folded over several lines, a mapping
key by key and a list item by item (each part folded in turn), a long text as a YAML
block (``|`` keeps its lines as they are; ``>`` is one line wrapped at spaces, each line
break standing for one space, as YAML reads it). A single word longer than a line (a URL,
a token) stays whole on its line.
"""

from __future__ import annotations

import json
from typing import Any, Final

WIDTH: Final = 100
"""Longest value kept on one line; past it a value is folded."""
INDENT: Final = "  "
BLOCKS: Final = ("|", "|-", "|+", ">")
"""The marker lines of folded texts, YAML's: ``|`` a text's own lines (``|-`` without a
line break at the end, ``|+`` with more than one), ``>`` one line wrapped at spaces."""


class _Absent:
    """A key or item on one side of a change only (added, or removed)."""

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Final = _Absent()


def show(value: Any) -> str:
    """The value on one line, whole (however long)."""
    if value is ABSENT:
        return "(absent)"
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(", ", ": "))


def fits(value: Any, width: int = WIDTH) -> bool:
    """Whether ``value`` shows on one line of ``width`` characters."""
    return len(show(value)) <= width


def one_line(value: Any, width: int = WIDTH) -> bool:
    """Whether ``value`` is shown on one line: it fits and is not a text of several."""
    return fits(value, width) and not (isinstance(value, str) and "\n" in value)


def fold(value: Any, width: int = WIDTH, *, expand: bool = False) -> list[str]:
    """``value`` as lines: one when it fits, else folded (continuation lines indented
    relative to the first, which the caller places after a label); with ``expand``, a
    mapping key by key even when it fits."""
    if one_line(value, width) and not (expand and isinstance(value, dict) and value):
        return [show(value)]
    if isinstance(value, dict) and value:
        return [line for key in sorted(value) for line in labelled(str(key), value[key], width)]
    if isinstance(value, list) and value:
        return [line for item in value for line in item_lines("-", item, width)]
    if isinstance(value, str):
        return _text(value, width)
    return [show(value)]


def labelled(label: str, value: Any, width: int = WIDTH, *, expand: bool = False) -> list[str]:
    """``label: value`` on one line, or ``label:`` with the value folded beneath it; with
    ``expand``, a mapping is always shown key by key (a hash a reviewer reads whole)."""
    lines = fold(value, width - len(INDENT), expand=expand)
    if len(lines) == 1 and not (expand and isinstance(value, dict) and value):
        return [f"{label}: {lines[0]}"]
    if lines[0] in BLOCKS:
        return [f"{label}: {lines[0]}", *lines[1:]]
    return [f"{label}:", *(INDENT + line for line in lines)]


def item_lines(sign: str, item: Any, width: int = WIDTH) -> list[str]:
    """One list item after ``sign`` (``-`` in a list; ``-``, ``+`` or a space in a list's
    change: removed, added, kept), its continuation lines aligned under it."""
    lines = fold(item, width - len(INDENT))
    if lines[0] in BLOCKS:
        return [f"{sign} {lines[0]}", *lines[1:]]
    return [f"{sign} {lines[0]}", *(INDENT + line for line in lines[1:])]


def _text(text: str, width: int) -> list[str]:
    """A long or multi-line text as a YAML block, indented under its marker line."""
    if "\n" in text:
        body = text[:-1] if text.endswith("\n") else text
        marker = "|" if text.endswith("\n") else "|-"
        if body.endswith("\n"):  # more line breaks at the end than YAML's | keeps
            marker = "|+"
        return [marker, *(INDENT + line for line in body.split("\n"))]
    words = text.split(" ")
    if len(words) == 1:
        return [show(text)]
    lines: list[str] = []
    current = words[0]
    for word in words[1:]:
        if len(current) + 1 + len(word) > width - len(INDENT) and current and word:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}"
    lines.append(current)
    return [">", *(INDENT + line for line in lines)]


def html_lines(lines: list[str]) -> str:
    """Folded lines for an HTML table cell (markdown tables and drift's HTML tables): one
    ``<code>`` per line, indentation kept, and no raw ``|`` or line break, which would end
    a markdown table's cell or row."""
    return "<br>".join(
        "<code>"
        + "&nbsp;" * (len(line) - len(line.lstrip(" ")))
        + _html(line.lstrip(" "))
        + "</code>"
        for line in lines
    )


def _html(text: str) -> str:
    """HTML-escaped, and ``|`` and ``\\`` as entities: markdown would split a table cell at
    the one and take the other as an escape."""
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("|", "&#124;")):
        text = text.replace(char, entity)
    return text.replace("\\", "&#92;")
