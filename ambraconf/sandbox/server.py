"""The HTTP side: a WSGI app for ``/api/v3`` and the sandbox-only ``/_sandbox`` endpoints.

Every request first passes the Host check (421 for a name that is not the sandbox's,
see ``guard.py``). Admin requests then need the admin token (401/403) and, with a
body, ``Content-Type: application/json`` (415): a web page can send neither without a
CORS preflight, which the sandbox never approves. API requests pass, in order: body
cap (413), parsing (400 for bytes that are not UTF-8 or a bundle that is not a JSON
array), latency, rate limit (429 with Retry-After), fault injection before the call,
the call itself, fault injection after it. Each request is logged on one line: method,
path, status, milliseconds.
"""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl

from werkzeug.serving import BaseWSGIServer, make_server
from werkzeug.wrappers import Request

from ambraconf.sandbox import bundle
from ambraconf.sandbox.api import Api
from ambraconf.sandbox.faults import Fault, FaultInjector, RateLimiter, Stats
from ambraconf.sandbox.guard import (
    HostCheck,
    Refusal,
    check_admin_token,
    check_token_text,
    new_token,
)
from ambraconf.sandbox.knobs import KnobError, Knobs
from ambraconf.sandbox.protocol import error_body
from ambraconf.sandbox.seed import (
    DEFAULT_ACCOUNT,
    Seeder,
    SeedError,
    default_seed,
    read_seed_file,
)
from ambraconf.sandbox.sessions import Sessions
from ambraconf.sandbox.store import Store

log = logging.getLogger("ambraconf.sandbox")
API_PREFIX = "/api/v3"
ADMIN_PREFIX = "/_sandbox"
JSON_TYPE = "application/json"
DRAIN_LIMIT = 64 * 1024 * 1024


@dataclass
class SandboxConfig:
    """How to start a sandbox: where, what state, which credentials, which knobs.

    ``admin_token`` guards the ``/_sandbox`` endpoints; a random one unless given
    (InvalidToken when the given one cannot travel in a header).
    """

    host: str = "127.0.0.1"
    port: int = 8765
    db: str | None = None
    seed_file: str | None = None
    admin_login: str = "admin@sandbox.local"
    admin_password: str = "sandbox"
    knobs: Knobs = field(default_factory=Knobs)
    admin_token: str = field(default_factory=new_token)

    def __post_init__(self) -> None:
        check_token_text(self.admin_token)


@dataclass
class Reply:
    status: int
    body: Any
    headers: list[tuple[str, str]] = field(default_factory=list)
    drop: bool = False


class BadRequest(ValueError):
    """A request the server cannot even parse: HTTP 400 (or the given status)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def _api_path(path: str) -> str:
    """A bundle item's URL as an endpoint path (``/api/v3/role/add`` or ``/role/add``)."""
    path = path[len(API_PREFIX) :] if path.startswith(API_PREFIX + "/") else path
    return path.rstrip("/") or "/"


