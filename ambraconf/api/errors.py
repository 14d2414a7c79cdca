"""Exceptions of the API client, split by what the caller can conclude from them.

- ``ApiError``: the server answered and said no (HTTP 412 or another 4xx). Nothing was
  changed by that call; the fields say why.
- ``AuthenticationError``: the credentials or the session were refused; nothing else
  will work until the user fixes them.
- ``TransportError``: there is no usable answer (network failure, 5xx, a reply that is not
  the API's JSON, a list that does not page as promised). For reads the client has already
  retried; the outcome of the call is unknown or unusable.
- ``ResponseLost``: a ``TransportError`` for a call that changes things and may have reached
  the server. It is never retried blindly, because an ``add`` that ran twice makes a
  duplicate; the caller should read back (by natural key) before sending it again.
  Conversely, for a change, a ``TransportError`` that is not ``ResponseLost`` means the
  call did not run (connection refused, TLS failure, HTTP 429, a redirect).
- ``CommandTimeout``: a ``TransportError`` once the command's deadline (``--timeout``) has
  passed: the call named was not sent, or (for a read) was cut while in flight.

All of them are ``UserError``s, so the CLI prints a message instead of a traceback.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ambraconf.config.errors import UserError

if TYPE_CHECKING:
    from ambraconf.api.client import BundleResult


class AmbraError(UserError):
    """Base of every error raised by the API client; ``endpoint`` is the API path involved."""

    def __init__(self, message: str, *, endpoint: str, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.endpoint = endpoint


class ApiError(AmbraError):
    """The server rejected a call (HTTP 412 with an error hash, or another 4xx).

    ``error_type`` is the first token when the server sent a list (a live ``/role/add``
    answered ``["INVALID_JSON", "settings"]``); the remaining tokens become
    ``error_subtype`` when the server sent no subtype, so callers see one shape.
    """

    def __init__(
        self,
        endpoint: str,
        *,
        status: int,
        error_type: str | None = None,
        error_subtype: Any = None,
        error_data: Any = None,
        excerpt: str | None = None,
    ) -> None:
        self.status = status
        self.error_type = error_type
        self.error_subtype = error_subtype
        self.error_data = error_data
        if error_type is None:
            detail = f"HTTP {status}" + (f": {excerpt}" if excerpt else "")
        else:
            detail = error_type + (
                f" ({_describe_subtype(error_subtype)})" if error_subtype not in (None, "") else ""
            )
        super().__init__(f"{endpoint} failed: {detail}", endpoint=endpoint)

    @classmethod
    def from_reply(cls, endpoint: str, status: int, reply: Mapping[str, Any]) -> ApiError:
        """Build the error from an API error hash (a 412 body or a failed bundle item)."""
        error_type = reply.get("error_type")
        subtype = reply.get("error_subtype")
        if isinstance(error_type, list):
            tokens = [str(token) for token in error_type]
            error_type = tokens[0] if tokens else None
            if subtype is None and len(tokens) > 1:
                subtype = tokens[1] if len(tokens) == 2 else tokens[1:]
        return cls(
            endpoint,
            status=status,
            error_type=None if error_type is None else str(error_type),
            error_subtype=subtype,
            error_data=reply.get("error_data"),
        )


class AuthenticationError(AmbraError):
    """Login refused, or a session id the client cannot renew was refused.

    ``error_type`` holds the server's token (``INVALID_CREDENTIALS``, ``LOCKOUT`` ...) when
    it sent one. Messages never contain the password or the session id.
    """

    def __init__(
        self,
        message: str,
        *,
        endpoint: str,
        error_type: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message, endpoint=endpoint, hint=hint)
        self.error_type = error_type


class TransportError(AmbraError):
    """No usable answer: the server could not be reached or replied with something unusable.

    ``status`` is the HTTP status when there was a response, ``None`` otherwise.
    """

    def __init__(
        self,
        message: str,
        *,
        endpoint: str,
        status: int | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message, endpoint=endpoint, hint=hint)
        self.status = status


class CommandTimeout(TransportError):
    """The command's deadline passed: nothing more is sent (``api.deadline``)."""

    def __init__(self, message: str, *, endpoint: str) -> None:
        super().__init__(
            message,
            endpoint=endpoint,
            hint="raise --timeout (Connection(timeout=...)) if the server is slow but working",
        )


class ResponseLost(TransportError):
    """A call that changes things may have run on the server, but its answer was lost.

    ``calls`` are the (path, params) pairs whose outcome is unknown, secrets masked.
    For bundles, ``completed`` holds the results of the items answered before the loss
    (in order) and ``not_sent`` the calls that were never sent.
    """

    def __init__(
        self,
        message: str,
        *,
        endpoint: str,
        calls: Sequence[tuple[str, Mapping[str, str]]],
        status: int | None = None,
        completed: Sequence[BundleResult] = (),
        not_sent: Sequence[tuple[str, Mapping[str, str]]] = (),
    ) -> None:
        super().__init__(
            message,
            endpoint=endpoint,
            status=status,
            hint="the change may or may not have been made; read the live state before retrying",
        )
        self.calls = list(calls)
        self.completed = list(completed)
        self.not_sent = list(not_sent)


def _describe_subtype(subtype: Any) -> str:
    if isinstance(subtype, list):
        return ", ".join(str(item) for item in subtype)
    return str(subtype)
