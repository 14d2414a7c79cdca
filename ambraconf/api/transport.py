"""One POST to the API, made safely: rate limit, retries that cannot duplicate, counting.

The transport knows HTTP, not the API's JSON: it returns any response the server produced
by handling the request (2xx, 4xx other than 429) and turns everything else into
``TransportError`` or, for calls that change things, ``ResponseLost``.

Retry rules (why: an ``add`` that runs twice creates a duplicate, since most names are
not unique):

- A request that never left (connection refused, DNS failure, connect timeout) is retried
  whatever it is.
- An HTTP 429 is retried whatever it is, after ``Retry-After`` seconds when given: the
  server refused the request without acting on it.
- A request that may have reached the server (read timeout, dropped connection, 5xx, no
  complete answer within the per-request limit) is retried only when the caller says it
  is idempotent (reads); otherwise ``ResponseLost``.

Bounds: each attempt ends within ``request_seconds`` whatever the server does (an
``api.watch.Watch`` cuts it), and nothing is sent once the command's deadline
(``api.deadline.Deadline``) has passed: that is a ``CommandTimeout``, or ``ResponseLost``
for a change cut while in flight.
"""

from __future__ import annotations

import json
import logging
import math
import random
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import requests
from urllib3.exceptions import MaxRetryError, NameResolutionError, NewConnectionError, ProtocolError

from ambraconf.api.deadline import Deadline
from ambraconf.api.errors import CommandTimeout, ResponseLost, TransportError
from ambraconf.api.redact import redact_body
from ambraconf.api.watch import Watch, WatchedAdapter
from ambraconf.version import __version__

log = logging.getLogger("ambraconf.api")
requests_log = logging.getLogger("ambraconf.api.requests")

DEFAULT_REQUESTS_PER_SECOND = 5.0
"""Client-side cap. Ambra documents no server limit; its SDK assumes 2/s for ordinary calls
and 5/s for gets. A plan is mostly bundled reads and an apply a few dozen writes, so one
flat 5/s keeps runs short without hammering the server."""

DEFAULT_POOL_SIZE = 10
"""Connections kept open (urllib3's default): enough for the client's default concurrency."""

