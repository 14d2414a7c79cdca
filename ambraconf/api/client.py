"""The Ambra v3 API as the engine uses it: a session, calls, complete lists, bundles.

Replies are returned without their ``status`` key (it is always ``OK`` by then, and
objects compared with the desired state must not carry it). Errors are raised as the
exceptions of ``ambraconf.api.errors``.
"""

from __future__ import annotations

import json
import logging
import threading
from collections import deque
from collections.abc import Callable, Generator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field
from itertools import islice
from types import TracebackType
from typing import Any

import requests

from ambraconf.api.deadline import Deadline
from ambraconf.api.encoding import encode_params
from ambraconf.api.errors import (
    AmbraError,
    ApiError,
    AuthenticationError,
    ResponseLost,
    TransportError,
)
from ambraconf.api.redact import redact
from ambraconf.api.settings import ClientSettings
from ambraconf.api.transport import RequestCounts, Transport, body_excerpt

log = logging.getLogger("ambraconf.api")

DEFAULT_BUNDLE_SIZE = 50
"""Calls per ``/bundle`` request. The API documents no maximum; Ambra's own bulk scripts
send about 25. 50 keeps a plan of a large account to a handful of requests."""

DEFAULT_CONCURRENCY = 4
"""Bundles of reads in flight at once. The API documents no limit on concurrent requests;
4 is a conservative guess that hides most of the latency of a round of chunks, and the
rate limit (client side, and the server's 429s) still governs how fast requests go."""
MAX_CONCURRENCY = 64

READ_AHEAD = 2
"""Chunks of reads answered or asked for ahead of the caller, per chunk in flight: enough
to keep ``concurrency`` requests going while the caller works on what came in, few enough
that a caller slower than the network (decoding and planning 100,000 objects) does not
hold every answer of the round at once."""

MAX_PAGE_ROWS = 5000
"""The documented maximum of ``page.rows``; asking for it keeps lists to one page mostly."""
MAX_PAGES = 200
"""Pages read of one list at most (a million rows at 5000 a page, ten times the largest
account planned for): a server that keeps saying ``page.more`` is refused, not followed."""

LOGIN = "/session/login"
LOGOUT = "/session/logout"
BUNDLE = "/bundle"

Form = dict[str, str]
Call = tuple[str, Mapping[str, Any]]


def is_read(path: str) -> bool:
    """Whether ``path`` only reads (a ``list`` or ``get``), so resending it is harmless.

    Everything else is treated as a change unless the caller says otherwise.
    """
    return path.rstrip("/").rsplit("/", 1)[-1] in ("list", "get")


@dataclass(frozen=True)
class Arrival:
    """What ``AmbraClient.read_each`` hands on: the ``index``-th get's ``result``, or the
    ``index``-th list read to its end (``items``)."""

    index: int
    items: list[dict[str, Any]] = field(default_factory=list)
    result: BundleResult | None = None


@dataclass(frozen=True)
class BundleResult:
    """The outcome of one call in a bundle: its reply (without ``status`` and
    ``HTTP_STATUS_CODE``) or the ``ApiError`` the server answered with."""

    path: str
    data: dict[str, Any] | None = None
    error: ApiError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def unwrap(self) -> dict[str, Any]:
        """The reply, or raise its error."""
        if self.error is not None:
            raise self.error
        assert self.data is not None
        return self.data


@dataclass(frozen=True)
class ListRequest:
    """One complete list to read with ``AmbraClient.list_many``.

    ``paged=False`` is for the lists the API returns whole and without ``page.*``
    parameters (``/webhook/list``, ``/hl7/template/list``, ``/dictionary/entries`` ...).
    """

    path: str
    list_key: str
    params: Mapping[str, Any] = field(default_factory=dict)
    paged: bool = True