class SandboxApp:
    """The WSGI application: the emulated API plus its knobs and admin endpoints."""

    def __init__(self, config: SandboxConfig, hosts: HostCheck) -> None:
        self.config = config
        self.hosts = hosts
        self.store = Store(config.db)
        self.sessions = Sessions()
        self.api = Api(self.store, self.sessions)
        self.knobs = config.knobs
        self.faults = FaultInjector(self.knobs)
        self.limiter = RateLimiter()
        self.stats = Stats()
        self.extra_seed = read_seed_file(config.seed_file) if config.seed_file else None
        if self.store.is_empty():
            self.seed_fresh()

    def seed_fresh(self) -> None:
        """Seed an empty store: the default sandbox, then the seed file if one was given."""
        self.load_seed(default_seed(self.config.admin_login, self.config.admin_password))
        if self.extra_seed is not None:
            self.load_seed(self.extra_seed)

    def load_seed(self, seed: dict[str, Any]) -> None:
        Seeder(self.api, self.config.admin_login).load(seed)

    def reset(self) -> None:
        """Back to the state at start: fresh data, no sessions, start-up knobs, zero counts."""
        self.store.wipe()
        self.sessions.clear()
        self.seed_fresh()
        self.set_knobs(self.config.knobs)
        self.limiter.clear()
        self.stats.reset()

    def set_knobs(self, knobs: Knobs) -> None:
        self.knobs = knobs
        self.faults.configure(knobs)

    def account_id(self, name: str) -> str | None:
        found = self.store.find_ci("account", "name", name)
        return found[0].uuid if found else None

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        started = time.perf_counter()
        request = Request(environ)
        try:
            reply = self.route(request)
        except BadRequest as error:
            reply = Reply(error.status, error_body("BAD_REQUEST", str(error)))
        except Exception as error:  # noqa: BLE001 - a sandbox bug must not take the server down
            log.exception("sandbox bug on %s %s", request.method, request.path)
            reply = Reply(500, error_body("INTERNAL_ERROR", repr(error)))
        elapsed = (time.perf_counter() - started) * 1000
        log.info(
            "%s %s %s %.1fms",
            request.method,
            request.path,
            "drop" if reply.drop else reply.status,
            elapsed,
        )
        if reply.drop:
            _drop(environ)
            start_response("500 INTERNAL SERVER ERROR", [("Content-Length", "0")])
            return [b""]
        payload = json.dumps(reply.body).encode("utf-8")
        headers = [
            ("Content-Type", JSON_TYPE),
            ("Content-Length", str(len(payload))),
            *reply.headers,
        ]
        start_response(f"{reply.status} {_reason(reply.status)}", headers)
        return [payload]

    def route(self, request: Request) -> Reply:
        refused = self.hosts.check(request.headers.get("Host"))
        if refused is not None:
            return _refusal(refused)
        path = request.path
        if path == API_PREFIX or path.startswith(API_PREFIX + "/"):
            api_path = path[len(API_PREFIX) :].rstrip("/") or "/"
            with self.stats.flight():
                reply = self.api_request(request, api_path)
            self.stats.request("drop" if reply.drop else str(reply.status))
            return reply
        if path.startswith(ADMIN_PREFIX + "/"):
            return self.admin_request(request, path[len(ADMIN_PREFIX) :])
        return Reply(404, error_body("UNKNOWN_ENDPOINT", path))

    def api_request(self, request: Request, path: str) -> Reply:
        knobs = self.knobs
        if request.method not in ("GET", "POST"):
            return Reply(405, error_body("METHOD_NOT_ALLOWED", request.method))
        body = _read_body(request, knobs.max_body_bytes)
        if path == "/bundle":
            if request.method != "POST":
                return Reply(405, error_body("METHOD_NOT_ALLOWED", "GET"))
            try:
                items = bundle.parse(body)
            except bundle.MalformedBundle as error:
                return Reply(400, error_body("BAD_REQUEST", str(error)))
            key = next((str(i["sid"]) for i in items if i.get("sid")), None) or _client(request)
            cost = len(items) if knobs.rate_limit_bundle_items else 1
            inner = [_api_path(str(i["URL"])) for i in items]
            return self._guarded(path, key, cost, knobs, lambda: self._run_bundle(items), inner)
        params = _form(request, body)
        if request.method == "GET" and self.api.post_only(path):
            return Reply(405, error_body("METHOD_NOT_ALLOWED", "GET"))
        key = params.get("sid") or _client(request)
        return self._guarded(path, key, 1, knobs, lambda: self._run_call(path, params))

    def _guarded(
        self,
        path: str,
        key: str,
        cost: int,
        knobs: Knobs,
        run: Callable[[], Reply],
        inner: Sequence[str] = (),
    ) -> Reply:
        """Latency, rate limit and faults around one API request (``inner``: the paths of
        a bundle's calls, which make it eligible for faults as its own path does)."""
        if knobs.latency_ms:
            time.sleep(knobs.latency_ms / 1000)
        wait = self.limiter.retry_after(key, knobs.rate_limit, cost)
        if wait is not None:
            self.stats.limited()
            return Reply(429, error_body("RATE_LIMITED"), [("Retry-After", str(wait))])
        fault = self.faults.decide(path, inner)
        if fault is not None and fault.timing == "before":
            return self._fault(fault)
        reply = run()
        if fault is not None:
            return self._fault(fault)
        return reply

    def _fault(self, fault: Fault) -> Reply:
        self.stats.fault(fault)
        if fault.kind == "hang":
            self.faults.hold()
            return Reply(0, None, drop=True)
        if fault.kind == "drop":
            return Reply(0, None, drop=True)
        status = int(fault.kind)
        error = "INTERNAL_SERVER_ERROR" if status == 500 else "SERVICE_UNAVAILABLE"
        return Reply(status, error_body(error, f"injected fault ({fault.timing} the call)"))

    def _run_call(self, path: str, params: dict[str, str]) -> Reply:
        self.stats.call(path)
        status, body = self.api.call(path, params)
        return Reply(status, body)

    def _run_bundle(self, items: list[dict[str, Any]]) -> Reply:
        self.stats.bundle()

        def one(path: str, params: dict[str, str]) -> tuple[int, dict[str, Any]]:
            path = _api_path(path)
            self.stats.call(path)
            return self.api.call(path, params)

        return Reply(200, bundle.run(items, one))

    def admin_request(self, request: Request, path: str) -> Reply:
        """``/_sandbox/config`` (GET/POST), ``reset``, ``stats`` (+ ``stats/reset``), ``seed``.

        The token is checked before anything else, so that without it nothing is
        revealed either (not even which paths exist).
        """
        refused = check_admin_token(self.config.admin_token, request.headers.get("Authorization"))
        if refused is not None:
            return _refusal(refused)
        handlers = {
            ("GET", "/config"): lambda: self._config({}),
            ("POST", "/config"): lambda: self._config(_admin_json(request)),
            ("GET", "/stats"): lambda: Reply(200, {"status": "OK", **self.stats.snapshot()}),
            ("POST", "/stats/reset"): self._reset_stats,
            ("POST", "/reset"): self._reset,
            ("POST", "/seed"): lambda: self._seed(_admin_json(request)),
        }
        handler = handlers.get((request.method, path))
        if handler is None:
            if any(known == path for _, known in handlers):
                return Reply(405, error_body("METHOD_NOT_ALLOWED", request.method))
            return Reply(404, error_body("UNKNOWN_ENDPOINT", ADMIN_PREFIX + path))
        declared = request.mimetype
        if request.method == "POST" and (declared or request.get_data()) and declared != JSON_TYPE:
            return Reply(
                415,
                error_body(
                    "UNSUPPORTED_MEDIA_TYPE",
                    f"admin requests take JSON: send the body with Content-Type: {JSON_TYPE}, "
                    f"not {declared or 'no Content-Type'}",
                ),
            )
        return handler()

    def _config(self, changes: dict[str, Any]) -> Reply:
        try:
            self.set_knobs(self.knobs.updated(changes))
        except KnobError as error:
            return Reply(400, error_body("INVALID_KNOB", str(error)))
        return Reply(200, {"status": "OK", **self.knobs.as_dict()})

    def _reset_stats(self) -> Reply:
        self.stats.reset()
        return Reply(200, {"status": "OK"})

    def _reset(self) -> Reply:
        self.reset()
        return Reply(200, {"status": "OK", "account_id": self.account_id(DEFAULT_ACCOUNT)})

    def _seed(self, seed: dict[str, Any]) -> Reply:
        try:
            self.load_seed(seed)
        except SeedError as error:
            return Reply(400, error_body("INVALID_SEED", str(error)))
        return Reply(200, {"status": "OK"})


