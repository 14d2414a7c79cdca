"""A watchdog that ends one request attempt in time, whatever the server does.

Why: a socket timeout bounds each read, not the request, so a server that drips one byte a
second (in the headers or the body) holds a read timeout off for ever. The ``Watch`` shuts
the sockets of the attempt at its limit, from another thread; the read blocked on them
returns at once. Connections made through a SOCKS proxy are not watched (their pools are
urllib3's own): only the read timeout bounds those.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from typing import Any

from requests.adapters import HTTPAdapter
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool


class Watch:
    """Ends one request attempt after ``seconds``, whatever the server does, by shutting
    the sockets of the connections it uses (a blocked read then returns at once).

    It keeps shutting them until cancelled, so a socket that connects just after the limit
    is cut too. ``fired`` tells the transport the failure was the limit, not the network.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.fired = False
        self._connections: list[Any] = []
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="ambraconf-watch", daemon=True)

    def __enter__(self) -> Watch:
        _current.watch = self
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        _current.watch = None
        self._done.set()
        self._thread.join()

    def add(self, connection: Any) -> None:
        self._connections.append(connection)
        if self.fired:
            _shut(connection)

    def _run(self) -> None:
        if self._done.wait(self.seconds):
            return
        self.fired = True
        while True:
            for connection in list(self._connections):
                _shut(connection)
            if self._done.wait(0.05):
                return


_current = threading.local()
"""The watch of the request the current thread is sending (connections are taken from the
pool in the sending thread)."""


def _shut(connection: Any) -> None:
    sock = getattr(connection, "sock", None)
    if sock is None:
        return
    with contextlib.suppress(OSError):  # already closed
        socket.socket.shutdown(sock, socket.SHUT_RDWR)  # the raw socket, under any TLS layer


class _WatchedMixin:
    """A connection pool that hands each connection it gives out to the current watch."""

    def _get_conn(self, timeout: float | None = None) -> Any:
        connection = super()._get_conn(timeout)  # type: ignore[misc]
        watch = getattr(_current, "watch", None)
        if watch is not None:
            watch.add(connection)
        return connection


class WatchedHTTPPool(_WatchedMixin, HTTPConnectionPool):
    pass


class WatchedHTTPSPool(_WatchedMixin, HTTPSConnectionPool):
    pass


_WATCHED_POOLS = {"http": WatchedHTTPPool, "https": WatchedHTTPSPool}


class WatchedAdapter(HTTPAdapter):
    """The ``requests`` adapter whose pools (direct or through an HTTP proxy) report their
    connections to the current ``Watch``."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _WATCHED_POOLS

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if not proxy.lower().startswith("socks"):
            manager.pool_classes_by_scheme = _WATCHED_POOLS
        return manager