class AmbraClient:
    """A client for one API base URL and one user, safe to share between threads.

    It logs in on the first call (once per run), sends the sid with every call, and logs
    in again once when the server answers 401. Use it as a context manager, or call
    ``logout()`` and ``close()``, to end the session it opened. Up to ``concurrency``
    chunks of a round of reads are sent at once (``read_many``, and ``bundle`` when every
    call is a list or a get); changes are always sent one chunk after another.
    """

    def __init__(
        self,
        settings: ClientSettings,
        *,
        transport: Transport | None = None,
        bundle_size: int = DEFAULT_BUNDLE_SIZE,
        max_pages: int = MAX_PAGES,
        concurrency: int = DEFAULT_CONCURRENCY,
    ) -> None:
        if bundle_size < 1:
            raise ValueError("bundle_size must be at least 1")
        if not 1 <= concurrency <= MAX_CONCURRENCY:
            raise ValueError(f"concurrency must be between 1 and {MAX_CONCURRENCY}")
        self._concurrency = concurrency
        self._max_pages = max_pages
        self.settings = settings
        self._transport = transport or Transport(
            settings.url, ca_bundle=settings.ca_bundle, pool_size=concurrency
        )
        self._bundle_size = bundle_size
        self._lock = threading.Lock()
        self._sid = settings.sid
        self._owns_sid = False

    @property
    def bundle_size(self) -> int:
        """Most calls one ``/bundle`` request carries."""
        return self._bundle_size

    def __enter__(self) -> AmbraClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.logout()
        self.close()

    def call(
        self,
        path: str,
        params: Mapping[str, Any] | None = None,
        /,
        *,
        idempotent: bool | None = None,
        **more_params: Any,
    ) -> dict[str, Any]:
        """POST one call and return its reply without ``status``.

        Parameters come from ``params`` (needed for names like ``page.rows``) and keyword
        arguments, encoded by ``encode_params``. ``idempotent`` overrides the rule that only
        lists and gets are retried after an ambiguous failure.
        """
        form = encode_params({**(params or {}), **more_params})
        safe = is_read(path) if idempotent is None else idempotent
        log.debug("call %s %s", path, redact(form))
        try:
            response, _ = self._post_with_session(
                path, safe, lambda sid: {"form": {**form, "sid": sid}}
            )
        except ResponseLost as exc:
            exc.calls = [(path, redact(form))]
            raise
        reply = self._reply(path, response, safe, [(path, form)])
        if not isinstance(reply, dict) or reply.get("status") != "OK":
            raise self._unusable(path, response, safe, [(path, form)])
        return {key: value for key, value in reply.items() if key != "status"}

    def list_all(
        self,
        path: str,
        list_key: str,
        params: Mapping[str, Any] | None = None,
        /,
        *,
        page_rows: int = MAX_PAGE_ROWS,
        paged: bool = True,
        **more_params: Any,
    ) -> list[dict[str, Any]]:
        """Every object of a list, page by page until ``page.more`` is 0.

        Raises ``TransportError`` when the pages do not add up (the server ignored the
        page size, or a page is short while more are promised): a partial list would make
        objects look missing, and a plan would re-create them. A reply without a ``page``
        hash is a list the API does not page: it is returned as is. ``paged=False`` sends
        no ``page.*`` parameters at all.
        """
        _check_page_rows(page_rows)
        request = ListRequest(path, list_key, {**(params or {}), **more_params}, paged)
        items: list[dict[str, Any]] = []
        number = 1
        while True:
            reply = self.call(path, _page_params(request, number, page_rows), idempotent=True)
            page, more = _read_page(request, reply, number, page_rows)
            items.extend(page)
            if not more:
                return items
            number += 1
            _check_page_count(request, number, self._max_pages)

    def bundle(
        self,
        calls: Sequence[Call],
        *,
        idempotent: bool | None = None,
    ) -> list[BundleResult]:
        """Send calls through ``/bundle``, in chunks, and return one result per call in order.

        A failed item is a ``BundleResult`` with ``error`` set, never an exception. Bundles
        of reads (or ``idempotent=True``) are retried whole on transport failures; a bundle
        with changes whose answer is lost raises ``ResponseLost`` carrying the results of
        the chunks answered before, the calls in the lost chunk and those never sent.
        Chunks of lists and gets only go ``concurrency`` at a time; any other bundle
        (``idempotent=True`` does not make a change a read) goes chunk after chunk.
        """
        encoded = [(path, encode_params(params)) for path, params in calls]
        reads = all(is_read(path) for path, _ in encoded)
        safe = reads if idempotent is None else idempotent
        if reads and safe:
            return self._send_reads(encoded)
        results: list[BundleResult] = []
        for start in range(0, len(encoded), self._bundle_size):
            chunk = encoded[start : start + self._bundle_size]
            try:
                results.extend(self._send_bundle(chunk, safe))
            except ResponseLost as exc:
                raise ResponseLost(
                    f"{exc.args[0]} (a bundle of {len(chunk)} calls)",
                    endpoint=BUNDLE,
                    status=exc.status,
                    calls=[(path, redact(form)) for path, form in chunk],
                    completed=results,
                    not_sent=[(path, redact(form)) for path, form in encoded[start + len(chunk) :]],
                ) from exc
        return results

    def list_many(
        self, requests: Sequence[ListRequest], *, page_rows: int = MAX_PAGE_ROWS
    ) -> list[list[dict[str, Any]]]:
        """Several complete lists in few round trips (``read_many`` without gets)."""
        return self.read_many(requests, page_rows=page_rows)[0]

    def read_many(
        self,
        requests: Sequence[ListRequest],
        gets: Sequence[Call] = (),
        *,
        page_rows: int = MAX_PAGE_ROWS,
    ) -> tuple[list[list[dict[str, Any]]], list[BundleResult]]:
        """Complete lists and single reads in few round trips (``read_each``, gathered):
        the lists in the order of ``requests`` and one ``BundleResult`` per get, in order."""
        lists: list[list[dict[str, Any]]] = [[] for _ in requests]
        got: list[BundleResult] = []
        with closing(self.read_each(requests, gets, page_rows=page_rows)) as arrivals:
            for arrival in arrivals:
                if arrival.result is not None:
                    got.append(arrival.result)
                else:
                    lists[arrival.index] = arrival.items
        return lists, got

    def read_each(
        self,
        requests: Sequence[ListRequest],
        gets: Sequence[Call] = (),
        *,
        page_rows: int = MAX_PAGE_ROWS,
    ) -> Generator[Arrival, None, None]:
        """Complete lists and single reads in few round trips, each as soon as it is in:
        the gets and the first page of each list in one round of bundles, then the next
        page of every list that has more, until none has. Each round's chunks go
        ``concurrency`` at a time, and are handed on in call order as they come, so that
        the caller works on what has arrived while the rest is on its way.

        Every get arrives (in order) before any list; a list arrives once its last page
        has. ``gets`` are reads whatever their path says (``/namespace/settings``): the
        caller vouches that sending them twice is harmless. A refused get is a result with
        its error, for the caller to judge; the ``ApiError`` of the first list the server
        refused is raised, and ``TransportError`` when pages do not add up. Close the
        iterator (``contextlib.closing``) when not reading it to its end: that stops the
        chunks not yet sent.
        """
        _check_page_rows(page_rows)
        lists: list[list[dict[str, Any]]] = [[] for _ in requests]
        next_page = dict.fromkeys(range(len(requests)), 1)
        singles = [(path, encode_params(params)) for path, params in gets]
        while next_page or singles:
            pending = list(next_page.items())
            pages = [
                (
                    requests[index].path,
                    encode_params(_page_params(requests[index], number, page_rows)),
                )
                for index, number in pending
            ]
            answered = 0
            with closing(self._chunks_in_order([*singles, *pages])) as chunks:
                for chunk in chunks:
                    for result in chunk:
                        if answered < len(singles):
                            yield Arrival(answered, result=result)
                        else:
                            index, number = pending[answered - len(singles)]
                            items, more = _read_page(
                                requests[index], result.unwrap(), number, page_rows
                            )
                            lists[index].extend(items)
                            if more:
                                _check_page_count(requests[index], number + 1, self._max_pages)
                                next_page[index] = number + 1
                            else:
                                del next_page[index]
                                whole, lists[index] = lists[index], []
                                yield Arrival(index, items=whole)
                        answered += 1
            singles = []

    def _send_reads(self, encoded: list[tuple[str, Form]]) -> list[BundleResult]:
        """Reads in chunks (``_chunks_in_order``); results in call order."""
        with closing(self._chunks_in_order(encoded)) as chunks:
            return [result for chunk in chunks for result in chunk]

    def _chunks_in_order(
        self, encoded: list[tuple[str, Form]]
    ) -> Generator[list[BundleResult], None, None]:
        """Reads in chunks, up to ``concurrency`` chunks in flight, each chunk's results
        given in call order as soon as it and those before it are in. The first chunk (in
        call order) that failed raises its error; chunks not started by then (or by the time
        the iterator is closed) are not sent."""
        chunks = [
            encoded[start : start + self._bundle_size]
            for start in range(0, len(encoded), self._bundle_size)
        ]
        if len(chunks) <= 1 or self._concurrency == 1:
            for chunk in chunks:
                yield self._send_bundle(chunk, True)
            return
        workers = min(self._concurrency, len(chunks))
        queued = iter(chunks)
        with ThreadPoolExecutor(workers, thread_name_prefix="ambraconf-read") as pool:
            futures = deque(
                pool.submit(self._send_bundle, chunk, True)
                for chunk in islice(queued, READ_AHEAD * workers)
            )
            try:
                while futures:
                    result = futures.popleft().result()
                    for chunk in islice(queued, 1):
                        futures.append(pool.submit(self._send_bundle, chunk, True))
                    yield result
            finally:
                for future in futures:
                    future.cancel()

    @property
    def deadline(self) -> Deadline:
        """The command's deadline, for what must stop or finish up when it passes."""
        return self._transport.deadline

    def counts(self) -> RequestCounts:
        """HTTP requests made so far, in total and per endpoint (retries and logins count)."""
        return self._transport.counts()

    def logout(self) -> None:
        """End the session this client opened; a sid given by the user is left alone.

        Best effort: a failure is logged, not raised, since the run's work is done. Sent
        even past the command's deadline (within its finishing allowance): a user holds
        few sessions.
        """
        with self._lock:
            sid, owned = self._sid, self._owns_sid
            if owned:
                self._sid, self._owns_sid = None, False
        if not owned or sid is None:
            return
        try:
            with self.deadline.finishing():
                response = self._transport.post(LOGOUT, form={"sid": sid}, idempotent=False)
            self._reply(LOGOUT, response, False, [(LOGOUT, {})])
        except AmbraError as exc:
            log.warning("logout failed: %s", exc)

    def close(self) -> None:
        """Release the HTTP connections."""
        self._transport.close()

    def _post_with_session(
        self, path: str, idempotent: bool, payload: Callable[[str], dict[str, Any]]
    ) -> tuple[requests.Response, str]:
        """POST with the current sid; on 401 renew the session once and send again.

        ``payload(sid)`` gives the transport's keyword arguments for that sid. Returns the
        response and the sid it was sent with.
        """
        sid = self._session_id()
        response = self._transport.post(path, idempotent=idempotent, **payload(sid))
        if response.status_code != 401:
            return response, sid
        sid = self._renew_session(sid, path)
        response = self._transport.post(path, idempotent=idempotent, **payload(sid))
        if response.status_code == 401:
            raise AuthenticationError(
                f"{path}: the server refused a new session too (HTTP 401)",
                endpoint=path,
                hint=f"check that {self.settings.login} may use the API",
            )
        return response, sid

    def _session_id(self) -> str:
        with self._lock:
            if self._sid is None:
                self._sid = self._login()
                self._owns_sid = True
            return self._sid

    def _renew_session(self, rejected: str, path: str) -> str:
        """A fresh sid after ``rejected`` got 401 (another thread may have renewed it)."""
        with self._lock:
            if self._sid is not None and self._sid != rejected:
                return self._sid
            if not self.settings.can_log_in:
                raise AuthenticationError(
                    f"{path}: session expired or invalid (HTTP 401)",
                    endpoint=path,
                    hint="set a fresh AMBRA_SID, or AMBRA_LOGIN and AMBRA_PASSWORD so that "
                    "ambraconf can log in by itself",
                )
            log.info("session refused by %s; logging in again", path)
            self._sid = self._login()
            self._owns_sid = True
            return self._sid

    def _login(self) -> str:
        """Open a session. Not retried after an ambiguous failure: every login opens a
        session, and a user holds at most 10 (the oldest, perhaps the operator's browser
        session, is dropped)."""
        login, url = self.settings.login, self.settings.url
        failed = f"cannot log in to {url} as {login}"
        hint = "check AMBRA_LOGIN and AMBRA_PASSWORD"
        log.info("logging in to %s as %s", url, login)
        try:
            response = self._transport.post(
                LOGIN,
                form={"login": str(login), "password": str(self.settings.password)},
                idempotent=False,
            )
        except ResponseLost as exc:
            raise TransportError(
                f"{failed}: {exc.args[0]}", endpoint=LOGIN, status=exc.status
            ) from exc
        if response.status_code == 401:
            raise AuthenticationError(
                f"{failed}: invalid credentials (HTTP 401)", endpoint=LOGIN, hint=hint
            )
        try:
            reply = self._reply(LOGIN, response, False, [])
        except ApiError as exc:
            reason = exc.error_type or f"HTTP {exc.status}"
            raise AuthenticationError(
                f"{failed}: {reason}", endpoint=LOGIN, error_type=exc.error_type, hint=hint
            ) from exc
        except ResponseLost as exc:
            raise TransportError(
                f"{failed}: {exc.args[0]}", endpoint=LOGIN, status=exc.status
            ) from exc
        if not isinstance(reply, dict) or not reply.get("sid"):
            raise TransportError(
                f"{failed}: the reply holds no session id ({body_excerpt(response)})",
                endpoint=LOGIN,
                status=response.status_code,
            )
        if _flag(reply.get("pin_required")):
            raise AuthenticationError(
                f"{failed}: the login asks for a PIN (two-factor authentication)",
                endpoint=LOGIN,
                error_type="PIN_REQUIRED",
                hint="log in elsewhere and pass the session as AMBRA_SID, or use an account "
                "without a PIN for automation",
            )
        return str(reply["sid"])

    def _send_bundle(self, chunk: list[tuple[str, Form]], idempotent: bool) -> list[BundleResult]:
        """One ``/bundle`` request; items refused with 401 (they did not run) are sent
        again once, in a second bundle, after the session is renewed."""
        log.debug("bundle %s", [(path, redact(form)) for path, form in chunk])
        response, sid = self._post_with_session(
            BUNDLE, idempotent, lambda sid: {"json_text": _bundle_body(chunk, sid)}
        )
        replies = self._bundle_replies(response, chunk, idempotent)
        refused = [index for index, reply in enumerate(replies) if _item_status(reply) == 401]
        if refused:
            self._renew_session(sid, BUNDLE)
            again = [chunk[index] for index in refused]
            response, _ = self._post_with_session(
                BUNDLE, idempotent, lambda sid: {"json_text": _bundle_body(again, sid)}
            )
            for index, reply in zip(
                refused, self._bundle_replies(response, again, idempotent), strict=True
            ):
                replies[index] = reply
        return [
            _bundle_result(path, reply) for (path, _), reply in zip(chunk, replies, strict=True)
        ]

    def _bundle_replies(
        self, response: requests.Response, chunk: list[tuple[str, Form]], idempotent: bool
    ) -> list[dict[str, Any]]:
        reply = self._reply(BUNDLE, response, idempotent, chunk)
        if (
            not isinstance(reply, list)
            or len(reply) != len(chunk)
            or not all(isinstance(item, dict) for item in reply)
        ):
            raise self._unusable(BUNDLE, response, idempotent, chunk)
        return reply

    def _reply(
        self,
        path: str,
        response: requests.Response,
        idempotent: bool,
        calls: Sequence[tuple[str, Form]],
    ) -> Any:
        """The JSON body of a successful response; raises for refusals and unusable replies."""
        status = response.status_code
        try:
            body = response.json()
        except (ValueError, RecursionError):  # not JSON, or nested past any real answer
            body = None
        if isinstance(body, dict) and (status == 412 or body.get("status") == "ERROR"):
            raise ApiError.from_reply(path, status, body)
        if 400 <= status < 500:
            raise ApiError(path, status=status, excerpt=body_excerpt(response))
        if 300 <= status < 400:
            location = response.headers.get("Location")
            raise TransportError(
                f"{path}: the server redirects (HTTP {status}) to {location}",
                endpoint=path,
                status=status,
                hint="set AMBRA_URL to the address it redirects to",
            )
        if status == 200 and body is not None:
            return body
        raise self._unusable(path, response, idempotent, calls)

    @staticmethod
    def _unusable(
        path: str,
        response: requests.Response,
        idempotent: bool,
        calls: Sequence[tuple[str, Form]],
    ) -> TransportError:
        """The error for a reply that is not the API's answer: for a change, its outcome
        is unknown."""
        status = response.status_code
        message = f"{path}: unexpected reply (HTTP {status}): {body_excerpt(response)}"
        if idempotent:
            return TransportError(message, endpoint=path, status=status)
        return ResponseLost(
            message + "; the call may have run",
            endpoint=path,
            status=status,
            calls=[(call_path, redact(form)) for call_path, form in calls],
        )


