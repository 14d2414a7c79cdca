"""What the network does to requests: rate limiting, injected faults, and request counts.

Faults are drawn from a generator seeded by the ``fault_seed`` knob, in the order
requests arrive, so a client that sends the same requests in the same order meets
the same faults. Counts let benchmarks and tests see how many calls a client made.
"""

from __future__ import annotations

import math
import random
import re
import threading
import time
from collections import Counter, deque
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from ambraconf.sandbox.knobs import Knobs


@dataclass(frozen=True)
class Fault:
    """One injected failure: ``kind`` 500, 503, drop or hang; ``timing`` before or after
    the call."""

    kind: str
    timing: str


class FaultInjector:
    """Decides, request by request, whether to fail and how."""

    def __init__(self, knobs: Knobs) -> None:
        self._lock = threading.Lock()
        self._release = threading.Event()
        self.configure(knobs)

    def configure(self, knobs: Knobs) -> None:
        """Take new knobs; the generator and the count of ``fault_nth`` restart, so runs
        repeat, and requests held by a ``hang`` fault are let go."""
        with self._lock:
            self._knobs = knobs
            self._random = random.Random(knobs.fault_seed)
            self._match = re.compile(knobs.fault_match) if knobs.fault_match else None
            self._eligible = 0
            self._release.set()
            self._release = threading.Event()

    def hold(self) -> None:
        """Wait, without answering, until the knobs change (a ``hang`` fault)."""
        with self._lock:
            release = self._release
        release.wait()

    def decide(self, path: str, inner: Sequence[str] = ()) -> Fault | None:
        """The fault for a request to ``path`` (a bundle: ``inner`` are its calls' paths,
        and it is eligible when it or one of them matches ``fault_match``), or None."""
        with self._lock:
            knobs = self._knobs
            if knobs.fault_rate <= 0 and not knobs.fault_nth:
                return None
            match = self._match
            if match is not None and not any(match.search(p) for p in (path, *inner)):
                return None
            if knobs.fault_nth:
                self._eligible += 1
                if self._eligible != knobs.fault_nth:
                    return None
                return Fault(knobs.fault_kinds[0], knobs.fault_timings[0])
            if self._random.random() >= knobs.fault_rate:
                return None
            return Fault(
                self._random.choice(knobs.fault_kinds), self._random.choice(knobs.fault_timings)
            )


class RateLimiter:
    """N requests per second per key (a sid, or the client address), in a sliding second."""

    WINDOW = 1.0

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: dict[str, deque[float]] = {}

    def retry_after(self, key: str, limit: float, cost: int = 1) -> int | None:
        """None if the request may go (and it is counted), else the seconds to wait."""
        if limit <= 0:
            return None
        now = time.monotonic()
        with self._lock:
            seen = self._seen.setdefault(key, deque())
            while seen and seen[0] <= now - self.WINDOW:
                seen.popleft()
            if seen and len(seen) + cost > limit:
                return max(1, math.ceil(seen[0] + self.WINDOW - now))
            seen.extend([now] * cost)
            return None

    def clear(self) -> None:
        with self._lock:
            self._seen.clear()


class Stats:
    """Request counts, for benchmarks and tests (``GET /_sandbox/stats``)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.in_flight = 0
        self._zero()

    def reset(self) -> None:
        with self._lock:
            self._zero()

    def _zero(self) -> None:
        self.max_in_flight = self.in_flight  # requests being answered count on
        self.requests = 0
        self.calls = 0
        self.bundles = 0
        self.by_endpoint: Counter[str] = Counter()
        self.by_status: Counter[str] = Counter()
        self.faults: Counter[str] = Counter()
        self.rate_limited = 0

    def request(self, status: str) -> None:
        """One HTTP request to the API (a bundle is one request); ``status`` or "drop"."""
        with self._lock:
            self.requests += 1
            self.by_status[status] += 1

    @contextmanager
    def flight(self) -> Iterator[None]:
        """Around the answering of one API request: ``max_in_flight`` is the most answered
        at once, so a test can tell whether a client sent requests concurrently."""
        with self._lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            yield
        finally:
            with self._lock:
                self.in_flight -= 1

    def call(self, path: str) -> None:
        """One API call, alone or as a bundle item."""
        with self._lock:
            self.calls += 1
            self.by_endpoint[path] += 1

    def bundle(self) -> None:
        with self._lock:
            self.bundles += 1

    def fault(self, fault: Fault) -> None:
        with self._lock:
            self.faults[f"{fault.kind}-{fault.timing}"] += 1

    def limited(self) -> None:
        with self._lock:
            self.rate_limited += 1

    def snapshot(self) -> dict[str, object]:
        with self._lock:
            return {
                "requests": self.requests,
                "calls": self.calls,
                "bundles": self.bundles,
                "by_endpoint": dict(self.by_endpoint),
                "by_status": dict(self.by_status),
                "faults": dict(self.faults),
                "rate_limited": self.rate_limited,
                "max_in_flight": self.max_in_flight,
            }
