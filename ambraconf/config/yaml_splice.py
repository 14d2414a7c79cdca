"""One scalar replaced in place in a YAML text, for files ruamel.yaml would reformat.

``yaml_edit`` carries ruamel's edited lines into the original text; where ruamel writes a
line otherwise than the file does (a value aligned with extra spaces after its colon,
spaces inside a flow mapping's braces), that cannot work. When every edit of a file only
replaces one scalar with another, the scalar's characters are replaced instead, found by
PyYAML's parser at the line and column ruamel reports, in the quoting the file used.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import yaml

Position = tuple[int, int]
"""A scalar's 0-based line and column, as ruamel's ``lc`` gives it."""


def splice(text: str, replacements: Sequence[tuple[Position, Any]]) -> str | None:
    """``text`` with the scalar starting at each position replaced by its new value; None
    when one of them is not a plain or quoted scalar there (a block text, an alias)."""
    spans: dict[Position, tuple[int, int, str | None]] = {}
    wanted = {position for position, _value in replacements}
    try:
        for event in yaml.parse(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
            start, end = event.start_mark, event.end_mark
            if not isinstance(event, yaml.ScalarEvent) or start is None or end is None:
                continue
            if (start.line, start.column) in wanted:
                style = event.style or None  # libyaml says "" for plain
                spans[start.line, start.column] = (start.index, end.index, style)
    except yaml.YAMLError:
        return None
    edits = []
    for position, value in replacements:
        span = spans.get(position)
        if span is None or span[2] not in (None, "'", '"') or isinstance(value, dict | list):
            return None
        edits.append((span[0], span[1], scalar_text(value, span[2])))
    for begin, finish, new in sorted(edits, reverse=True):
        text = text[:begin] + new + text[finish:]
    return text


def scalar_text(value: Any, style: str | None) -> str:
    """``value`` as a YAML scalar: in the quotes the old value had, plain when that reads
    back as the same value, else double-quoted."""
    if isinstance(value, str):
        if style == "'":
            return "'" + value.replace("'", "''") + "'"
        if style is None and value and _reads_back(value):
            return value
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool) or value is None:
        return {True: "true", False: "false", None: "null"}[value]
    return str(value)


def _reads_back(text: str) -> bool:
    """Whether ``text`` written plain, in a flow list or after a key, is that text again."""
    if text != text.strip() or "\n" in text:
        return False
    try:
        return yaml.safe_load(f"[{text}]") == [text] and yaml.safe_load(f"k: {text}") == {"k": text}
    except yaml.YAMLError:
        return False
