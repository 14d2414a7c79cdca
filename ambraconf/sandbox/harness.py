"""A sandbox in a thread of the current process, with a tiny raw-HTTP client: for tests.

The pytest fixtures in tests/conftest.py hand these out; benchmarks can use them
too. Calls go over real HTTP to 127.0.0.1 so the client under test meets exactly
what it would meet from ``ambraconf sandbox``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import requests

from ambraconf.sandbox.guard import TOKEN_SCHEME
from ambraconf.sandbox.knobs import Knobs
from ambraconf.sandbox.seed import DEFAULT_ACCOUNT, DEFAULT_USER
from ambraconf.sandbox.server import SandboxConfig, SandboxServer


@dataclass
class ApiReply:
    """What came back: HTTP status, parsed JSON body (None if not JSON), headers."""

    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def error_type(self) -> Any:
        return self.body.get("error_type") if isinstance(self.body, dict) else None

    @property
    def error_subtype(self) -> Any:
        return self.body.get("error_subtype") if isinstance(self.body, dict) else None

    def __getitem__(self, key: str) -> Any:
        return self.body[key]


def form_value(value: Any) -> str:
    """Python values as the API wants them on the wire: 1/0 flags, JSON text for structures."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


class SandboxHandle:
    """A running sandbox and a raw client for it.

    ``url`` ends in /api/v3; ``admin_login``/``admin_password`` are the sysadmin's,
    ``user_login``/``user_password`` a plain member of the seeded account
    ``account_id`` ("Sandbox Hospital"). ``call("/role/list", account_id=...)`` posts
    form parameters with the admin's sid unless ``sid=`` says otherwise (``sid=None``
    sends none). ``reset()`` restores the start state, ``configure(**knobs)`` changes
    knobs at runtime, ``seed({...})`` loads more objects, ``stats()`` counts requests;
    these send ``admin_headers`` (the admin token), which raw requests to ``/_sandbox``
    need too.
    """

    def __init__(self, server: SandboxServer) -> None:
        self.server = server
        self.http = requests.Session()
        self._admin_sid: str | None = None

    @classmethod
    def start(
        cls,
        *,
        db: str | None = None,
        seed: str | None = None,
        admin_login: str = "admin@sandbox.local",
        admin_password: str = "sandbox",
        **knobs: Any,
    ) -> SandboxHandle:
        """Start a sandbox on a free port of 127.0.0.1 with the given knobs."""
        config = SandboxConfig(
            port=0,
            db=db,
            seed_file=seed,
            admin_login=admin_login,
            admin_password=admin_password,
            knobs=Knobs().updated(knobs),
        )
        server = SandboxServer(config)
        server.start()
        return cls(server)

    def stop(self) -> None:
        self.http.close()
        self.server.stop()

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def base_url(self) -> str:
        return self.server.base_url

    @property
    def admin_login(self) -> str:
        return self.server.config.admin_login

    @property
    def admin_password(self) -> str:
        return self.server.config.admin_password

    @property
    def admin_token(self) -> str:
        return self.server.config.admin_token

    @property
    def admin_headers(self) -> dict[str, str]:
        """The header every ``/_sandbox`` request needs."""
        return {"Authorization": f"{TOKEN_SCHEME} {self.admin_token}"}

    user_login, user_password = DEFAULT_USER

    @property
    def account_id(self) -> str:
        """The uuid of the seeded account, "Sandbox Hospital"."""
        found = self.server.app.account_id(DEFAULT_ACCOUNT)
        assert found is not None
        return found

    def login(self, login: str | None = None, password: str | None = None) -> str:
        """A new sid for a user (the sysadmin by default)."""
        reply = self.call(
            "/session/login",
            sid=None,
            login=login or self.admin_login,
            password=password or self.admin_password,
        )
        assert reply.status == 200, reply.body
        return reply["sid"]

    @property
    def admin_sid(self) -> str:
        if self._admin_sid is None:
            self._admin_sid = self.login()
        return self._admin_sid

    def call(
        self, endpoint: str, *, sid: Any = ..., http_method: str = "POST", **params: Any
    ) -> ApiReply:
        """One API call with form parameters (the admin's sid unless told otherwise)."""
        if sid is ...:
            sid = self.admin_sid
        if sid is not None:
            params["sid"] = sid
        data = {name: form_value(value) for name, value in params.items()}
        if http_method == "GET":
            response = self.http.get(self.url + endpoint, params=data, timeout=30)
        else:
            response = self.http.post(self.url + endpoint, data=data, timeout=30)
        return _reply(response)

    def ok(self, endpoint: str, **params: Any) -> dict[str, Any]:
        """A call that must succeed; its JSON body."""
        reply = self.call(endpoint, **params)
        assert reply.status == 200, (endpoint, reply.status, reply.body)
        return reply.body

    def bundle(self, items: Any, *, content_type: str | None = "application/json") -> ApiReply:
        """POST /bundle with a JSON array (or raw bytes/text as given)."""
        body = items if isinstance(items, bytes | str) else json.dumps(items)
        headers = {"Content-Type": content_type} if content_type else {}
        return _reply(self.http.post(self.url + "/bundle", data=body, headers=headers, timeout=30))

    def reset(self) -> None:
        self._admin(self.http.post, "/reset")
        self._admin_sid = None

    def configure(self, **knobs: Any) -> dict[str, Any]:
        return self._admin(self.http.post, "/config", knobs)

    def seed(self, data: dict[str, Any]) -> None:
        self._admin(self.http.post, "/seed", data)

    def stats(self) -> dict[str, Any]:
        return self._admin(self.http.get, "/stats")

    def reset_stats(self) -> None:
        self._admin(self.http.post, "/stats/reset")

    def _admin(
        self, method: Any, path: str, payload: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        kwargs = {"json": payload} if payload is not None else {}
        response = method(
            self.base_url + "/_sandbox" + path, headers=self.admin_headers, timeout=30, **kwargs
        )
        assert response.status_code == 200, response.text
        return response.json()


def _reply(response: requests.Response) -> ApiReply:
    try:
        body = response.json()
    except ValueError:
        body = None
    return ApiReply(response.status_code, body, dict(response.headers))
