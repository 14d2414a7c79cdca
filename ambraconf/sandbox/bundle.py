"""``POST /bundle``: a JSON array of calls run in order, with ``{{TOKEN}}`` templating.

Each item is ``{"URL": "/role/list", ...parameters}``; the answer is the array of
the items' replies in order, each with its ``HTTP_STATUS_CODE``. A string value
that is exactly ``{{TOKEN}}`` (also inside a structured value) is replaced by
TOKEN from the most recent earlier reply that has it; dot paths reach into
hashes and ``[n]`` into arrays, e.g. ``{{studies.[0].uuid}}``. A bundle is not
a transaction: items before a failing one stay done.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from ambraconf.sandbox.protocol import wire_value

TOKEN = re.compile(r"\{\{\s*([^{}]+?)\s*\}\}")
INDEX = re.compile(r"\[(\d+)\]")
MISSING = object()


class MalformedBundle(ValueError):
    """The body is not a JSON array of hashes with a URL each: HTTP 400."""


def parse(body: bytes) -> list[dict[str, Any]]:
    try:
        items = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise MalformedBundle(f"not JSON: {error}") from None
    if not isinstance(items, list):
        raise MalformedBundle("the body must be a JSON array")
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("URL"), str):
            raise MalformedBundle("every item must be a hash with a URL")
    return items


def run(
    items: list[dict[str, Any]], call: Callable[[str, dict[str, str]], tuple[int, dict[str, Any]]]
) -> list[dict[str, Any]]:
    """Run the items in order through ``call(path, params)`` and collect the replies."""
    replies: list[dict[str, Any]] = []
    for item in items:
        params = {
            name: wire_value(substitute(value, replies))
            for name, value in item.items()
            if name != "URL"
        }
        status, reply = call(item["URL"], params)
        replies.append({**reply, "HTTP_STATUS_CODE": status})
    return replies


def substitute(value: Any, replies: list[dict[str, Any]]) -> Any:
    """Replace ``{{TOKEN}}`` values (at any depth of a structure) from earlier replies."""
    if isinstance(value, dict):
        return {key: substitute(inner, replies) for key, inner in value.items()}
    if isinstance(value, list):
        return [substitute(inner, replies) for inner in value]
    if isinstance(value, str):
        found = TOKEN.fullmatch(value)
        if found:
            for reply in reversed(replies):
                resolved = resolve(reply, found.group(1))
                if resolved is not MISSING:
                    return resolved
    return value


def resolve(reply: Any, path: str) -> Any:
    """Follow ``a.b.[0].c`` into a reply; MISSING if any step is absent."""
    current = reply
    for step in path.split("."):
        index = INDEX.fullmatch(step)
        if index is not None:
            position = int(index.group(1))
            if not isinstance(current, list) or position >= len(current):
                return MISSING
            current = current[position]
        elif isinstance(current, dict) and step in current:
            current = current[step]
        else:
            return MISSING
    return current
