"""A command's overall deadline (``--timeout``): the run, retries and back-offs included.

Why: a socket read timeout only bounds the wait for the next byte, and a list that never
stops paging, or a server that answers each request just in time, holds a command for
ever. ``api.watch`` bounds each request; this bounds the run.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

DEFAULT_COMMAND_SECONDS = 30 * 60.0
"""``--timeout`` by default: far beyond a plan or apply of the largest account planned for
(minutes), short enough that a hung CI job fails before the runner's own limit."""

FINISHING_SECONDS = 15.0
"""Past the deadline, the time left to finish up (record an apply, release its lock, log
out) inside ``Deadline.finishing``; everything else is refused at once."""


class Deadline:
    """When a command must end. ``clock`` is injectable so tests can move time on.

    Past it, the transport sends nothing more (outside ``finishing``) and cuts what is in
    flight; the callbacks of ``on_expiry`` run once, when that is first noticed (an apply
    asks its ``Stop`` there, so that it reports what it did and did not do).
    """

    def __init__(
        self,
        seconds: float = DEFAULT_COMMAND_SECONDS,
        *,
        clock: Callable[[], float] = time.monotonic,
        finishing_seconds: float = FINISHING_SECONDS,
    ) -> None:
        if not seconds > 0:
            raise ValueError("the timeout must be a positive number of seconds")
        self.seconds = seconds
        self._clock = clock
        self._at = clock() + seconds
        self._finishing_seconds = finishing_seconds
        self._finishing = 0
        self._finish_by: float | None = None
        self._callbacks: list[Callable[[], None]] = []
        self._noticed = False
        self._lock = threading.Lock()

    @property
    def expired(self) -> bool:
        return self._clock() >= self._at

    def remaining(self) -> float:
        """Seconds left for the next request (the finishing allowance once past the end)."""
        now = self._clock()
        left = self._at - now
        if left > 0 or not self._finishing:
            return left
        with self._lock:
            if self._finish_by is None:
                self._finish_by = now + self._finishing_seconds
            return self._finish_by - now

    def notice(self) -> None:
        """The transport saw the deadline pass: run the expiry callbacks, once."""
        with self._lock:
            if self._noticed:
                return
            self._noticed = True
            callbacks = list(self._callbacks)
        for callback in callbacks:
            callback()

    @contextmanager
    def on_expiry(self, callback: Callable[[], None]) -> Iterator[None]:
        """Call ``callback`` when the deadline is noticed to pass while the block runs (at
        once if it was noticed before)."""
        with self._lock:
            self._callbacks.append(callback)
            noticed = self._noticed
        if noticed:
            callback()
        try:
            yield
        finally:
            with self._lock:
                self._callbacks.remove(callback)

    @contextmanager
    def finishing(self) -> Iterator[None]:
        """Requests in the block may still be sent past the deadline, within
        ``FINISHING_SECONDS`` in all: they record and clean up what the run did."""
        with self._lock:
            self._finishing += 1
        try:
            yield
        finally:
            with self._lock:
                self._finishing -= 1

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Time spent in the block does not count: someone at the prompt reads the plan
        for as long as they like, and the command still gets its whole budget."""
        start = self._clock()
        try:
            yield
        finally:
            with self._lock:
                self._at += self._clock() - start

    def describe(self) -> str:
        return f"the command's time limit of {self.seconds:g} s (--timeout) ran out"