def _bundle_body(chunk: Sequence[tuple[str, Form]], sid: str) -> str:
    """The ``/bundle`` body: a JSON array of ``{"URL": path, "sid": ..., params...}``."""
    items = [{"URL": path, "sid": sid, **form} for path, form in chunk]
    return json.dumps(items, separators=(",", ":"), ensure_ascii=False)


def _item_status(reply: Mapping[str, Any]) -> int:
    code = reply.get("HTTP_STATUS_CODE")
    if isinstance(code, int):
        return code
    return 200 if reply.get("status") == "OK" else 412


def _bundle_result(path: str, reply: Mapping[str, Any]) -> BundleResult:
    status = _item_status(reply)
    if status == 200 and reply.get("status") == "OK":
        data = {k: v for k, v in reply.items() if k not in ("status", "HTTP_STATUS_CODE")}
        return BundleResult(path, data=data)
    return BundleResult(path, error=ApiError.from_reply(path, status, reply))


def _check_page_rows(page_rows: int) -> None:
    if not 1 <= page_rows <= MAX_PAGE_ROWS:
        raise ValueError(f"page_rows must be between 1 and {MAX_PAGE_ROWS}")


def _page_params(request: ListRequest, number: int, page_rows: int) -> dict[str, Any]:
    if not request.paged:
        return dict(request.params)
    return {**request.params, "page.rows": page_rows, "page.number": number}


