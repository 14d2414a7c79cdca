"""What keeps web pages and other machines out of a sandbox running on a laptop.

Any page a user visits can send requests to 127.0.0.1. Two checks stop it:

- **The admin token.** Every ``/_sandbox/*`` request must carry it as
  ``Authorization: Bearer <token>``. A page cannot send that header to another
  origin without a CORS preflight, which the sandbox never answers with CORS
  headers, and it cannot learn the token, which is printed only to the terminal.
- **The Host header.** A DNS-rebinding page points its own name at 127.0.0.1, so the
  browser treats the sandbox as the page's origin and lets it read answers; its
  requests still carry the page's name in ``Host``, which is refused (421).
  An IP address cannot be rebound, so addresses are safe to accept where the sandbox
  listens on every interface.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
import socket
from dataclasses import dataclass

TOKEN_SCHEME = "Bearer"
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")


class InvalidToken(ValueError):
    """An admin token given by the user that cannot travel in an HTTP header."""


def new_token() -> str:
    """A random admin token (32 URL-safe characters, as hard to guess as Jupyter's)."""
    return secrets.token_urlsafe(24)


def check_token_text(token: str) -> None:
    """Refuse a token that is empty or would not survive as a header value."""
    if not token:
        raise InvalidToken("the admin token must not be empty")
    if not all(character.isascii() and character.isprintable() for character in token) or any(
        character.isspace() for character in token
    ):
        raise InvalidToken(
            "the admin token must be visible ASCII characters without spaces "
            "(it is sent in an HTTP header)"
        )


@dataclass(frozen=True)
class Refusal:
    """Why a request is turned away: HTTP status, error type, a sentence for the user."""

    status: int
    error_type: str
    message: str
    headers: tuple[tuple[str, str], ...] = ()


def check_admin_token(expected: str, authorization: str | None) -> Refusal | None:
    """None when ``Authorization`` carries the token; else 401 (none sent) or 403 (wrong)."""
    how = f"send the token printed at start as 'Authorization: {TOKEN_SCHEME} <token>'"
    if not authorization:
        return Refusal(
            401,
            "ADMIN_TOKEN_REQUIRED",
            f"the /_sandbox endpoints need the admin token: {how}",
            (("WWW-Authenticate", f'{TOKEN_SCHEME} realm="ambraconf sandbox"'),),
        )
    scheme, _, given = authorization.partition(" ")
    if scheme.lower() != TOKEN_SCHEME.lower() or not hmac.compare_digest(
        given.strip().encode("utf-8", "replace"), expected.encode("utf-8")
    ):
        return Refusal(403, "INVALID_ADMIN_TOKEN", f"wrong admin token: {how}")
    return None


def is_loopback(host: str) -> bool:
    """Whether listening on ``host`` keeps the sandbox on this machine."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _is_wildcard(host: str) -> bool:
    try:
        return host == "" or ipaddress.ip_address(host).is_unspecified
    except ValueError:
        return False


def _is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class HostCheck:
    """The ``Host`` values a sandbox answers to.

    Listening on one address: ``127.0.0.1``, ``localhost``, ``[::1]`` and that address,
    each with the listening port. Listening on every interface (``0.0.0.0``, ``::``):
    also any IP address and this machine's names, with any port, since clients then
    come through other addresses, NAT or a container's port mapping.
    """

    names: frozenset[str]
    port: int | None
    any_address: bool

    @classmethod
    def listening_on(cls, host: str, port: int) -> HostCheck:
        names = {*LOOPBACK_NAMES, host.lower().strip("[]")}
        if _is_wildcard(host):
            names |= {socket.gethostname().lower(), socket.getfqdn().lower()}
            return cls(frozenset(names), None, True)
        return cls(frozenset(names), port, False)

    def check(self, host_header: str | None) -> Refusal | None:
        """None when the request's ``Host`` is one of the sandbox's own; else 421."""
        parsed = _split_host(host_header or "")
        if parsed is not None:
            name, port = parsed
            known = name in self.names or (self.any_address and _is_address(name))
            if known and (self.port is None or port == self.port):
                return None
        expected = f"127.0.0.1:{self.port}" if self.port is not None else "this machine's address"
        return Refusal(
            421,
            "MISDIRECTED_REQUEST",
            f"Host {host_header!r} is not this sandbox's address (use {expected}); "
            "requests under other names are refused so that web pages cannot reach it "
            "by DNS rebinding",
        )


def _split_host(value: str) -> tuple[str, int] | None:
    """``name:port`` or ``[v6]:port`` as (lower-case name, port; 80 when absent), or None."""
    if value.startswith("["):
        name, bracket, rest = value[1:].partition("]")
        if not bracket:
            return None
    else:
        name, colon, port_text = value.partition(":")
        rest = colon + port_text
    if not name:
        return None
    if not rest:
        return name.lower(), 80
    port_text = rest[1:]
    if not rest.startswith(":") or not (port_text.isascii() and port_text.isdigit()):
        return None
    return name.lower(), int(port_text)
