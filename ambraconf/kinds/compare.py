"""Value equality as users mean it: what the diff compares with, and what export's default
rules (which live with each kind) compare a value with its server default.
"""

from __future__ import annotations

import json
from typing import Any


def same(a: Any, b: Any) -> bool:
    """Value equality as users mean it: 1 == True is not a change, '' and None are alike.

    Values Python finds equal are the same here too, so that is asked first: an unchanged
    object (most of a plan) is then one comparison in C instead of a walk of its fields.
    """
    if a == b:
        return True
    if isinstance(a, dict) and isinstance(b, dict):
        keys = set(a) | set(b)
        return all(same(a.get(k), b.get(k)) for k in keys)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if a in ("", None) and b in ("", None):
        return True
    if isinstance(a, dict | list) and isinstance(b, str):
        parsed = _json_or_text(b)
        return not isinstance(parsed, str) and same(a, parsed)
    if isinstance(b, dict | list) and isinstance(a, str):
        return same(b, a)
    if isinstance(a, bool) or isinstance(b, bool):
        return _as_bool(a) == _as_bool(b)
    if (
        isinstance(a, int | float)
        and isinstance(b, str)
        or isinstance(b, int | float)
        and isinstance(a, str)
    ):
        return str(a) == str(b)
    return a == b


def _json_or_text(text: str) -> Any:
    """Settings hold JSON as text; a config may write it as a mapping. Compare by value."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def _as_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if value in (0, 1, "0", "1"):
        return bool(int(value))
    return None


def is_empty(value: Any) -> bool:
    """Null, "", [] or {}: what a server holds when nothing was set."""
    return value is None or value == "" or (isinstance(value, dict | list) and not value)