def _check_page_count(request: ListRequest, number: int, max_pages: int) -> None:
    if number > max_pages:
        raise TransportError(
            f"{request.path}: the server promises more than {max_pages:,} pages "
            f"({max_pages * MAX_PAGE_ROWS:,} rows at most); refusing to read on",
            endpoint=request.path,
            hint="the answer is not what the API documents (page.more never ends)",
        )


def _read_page(
    request: ListRequest, reply: Mapping[str, Any], number: int, page_rows: int
) -> tuple[list[dict[str, Any]], bool]:
    """The objects of one page and whether more pages follow, after checking that the
    page is what was asked for."""
    path = request.path

    def incomplete(detail: str) -> TransportError:
        return TransportError(
            f"{path}: incomplete list: {detail}",
            endpoint=path,
            hint="a partial list would make objects look missing; nothing was changed",
        )

    items = reply.get(request.list_key)
    if not isinstance(items, list):
        keys = ", ".join(sorted(reply))
        raise TransportError(
            f"{path}: the reply has no {request.list_key!r} list (keys: {keys})",
            endpoint=path,
        )
    strays = [item for item in items if not isinstance(item, dict)]
    if strays:
        raise TransportError(
            f"{path}: the {request.list_key!r} list holds {len(strays)} entries that are not "
            f"objects (the first: {str(strays[0])[:80]})",
            endpoint=path,
        )
    page = reply.get("page")
    if page is None:
        if request.paged and number > 1:
            raise incomplete(f"page {number} came back without its page hash")
        return items, False
    more = _flag(page["more"]) if isinstance(page, dict) and "more" in page else None
    if more is None:
        raise incomplete(f"unreadable page hash {page!r}")
    if not request.paged:
        if more:
            raise incomplete("the server pages this list; read it as a paged list")
        return items, False
    if str(page.get("rows")) != str(page_rows):
        raise incomplete(
            f"asked for pages of {page_rows} rows, the server answered with {page.get('rows')}"
        )
    if "number" in page and str(page["number"]) != str(number):
        raise incomplete(f"asked for page {number}, the server answered page {page['number']}")
    if len(items) > page_rows:
        raise incomplete(f"page {number} holds {len(items)} rows, more than the {page_rows} asked")
    if more and len(items) < page_rows:
        raise incomplete(
            f"page {number} holds {len(items)} of {page_rows} rows while more pages follow"
        )
    return items, more


def _flag(value: Any) -> bool | None:
    """An API flag (1/0, "1"/"0", true/false) as a bool; None when it is none of those."""
    if value in (1, "1", True):
        return True
    if value in (0, "0", False, None):
        return False
    return None
