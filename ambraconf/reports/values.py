"""How values look in human-readable reports: compact, one line, secrets already masked."""

from __future__ import annotations

import json
from typing import Any

MAX_WIDTH = 120


def show(value: Any) -> str:
    """One-line rendering; long structures are cut so a plan stays readable."""
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
    else:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(", ", ": "))
    return text if len(text) <= MAX_WIDTH else text[: MAX_WIDTH - 3] + "..."
