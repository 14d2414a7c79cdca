"""One API call from parameters to (HTTP status, JSON reply), used by HTTP and by bundles.

Finds the endpoint, checks the session (401), runs the handler in one store
transaction (so an error leaves nothing behind), and shapes the reply: the
documented error hash with 412, or ``status: OK`` with ``fields.*`` applied.
A bug in a handler answers 500 with a JSON body and never takes the server down.
"""

from __future__ import annotations

import logging
from typing import Any

from ambraconf.sandbox.context import Call
from ambraconf.sandbox.listing import limit_fields
from ambraconf.sandbox.protocol import ApiError, Params, error_body, ok
from ambraconf.sandbox.registry import ENDPOINTS
from ambraconf.sandbox.sessions import Sessions
from ambraconf.sandbox.store import Store

log = logging.getLogger("ambraconf.sandbox")
UNAUTHORIZED = "AUTHORIZATION_REQUIRED"


class Api:
    """The emulated API over a store and a set of sessions."""

    def __init__(self, store: Store, sessions: Sessions) -> None:
        self.store = store
        self.sessions = sessions

    def post_only(self, path: str) -> bool:
        endpoint = ENDPOINTS.get(path)
        return bool(endpoint and endpoint.post_only)

    def call(self, path: str, raw: dict[str, str]) -> tuple[int, dict[str, Any]]:
        """Run one call; returns the HTTP status and the JSON hash to send."""
        endpoint = ENDPOINTS.get(path)
        if endpoint is None:
            return 404, error_body("UNKNOWN_ENDPOINT", path)
        params = Params(raw)
        sid = params.get("sid")
        user_id = self.sessions.user_of(sid)
        if endpoint.auth and user_id is None:
            return 401, error_body(UNAUTHORIZED)
        try:
            limit_fields(params, {}, endpoint.object_name, endpoint.list_key)
            with self.store.transaction():
                user = self.store.get("user", user_id) if user_id else None
                if endpoint.auth and user is None:
                    return 401, error_body(UNAUTHORIZED)
                call = Call(self.store, self.sessions, params, user, sid, path)
                reply = ok(endpoint.handler(call))
        except ApiError as error:
            return error.http_status, error.body()
        except Exception as error:  # noqa: BLE001 - a handler bug must not crash the server
            log.exception("sandbox bug in %s", path)
            return 500, error_body("INTERNAL_ERROR", repr(error))
        return 200, limit_fields(params, reply, endpoint.object_name, endpoint.list_key)
