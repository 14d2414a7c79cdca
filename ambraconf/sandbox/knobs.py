"""The sandbox's knobs: latency, rate limit, faults, body cap; settable at start and at runtime.

One dataclass holds them so the command line, the pytest fixture and
``POST /_sandbox/config`` change the same thing in the same way.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any

FAULT_KINDS = ("500", "503", "drop")
FAULT_TIMINGS = ("before", "after")
MAX_BODY_BYTES = 10 * 1024 * 1024


@dataclass
class Knobs:
    """Behaviour that is not the API's but the network's and the server's.

    ``latency_ms``: added to every API request. ``rate_limit``: requests per second per
    session (per client address without a sid), 0 = unlimited; past it, 429 with
    Retry-After. ``rate_limit_bundle_items``: a bundle costs one request per item instead
    of one. ``fault_rate``: the fraction of API requests that fail, drawn from a random
    generator seeded with ``fault_seed`` (so a run is repeatable), among ``fault_kinds``
    (500, 503, drop = connection closed without an answer) and ``fault_timings``
    (before the call runs, or after it committed: the dangerous case). ``fault_match``: a
    regular expression an endpoint path must match to be eligible (empty = all).
    ``max_body_bytes``: larger requests get 413.
    """

    latency_ms: float = 0.0
    rate_limit: float = 0.0
    rate_limit_bundle_items: bool = False
    fault_rate: float = 0.0
    fault_seed: int = 0
    fault_kinds: tuple[str, ...] = FAULT_KINDS
    fault_timings: tuple[str, ...] = FAULT_TIMINGS
    fault_match: str = ""
    max_body_bytes: int = MAX_BODY_BYTES

    def updated(self, changes: dict[str, Any]) -> Knobs:
        """A copy with ``changes`` applied; ValueError names what is wrong."""
        known = {f.name for f in dataclasses.fields(self)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise ValueError(
                f"unknown knob(s): {', '.join(unknown)}; known: {', '.join(sorted(known))}"
            )
        values = dataclasses.asdict(self)
        for name, value in changes.items():
            values[name] = _convert(name, value)
        return Knobs(**values)

    def as_dict(self) -> dict[str, Any]:
        values = dataclasses.asdict(self)
        values["fault_kinds"] = list(self.fault_kinds)
        values["fault_timings"] = list(self.fault_timings)
        return values


def _convert(name: str, value: Any) -> Any:
    if name in ("latency_ms", "rate_limit", "fault_rate"):
        number = float(value)
        if number < 0 or (name == "fault_rate" and number > 1):
            raise ValueError(f"{name} out of range: {value}")
        return number
    if name in ("fault_seed", "max_body_bytes"):
        return int(value)
    if name == "rate_limit_bundle_items":
        if isinstance(value, str):
            return value.lower() in ("1", "true", "yes", "on")
        return bool(value)
    if name in ("fault_kinds", "fault_timings"):
        allowed = FAULT_KINDS if name == "fault_kinds" else FAULT_TIMINGS
        items = value.split(",") if isinstance(value, str) else list(value)
        items = [str(item).strip() for item in items if str(item).strip()]
        if not items or any(item not in allowed for item in items):
            raise ValueError(f"{name} must be a non-empty subset of {', '.join(allowed)}")
        return tuple(items)
    try:
        re.compile(str(value))
    except re.error as error:
        raise ValueError(f"{name} is not a regular expression: {error}") from None
    return str(value)