def _refusal(refused: Refusal) -> Reply:
    return Reply(
        refused.status, error_body(refused.error_type, refused.message), list(refused.headers)
    )


def _client(request: Request) -> str:
    return f"client:{request.remote_addr}"


def _read_body(request: Request, limit: int) -> bytes:
    """The request body, or 413 past the cap (the body is drained so the client sees it)."""
    length = request.content_length
    if length is not None and length > limit:
        if length <= DRAIN_LIMIT:
            stream = request.stream
            while stream.read(1024 * 1024):
                pass
        raise BadRequest(f"request body over {limit} bytes", 413)
    body = request.stream.read(limit + 1)
    if len(body) > limit:
        raise BadRequest(f"request body over {limit} bytes", 413)
    return body


def _form(request: Request, body: bytes) -> dict[str, str]:
    """Query string and form body as one dict of text (the last value of a repeated name wins)."""
    params: dict[str, str] = {}
    sources = [request.query_string]
    content_type = request.mimetype
    if content_type.startswith("multipart/"):
        raise BadRequest(
            "multipart bodies are not supported; send application/x-www-form-urlencoded"
        )
    if body:
        sources.append(body)
    for source in sources:
        try:
            text = source.decode("utf-8")
            pairs = parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict")
        except UnicodeDecodeError:
            raise BadRequest("parameters must be UTF-8 text") from None
        params.update(pairs)
    return params


def _admin_json(request: Request) -> dict[str, Any]:
    raw = request.get_data() or b"{}"
    try:
        value = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise BadRequest(f"the body must be a JSON object: {error}") from None
    if not isinstance(value, dict):
        raise BadRequest("the body must be a JSON object")
    return value


def _drop(environ: dict[str, Any]) -> None:
    """Close the connection without an answer (the client sees a dropped connection)."""
    sock = environ.get("werkzeug.socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase.upper()
    except ValueError:
        return "UNKNOWN"


class SandboxServer:
    """A sandbox listening on a port: started in a thread (tests) or in the foreground (CLI)."""

    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        family = socket.AF_INET6 if ":" in config.host else socket.AF_INET
        listening = socket.create_server((config.host, config.port), family=family)
        try:
            hosts = HostCheck.listening_on(config.host, listening.getsockname()[1])
            self.app = SandboxApp(config, hosts)
            logging.getLogger("werkzeug").setLevel(logging.ERROR)
            self._server: BaseWSGIServer = make_server(
                config.host, config.port, self.app, threaded=True, fd=listening.fileno()
            )
        finally:
            listening.close()
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self._server.port

    @property
    def base_url(self) -> str:
        host = self.config.host if ":" not in self.config.host else f"[{self.config.host}]"
        return f"http://{host}:{self.port}"

    @property
    def url(self) -> str:
        """The API base URL clients use (ends in /api/v3)."""
        return self.base_url + API_PREFIX

    def start(self) -> None:
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="sandbox", daemon=True
        )
        self._thread.start()

    def serve_forever(self) -> None:
        self._server.serve_forever()

    def stop(self) -> None:
        self.app.faults.configure(self.app.knobs)  # let go of requests a hang fault holds
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.app.store.close()
