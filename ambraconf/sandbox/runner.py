"""``ambraconf sandbox``: start a sandbox in the foreground, print how to use it, stop cleanly."""

from __future__ import annotations

import errno
import logging
import signal
import sys
from collections.abc import Callable
from typing import Any

from ambraconf.sandbox.guard import TOKEN_SCHEME, InvalidToken, is_loopback
from ambraconf.sandbox.knobs import KnobError, Knobs
from ambraconf.sandbox.seed import DEFAULT_USER, SeedError
from ambraconf.sandbox.server import SandboxConfig, SandboxServer

KNOB_OPTIONS = {
    "latency_ms": "--latency",
    "rate_limit": "--rate-limit",
    "rate_limit_bundle_items": "--rate-limit-bundle-items",
    "fault_rate": "--fault-rate",
    "fault_seed": "--fault-seed",
    "fault_kinds": "--fault-kinds",
    "fault_timings": "--fault-timings",
}
"""The knobs the command line sets, and the option that sets each (for error messages)."""


class SandboxStartError(Exception):
    """The sandbox could not start (port taken, bad seed file); the message says why."""


def config_from_options(options: dict[str, Any]) -> SandboxConfig:
    """The command line's options as a config; a bad knob or token is a SandboxStartError
    naming the option."""
    try:
        knobs = Knobs().updated({name: options[name] for name in KNOB_OPTIONS if name in options})
    except KnobError as error:
        option = KNOB_OPTIONS.get(error.knob, error.knob)
        raise SandboxStartError(f"{option}: {error.reason}") from None
    token = options.get("admin_token")
    try:
        return SandboxConfig(
            host=options["host"],
            port=options["port"],
            db=options.get("db"),
            seed_file=options.get("seed"),
            admin_login=options["admin_login"],
            admin_password=options["admin_password"],
            knobs=knobs,
            **({"admin_token": token} if token is not None else {}),
        )
    except InvalidToken as error:
        raise SandboxStartError(f"--admin-token: {error}") from None


def start(config: SandboxConfig) -> SandboxServer:
    """A bound, seeded server, or SandboxStartError with a message a user can act on."""
    try:
        return SandboxServer(config)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise SandboxStartError(
                f"port {config.port} on {config.host} is already in use; "
                "stop the other process or choose another port with --port"
            ) from None
        raise SandboxStartError(
            f"cannot listen on {config.host}:{config.port}: {error.strerror}"
        ) from None
    except SeedError as error:
        raise SandboxStartError(str(error)) from None


def banner(server: SandboxServer) -> str:
    """What a user needs at start: the URL, the credentials, and the admin token (printed
    only here, as Jupyter prints its token, so only who sees the terminal has it)."""
    config = server.config
    admin = f"{server.base_url}/_sandbox"
    return "\n".join(
        [
            f"Ambra v3 API sandbox listening on {server.url}",
            f"  sysadmin:    {config.admin_login} / {config.admin_password}",
            f"  plain user:  {DEFAULT_USER[0]} / {DEFAULT_USER[1]}",
            f"  state:       {config.db or 'in memory (use --db FILE to keep it)'}",
            f"  admin:       {admin}/config, /_sandbox/stats, /_sandbox/reset, /_sandbox/seed",
            f"  admin token: {config.admin_token}",
            "",
            f"AMBRA_URL={server.url} AMBRA_LOGIN={config.admin_login} "
            f"AMBRA_PASSWORD={config.admin_password}",
            f"curl -H 'Authorization: {TOKEN_SCHEME} {config.admin_token}' {admin}/stats",
            "",
            "Press Ctrl-C to stop.",
        ]
    )


def exposure_warning(server: SandboxServer) -> str | None:
    """A warning when --host lets other machines in, since nothing in the sandbox is secret."""
    config = server.config
    if is_loopback(config.host):
        return None
    return "\n".join(
        [
            f"Warning: --host {config.host} is not a loopback address: other machines that "
            "reach this one",
            f"  on port {server.port} can use this sandbox, and it has no real security (the "
            "plain user's",
            "  password is fixed, the sysadmin's is printed below, and nothing in it is "
            "protected).",
            "  Use it only on a trusted network; the default --host 127.0.0.1 keeps it on "
            "this machine.",
        ]
    )


def run(config: SandboxConfig, echo: Callable[[str], None], warn: Callable[[str], None]) -> None:
    """Serve until Ctrl-C (or SIGTERM), logging one line per request to stderr; ``warn``
    (stderr) gets the warning for a non-loopback --host, before the banner."""
    server = start(config)
    warning = exposure_warning(server)
    if warning is not None:
        warn(warning)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
    log = logging.getLogger("ambraconf.sandbox")
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    signal.signal(signal.SIGTERM, _interrupt)
    echo(banner(server))
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        log.removeHandler(handler)
    echo("Sandbox stopped.")


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
