"""``ambraconf sandbox``: start a sandbox in the foreground, print how to use it, stop cleanly."""

from __future__ import annotations

import errno
import logging
import signal
import sys
from collections.abc import Callable
from typing import Any

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
    """The command line's options as a config; a bad knob is a SandboxStartError naming
    the option."""
    try:
        knobs = Knobs().updated({name: options[name] for name in KNOB_OPTIONS if name in options})
    except KnobError as error:
        option = KNOB_OPTIONS.get(error.knob, error.knob)
        raise SandboxStartError(f"{option}: {error.reason}") from None
    return SandboxConfig(
        host=options["host"],
        port=options["port"],
        db=options.get("db"),
        seed_file=options.get("seed"),
        admin_login=options["admin_login"],
        admin_password=options["admin_password"],
        knobs=knobs,
    )


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
    config = server.config
    return "\n".join(
        [
            f"Ambra v3 API sandbox listening on {server.url}",
            f"  sysadmin:   {config.admin_login} / {config.admin_password}",
            f"  plain user: {DEFAULT_USER[0]} / {DEFAULT_USER[1]}",
            f"  state:      {config.db or 'in memory (use --db FILE to keep it)'}",
            f"  admin:      {server.base_url}/_sandbox/config, /_sandbox/stats, /_sandbox/reset",
            "",
            f"AMBRA_URL={server.url} AMBRA_LOGIN={config.admin_login} "
            f"AMBRA_PASSWORD={config.admin_password}",
            "",
            "Press Ctrl-C to stop.",
        ]
    )


def run(config: SandboxConfig, echo: Callable[[str], None]) -> None:
    """Serve until Ctrl-C (or SIGTERM), logging one line per request to stderr."""
    server = start(config)
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