DEFAULT_TIMEOUT = (10.0, 120.0)
"""(connect, read) seconds; a 5000-row list page can take a while to build."""
DEFAULT_REQUEST_SECONDS = 300.0
"""The most one attempt of one request may take, from connecting to the last byte of the
answer (the read timeout above only bounds the wait for the next byte)."""
MAX_ANSWER_BYTES = 64 * 1024 * 1024
"""The largest answer read (a 5000-row page of the largest objects is a few MB): past it the
answer is refused as it streams in, not read whole into memory."""


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to retry what is safe to retry.

    The n-th retry waits ``min(backoff_max, backoff_base * 2**(n-1))``, of which the upper
    half is random (jitter), unless the server sent ``Retry-After``. A ``Retry-After`` longer
    than ``retry_after_max`` is not waited for: the call fails with a message saying so.

    A 429 with a ``Retry-After`` that is waited out is not a failed attempt: the server did
    not act and said when to come back; threads sending at once share its budget, so some
    are turned away after every pause. ``max_pauses`` such answers to one request end it.
    """

    max_attempts: int = 4
    backoff_base: float = 0.5
    backoff_max: float = 8.0
    retry_after_max: float = 60.0
    max_pauses: int = 20

    def backoff(self, retry: int, jitter: float) -> float:
        """Delay before retry number ``retry`` (1-based); ``jitter`` is in [0, 1)."""
        ceiling = min(self.backoff_max, self.backoff_base * 2 ** (retry - 1))
        return ceiling / 2 + ceiling / 2 * jitter


class RateLimiter:
    """At most ``per_second`` requests per second across threads (a minimum interval;
    ``None``: no spacing), and a pause that holds every thread (``hold``).

    Each caller reserves the next free slot under a lock, then sleeps outside it, so
    concurrent callers queue up instead of bursting.
    """

    def __init__(
        self,
        per_second: float | None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if per_second is not None and per_second <= 0:
            raise ValueError("requests per second must be positive")
        self._interval = 1.0 / per_second if per_second else 0.0
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next_slot = float("-inf")
        self._held_until = float("-inf")

    def wait(self) -> None:
        """Block until this caller may send a request: its slot has come and no hold
        begun while it slept covers that moment."""
        while True:
            with self._lock:
                now = self._clock()
                slot = max(now, self._next_slot, self._held_until)
                self._next_slot = slot + self._interval
            if slot > now:
                self._sleep(slot - now)
            with self._lock:
                if self._held_until <= slot:
                    return

    def hold(self, seconds: float) -> None:
        """Send nothing, from any thread, for ``seconds`` from now (a 429's Retry-After:
        the server limits the session, not the thread, so every thread must wait)."""
        with self._lock:
            self._held_until = max(self._held_until, self._clock() + seconds)


@dataclass(frozen=True)
class RequestCounts:
    """HTTP requests sent so far (every attempt counts; a bundle is one ``/bundle`` request)."""

    total: int = 0
    by_endpoint: Mapping[str, int] = field(default_factory=dict)


class Transport:
    """A ``requests`` session bound to one API base URL.

    ``request_seconds`` bounds each attempt, ``deadline`` the whole command (by default
    ``DEFAULT_COMMAND_SECONDS`` from now). ``sleep`` and ``jitter`` are injectable so tests
    can run retries without waiting. ``requests_per_second=None`` turns the client-side rate
    limit off (a 429's pause still holds every thread). ``pool_size`` is how many
    connections are kept open for reuse: as many as threads send at once (the client's
    ``concurrency``), else the extra ones are opened and closed on every request.
    """

    def __init__(
        self,
        base_url: str,
        *,
        ca_bundle: str | None = None,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        requests_per_second: float | None = DEFAULT_REQUESTS_PER_SECOND,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
        max_answer: int = MAX_ANSWER_BYTES,
        request_seconds: float = DEFAULT_REQUEST_SECONDS,
        deadline: Deadline | None = None,
        pool_size: int = DEFAULT_POOL_SIZE,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._max_answer = max_answer
        self._request_seconds = request_seconds
        self.deadline = deadline or Deadline()
        self._verify: str | bool = ca_bundle or True
        self._timeout = timeout
        self._retry = retry or RetryPolicy()
        self._sleep = sleep
        self._jitter = jitter
        self._limiter = RateLimiter(requests_per_second, sleep=sleep)
        self._session = requests.Session()
        for prefix in ("https://", "http://"):
            self._session.mount(prefix, WatchedAdapter(pool_maxsize=pool_size))
        self._session.headers["User-Agent"] = f"ambraconf/{__version__}"
        self._counts: Counter[str] = Counter()
        self._counts_lock = threading.Lock()

    def post(
        self,
        path: str,
        *,
        form: Mapping[str, str] | None = None,
        json_text: str | None = None,
        idempotent: bool,
    ) -> requests.Response:
        """POST form fields (or, for ``/bundle``, JSON text) to ``path`` under the base URL.

        Returns the response when the server handled the request (2xx or a 4xx other
        than 429). Raises ``TransportError`` when no usable answer came after the allowed
        attempts, ``ResponseLost`` when a non-idempotent call may have run (its ``calls``
        are left for the client to fill in: only it knows what the request meant), and
        ``CommandTimeout`` once the command's deadline has passed.
        """
        url = self.base_url + path
        headers = {"Content-Type": "application/json"} if json_text is not None else None
        attempt = pauses = 0
        while True:
            attempt += 1
            self._limiter.wait()
            limit = min(self._request_seconds, self.deadline.remaining())
            if limit <= 0:
                self.deadline.notice()
                raise CommandTimeout(f"{path}: not sent: {self.deadline.describe()}", endpoint=path)
            self._count(path)
            log.debug("POST %s (attempt %d)", path, attempt)
            failure: requests.RequestException | None = None
            started = time.monotonic()
            with Watch(limit) as watch:
                try:
                    response = self._session.post(
                        url,
                        data=json_text.encode() if json_text is not None else form,
                        headers=headers,
                        timeout=(min(self._timeout[0], limit), min(self._timeout[1], limit)),
                        verify=self._verify,
                        allow_redirects=False,
                        stream=True,
                    )
                    too_large = not _read_within(response, self._max_answer)
                except requests.RequestException as exc:
                    failure = exc
            if watch.fired:  # whatever the socket said then, the limit ended the attempt
                reason, may_have_arrived = self._cut(limit), True
            elif isinstance(failure, requests.exceptions.SSLError):
                _log_request(path, form, json_text, "TLS error", started)
                raise TransportError(
                    f"cannot reach {url}: TLS error: {_cause(failure)}",
                    endpoint=path,
                    hint="set AMBRA_CA_BUNDLE to the CA certificate file if the server uses "
                    "a private certificate authority",
                ) from failure
            elif failure is not None:
                reason, may_have_arrived = (
                    self._describe(failure, limit),
                    _may_have_arrived(failure),
                )
            else:
                reason = None
            if reason is not None:
                _log_request(path, form, json_text, reason, started)
                if may_have_arrived and not idempotent:
                    raise ResponseLost(
                        f"{path}: no answer from {url} ({reason}); the call may have run",
                        endpoint=path,
                        calls=(),
                    ) from failure
                if self.deadline.expired:
                    raise CommandTimeout(f"{path}: {reason}", endpoint=path) from failure
                if attempt >= self._retry.max_attempts:
                    raise TransportError(
                        f"cannot reach {url}: {reason}", endpoint=path
                    ) from failure
                self._back_off(path, attempt, reason, retry_after=None)
                continue

            if too_large:
                message = (
                    f"{path}: the answer from {url} is larger than {self._max_answer:,} "
                    "bytes; refusing to read it"
                )
                if not idempotent:
                    raise ResponseLost(message + "; the call may have run", endpoint=path, calls=())
                raise TransportError(message, endpoint=path)
            status = response.status_code
            log.debug("POST %s -> HTTP %d", path, status)
            _log_request(path, form, json_text, str(status), started)
            if status != 429 and status < 500:
                return response
            excerpt = body_excerpt(response)
            if status >= 500 and not idempotent:
                raise ResponseLost(
                    f"{path}: HTTP {status} from the server ({excerpt}); the call may have run",
                    endpoint=path,
                    calls=(),
                    status=status,
                )
            retry_after = _retry_after(response)
            if retry_after is not None and retry_after > self._retry.retry_after_max:
                raise TransportError(
                    f"{path}: HTTP {status}, the server asks to retry after {retry_after:g} s "
                    f"(more than the {self._retry.retry_after_max:g} s this client waits)",
                    endpoint=path,
                    status=status,
                )
            if status == 429 and retry_after is not None:
                attempt -= 1
                pauses += 1
                if pauses >= self._retry.max_pauses:
                    raise TransportError(
                        f"{path} failed: HTTP 429 {pauses} times, after waiting as asked each "
                        f"time: {excerpt}",
                        endpoint=path,
                        status=status,
                        hint="lower --concurrency or --rate",
                    )
            elif attempt >= self._retry.max_attempts:
                raise TransportError(
                    f"{path} failed: HTTP {status} after {attempt} attempts: {excerpt}",
                    endpoint=path,
                    status=status,
                )
            self._back_off(path, attempt, f"HTTP {status}", retry_after=retry_after)

    def counts(self) -> RequestCounts:
        """A snapshot of the requests sent so far, for ``--verbose`` and benchmarks."""
        with self._counts_lock:
            return RequestCounts(sum(self._counts.values()), dict(self._counts))

    def close(self) -> None:
        """Release pooled connections."""
        self._session.close()

    def _count(self, path: str) -> None:
        with self._counts_lock:
            self._counts[path] += 1

    def _cut(self, limit: float) -> str:
        """Why the watch ended an attempt: the command's deadline (noticed, so that an apply
        stops and reports) or the per-request limit."""
        if self.deadline.expired:
            self.deadline.notice()
            return f"{self.deadline.describe()} while waiting for the answer"
        return f"no complete answer within {limit:g} s"

    def _back_off(self, path: str, attempt: int, reason: str, *, retry_after: float | None) -> None:
        """Wait before the next attempt, never past the command's deadline (the attempt
        after it is then refused with the deadline's message). A ``Retry-After`` holds
        every thread (the rate limiter waits it out before the next request of any), so
        that threads sending at once do not each run into a 429 of their own."""
        delay = retry_after
        if delay is None:
            delay = self._retry.backoff(attempt, self._jitter())
        log.info("%s: %s; retrying in %.2f s", path, reason, delay)
        wait = max(0.0, min(delay, self.deadline.remaining()))
        if retry_after is None:
            self._sleep(wait)
        else:
            self._limiter.hold(wait)

    def _describe(self, exc: requests.RequestException, limit: float) -> str:
        """Why an attempt failed; a socket timeout cut short to ``limit`` (the attempt's
        limit) is that limit, so it reads the same whichever fired first."""
        if isinstance(exc, requests.ConnectTimeout):
            if limit <= self._timeout[0]:
                return self._cut(limit)
            return f"no connection within {self._timeout[0]:g} s"
        if isinstance(exc, requests.ReadTimeout):
            if limit <= self._timeout[1]:
                return self._cut(limit)
            return f"no answer within {self._timeout[1]:g} s"
        cause = _cause(exc)
        if isinstance(cause, NameResolutionError):
            return "host name not found"
        if isinstance(cause, NewConnectionError):
            return getattr(cause.__cause__, "strerror", None) or str(cause)
        if isinstance(cause, ProtocolError):
            return "connection closed without an answer"
        return str(cause)


def _log_request(
    path: str, form: Mapping[str, str] | None, json_text: str | None, outcome: str, started: float
) -> None:
    """``POST /bundle 200 12 ms [...]`` on ``requests_log``, secrets masked; the
    masking and formatting only happen when someone listens."""
    if requests_log.isEnabledFor(logging.DEBUG):
        elapsed = (time.monotonic() - started) * 1000
        sent = json.dumps(redact_body(form, json_text), ensure_ascii=False)
        requests_log.debug("POST %s %s %.0f ms %s", path, outcome, elapsed, sent)


def _read_within(response: requests.Response, limit: int) -> bool:
    """Read the body as it streams in, keeping it on the response; False (and the
    connection closed) once it passes ``limit`` bytes."""
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_content(chunk_size=1 << 16):
        size += len(chunk)
        if size > limit:
            response.close()
            return False
        chunks.append(chunk)
    response._content = b"".join(chunks)  # what requests keeps for .json() and .text
    return True


def body_excerpt(response: requests.Response, limit: int = 160) -> str:
    """The start of a response body as one line of text (HTML tags removed)."""
    text = re.sub(r"<[^>]*>", " ", response.text)
    text = " ".join(text.split())
    if not text:
        return "empty body"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _cause(exc: requests.RequestException) -> BaseException:
    """The urllib3 error under a requests exception (under its MaxRetryError, if any)."""
    cause = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc
    return cause.reason if isinstance(cause, MaxRetryError) and cause.reason else cause


def _may_have_arrived(exc: requests.RequestException) -> bool:
    """False only when the request provably never reached the server."""
    if isinstance(exc, requests.ConnectTimeout):
        return False
    return not isinstance(_cause(exc), NewConnectionError)


def _retry_after(response: requests.Response) -> float | None:
    """``Retry-After`` in seconds; the HTTP-date form is ignored (plain backoff applies)."""
    value = response.headers.get("Retry-After", "").strip()
    try:
        seconds = float(value)
    except ValueError:
        return None
    return max(seconds, 0.0) if math.isfinite(seconds) else None
