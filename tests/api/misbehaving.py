"""A tiny HTTP server on 127.0.0.1 that misbehaves on purpose, written on raw sockets so
that it can do what no framework lets a server do: drip an answer byte by byte, say
nothing at all, stream without end.

Each request is read whole, then answered by ``behaviour(path, form)``, which returns
either bytes (sent at once) or a ``Misbehaviour``. Logins succeed, so that clients get as
far as the call under test.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs

API_PREFIX = "/api/v3"


@dataclass(frozen=True)
class Misbehaviour:
    """``head`` is sent first; then ``drip`` is sent again and again every ``every``
    seconds (nothing at all if it is empty) until the client goes away."""

    head: bytes = b""
    drip: bytes = b""
    every: float = 0.05


SILENT = Misbehaviour()
DRIP_HEADERS = Misbehaviour(b"HTTP/1.1 200 OK\r\n", b"X")
DRIP_BODY = Misbehaviour(
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n",
    b" ",
)
ENDLESS = Misbehaviour(
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n[",
    b"0," * 32768,
    every=0.0,
)

Behaviour = Callable[[str, dict[str, str]], "bytes | Misbehaviour"]


def answer(body: object) -> bytes:
    """A well-formed JSON answer."""
    text = json.dumps(body).encode()
    head = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(text)}"
    return head.encode() + b"\r\n\r\n" + text


class MisbehavingServer:
    def __init__(self, behaviour: Behaviour) -> None:
        self.behaviour = behaviour
        self.paths: list[str] = []
        self._stopped = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}{API_PREFIX}"
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join()
        self._listener.close()

    def _serve(self) -> None:
        while not self._stopped.is_set():
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            threading.Thread(target=self._handle, args=(connection,), daemon=True).start()

    def _handle(self, connection: socket.socket) -> None:
        with connection:
            connection.settimeout(5)
            try:
                while not self._stopped.is_set():
                    request = _read_request(connection)
                    if request is None:
                        return
                    path, form = request
                    self.paths.append(path)
                    if path == "/session/login":
                        reply: bytes | Misbehaviour = answer({"status": "OK", "sid": "sid-1"})
                    else:
                        reply = self.behaviour(path, form)
                    if isinstance(reply, bytes):
                        connection.sendall(reply)
                        continue
                    self._misbehave(connection, reply)
                    return
            except OSError:
                return  # the client gave up, as it should

    def _misbehave(self, connection: socket.socket, how: Misbehaviour) -> None:
        connection.sendall(how.head)
        connection.settimeout(0.05)
        while not self._stopped.is_set():
            if how.drip:
                connection.sendall(how.drip)
                self._stopped.wait(how.every)
                continue
            try:
                if connection.recv(1) == b"":
                    return  # silent until the client closes
            except TimeoutError:
                continue


def _read_request(connection: socket.socket) -> tuple[str, dict[str, str]] | None:
    """The path (without the API prefix) and form of one request; None once closed."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
    length = int(headers.get("Content-Length", "0"))
    while len(body) < length:
        body += connection.recv(65536)
    path = lines[0].split(" ")[1].removeprefix(API_PREFIX)
    form = {key: values[-1] for key, values in parse_qs(body.decode()).items()}
    return path, form
