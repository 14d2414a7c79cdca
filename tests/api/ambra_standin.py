"""A scripted stand-in for the Ambra API on 127.0.0.1, for protocol tests.

It knows sessions (login, logout, 401 for an unknown sid) and bundles (it runs each item
through the same scripts, as the real server runs them in order). Everything else is
scripted per test: for each path a sequence of replies, the last of which repeats. This
makes faults reproducible on demand: 503 twice, a dropped connection, a wrong page size.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

ADMIN_LOGIN = "admin@example.com"
ADMIN_PASSWORD = "correct horse battery staple"
API_PREFIX = "/api/v3"


@dataclass
class Seen:
    """One API call as the stand-in received it (a bundle item is a call too)."""

    path: str
    form: dict[str, str]
    content_type: str
    body: str
    in_bundle: bool = False


Handler = Callable[[Seen], Response]


class Drop:
    """Close the connection after reading the request, without answering."""


DROP = Drop()


def ok(**fields: Any) -> Response:
    return _json(200, {"status": "OK", **fields})


def error(error_type: Any, subtype: Any = None, data: Any = None, status: int = 412) -> Response:
    body: dict[str, Any] = {"status": "ERROR", "error_type": error_type}
    if subtype is not None:
        body["error_subtype"] = subtype
    if data is not None:
        body["error_data"] = data
    return _json(status, body)


def raw(
    status: int, text: str = "", *, content_type: str = "text/html", **headers: str
) -> Response:
    """A reply that is not the API's JSON; header names use ``_`` for ``-``."""
    response = Response(text, status, content_type=content_type)
    for name, value in headers.items():
        response.headers[name.replace("_", "-")] = value
    return response


def slow(seconds: float, reply: Response) -> Handler:
    def handler(seen: Seen) -> Response:
        time.sleep(seconds)
        return reply

    return handler


def paged(key: str, items: list[dict[str, Any]], *, echo_rows: int | None = None) -> Handler:
    """A list endpoint that pages ``items`` as the API does; ``echo_rows`` fakes a server
    that ignores the asked page size and uses its own."""

    def handler(seen: Seen) -> Response:
        rows = echo_rows or int(seen.form.get("page.rows", "100"))
        number = int(seen.form.get("page.number", "1"))
        start = (number - 1) * rows
        return ok(
            **{key: items[start : start + rows]},
            page={"more": int(len(items) > start + rows), "rows": rows, "number": number},
        )

    return handler


class StandIn:
    """The server; ``url`` ends in ``/api/v3`` like a real API base."""

    def __init__(self, *, ssl_context: tuple[str, str] | None = None) -> None:
        """``ssl_context`` is (certificate file, key file) to serve https."""
        self.log: list[Seen] = []
        self.valid_sids: set[str] = set()
        self._scripts: dict[str, list[Response | Handler | Drop]] = {}
        self._logins = 0
        self._lock = threading.Lock()
        self._server = make_server(
            "127.0.0.1", 0, self._app, threaded=True, ssl_context=ssl_context
        )
        scheme = "https" if ssl_context else "http"
        self.url = f"{scheme}://127.0.0.1:{self._server.server_port}{API_PREFIX}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join()

    def script(self, path: str, *replies: Response | Handler | Drop) -> None:
        """Answer the next calls to ``path`` with ``replies`` in turn; the last one repeats."""
        self._scripts[path] = list(replies)

    def expire_sessions(self) -> None:
        self.valid_sids.clear()

    @property
    def requests(self) -> list[Seen]:
        """HTTP requests received (bundle items excluded)."""
        return [seen for seen in self.log if not seen.in_bundle]

    def paths(self) -> list[str]:
        return [seen.path for seen in self.requests]

    @Request.application
    def _app(self, request: Request) -> Response:
        body = request.get_data(as_text=True)
        seen = Seen(
            path=request.path.removeprefix(API_PREFIX),
            form=dict(request.form),
            content_type=request.content_type or "",
            body=body,
        )
        with self._lock:
            self.log.append(seen)
        reply = self._dispatch(seen)
        if isinstance(reply, Drop):
            request.environ["werkzeug.socket"].shutdown(socket.SHUT_RDWR)
            return Response("", 200)
        return reply

    def _dispatch(self, seen: Seen) -> Response | Drop:
        if seen.path == "/bundle" and "/bundle" not in self._scripts:
            return self.run_bundle(seen)
        if seen.path == "/session/login" and "/session/login" not in self._scripts:
            return self._login(seen)
        needs_sid = seen.path not in ("/session/login", "/bundle")
        if needs_sid and seen.form.get("sid") not in self.valid_sids:
            return raw(401, "Authorization required")
        if seen.path == "/session/logout":
            self.valid_sids.discard(seen.form["sid"])
            return ok()
        with self._lock:
            replies = self._scripts.get(seen.path)
            if not replies:
                return raw(404, f"no script for {seen.path}", content_type="text/plain")
            reply = replies.pop(0) if len(replies) > 1 else replies[0]
        return reply if isinstance(reply, Response | Drop) else reply(seen)

    def _login(self, seen: Seen) -> Response:
        if seen.form.get("login") != ADMIN_LOGIN or seen.form.get("password") != ADMIN_PASSWORD:
            return error("INVALID_CREDENTIALS")
        with self._lock:
            self._logins += 1
            sid = f"sid-{self._logins}"
            self.valid_sids.add(sid)
        return ok(sid=sid, uuid="user-1", name="Admin", pin_required=0)

    def run_bundle(self, seen: Seen) -> Response:
        """Run a bundle's items in order (scripts can use this to answer some bundles)."""
        try:
            items = json.loads(seen.body)
        except ValueError:
            return raw(400, "Bad Request")
        replies = []
        for item in items:
            call = Seen(
                path=item["URL"],
                form={key: value for key, value in item.items() if key != "URL"},
                content_type="",
                body="",
                in_bundle=True,
            )
            with self._lock:
                self.log.append(call)
            response = self._dispatch(call)
            assert isinstance(response, Response), "a bundle item cannot drop the connection"
            try:
                reply = json.loads(response.get_data(as_text=True))
            except ValueError:
                reply = {"status": "ERROR", "error_type": "NOT_JSON"}
            replies.append({**reply, "HTTP_STATUS_CODE": response.status_code})
        return _json(200, replies)


def _json(status: int, body: Any) -> Response:
    return Response(json.dumps(body), status, content_type="application/json")
