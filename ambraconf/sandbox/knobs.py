"""The sandbox's knobs: latency, rate limit, faults, body cap; settable at start and at runtime.

One dataclass holds them so the command line, the pytest fixture and
``POST /_sandbox/config`` change the same thing in the same way.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import re
from dataclasses import dataclass
from typing import Any

FAULT_KINDS = ("500", "503", "drop")
EXTRA_FAULT_KINDS = ("hang",)
"""Kinds not in the default draw: a request held until the knobs change stalls its client."""
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
    regular expression an endpoint path must match to be eligible (empty = all); a bundle is
    eligible when one of its calls' paths matches.
    ``fault_nth``: when above 0, the faults are not drawn at random: only the nth eligible
    request after the knobs were set fails, with the first of ``fault_kinds`` and of
    ``fault_timings``, so a test can fail (or, with kind ``hang``, hold without an answer
    until the knobs change, for a client to be killed while it waits) one chosen request.
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
    fault_nth: int = 0
    max_body_bytes: int = MAX_BODY_BYTES

    def updated(self, changes: dict[str, Any]) -> Knobs:
        """A copy with ``changes`` applied; KnobError names the first bad one and why."""
        known = {f.name for f in dataclasses.fields(self)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise KnobError(", ".join(unknown), f"unknown knob; known: {', '.join(sorted(known))}")
        values = dataclasses.asdict(self)
        for name, value in changes.items():
            values[name] = _convert(name, value)
        return Knobs(**values)

    def as_dict(self) -> dict[str, Any]:
        values = dataclasses.asdict(self)
        values["fault_kinds"] = list(self.fault_kinds)
        values["fault_timings"] = list(self.fault_timings)
        return values


class KnobError(ValueError):
    """A knob value the sandbox refuses; ``knob`` is its name, ``reason`` what is wrong."""

    def __init__(self, knob: str, reason: str) -> None:
        super().__init__(f"{knob}: {reason}")
        self.knob = knob
        self.reason = reason


MAX_LATENCY_MS = 3_600_000.0
"""An hour: longer than any client waits, and short enough for time.sleep to accept."""

NUMBERS = {
    "latency_ms": (0.0, MAX_LATENCY_MS, f"milliseconds, from 0 to {MAX_LATENCY_MS:.0f}"),
    "rate_limit": (0.0, math.inf, "requests per second, 0 (off) or more"),
    "fault_rate": (0.0, 1.0, "a fraction from 0 to 1"),
}
COUNTS = {
    "max_body_bytes": "a size in bytes, 0 or more",
    "fault_nth": "a request number, 0 (off) or more",
}
TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")


def _convert(name: str, value: Any) -> Any:
    """The knob's value in its type, or KnobError: a knob nobody can act on is refused
    (nan, inf, negative, out of range, not a regular expression) instead of breaking
    every later request."""
    if name in NUMBERS:
        low, high, meaning = NUMBERS[name]
        number = _finite(name, value, meaning)
        if not low <= number <= high:
            raise KnobError(name, f"must be {meaning}, not {value!r}")
        return number
    if name == "fault_seed":
        return _integer(name, value, "an integer")
    if name in COUNTS:
        meaning = COUNTS[name]
        count = _integer(name, value, meaning)
        if count < 0:
            raise KnobError(name, f"must be {meaning}, not {value!r}")
        return count
    if name == "rate_limit_bundle_items":
        return _flag(name, value)
    if name in ("fault_kinds", "fault_timings"):
        allowed = FAULT_KINDS + EXTRA_FAULT_KINDS if name == "fault_kinds" else FAULT_TIMINGS
        return _subset(name, value, allowed)
    return _pattern(name, value)


def _finite(name: str, value: Any, meaning: str) -> float:
    if isinstance(value, int | float | str) and not isinstance(value, bool):
        try:
            number = float(value)
        except ValueError:
            pass
        else:
            if math.isfinite(number):
                return number
    raise KnobError(name, f"must be {meaning}, not {value!r}")


def _integer(name: str, value: Any, meaning: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            return int(value.strip())
    raise KnobError(name, f"must be {meaning}, not {value!r}")


def _flag(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in TRUE_WORDS + FALSE_WORDS:
        return value.strip().lower() in TRUE_WORDS
    raise KnobError(name, f"must be true or false, not {value!r}")


def _subset(name: str, value: Any, allowed: tuple[str, ...]) -> tuple[str, ...]:
    if isinstance(value, str):
        value = value.split(",")
    if isinstance(value, list | tuple):
        items = [str(item).strip() for item in value if str(item).strip()]
        if items and all(item in allowed for item in items):
            return tuple(items)
    raise KnobError(name, f"must be a non-empty subset of {', '.join(allowed)}, not {value!r}")


def _pattern(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise KnobError(name, f"must be a regular expression as text, not {value!r}")
    try:
        re.compile(value)
    except re.error as error:
        raise KnobError(name, f"is not a regular expression ({error}): {value!r}") from None
    return value
