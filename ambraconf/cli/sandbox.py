"""``ambraconf sandbox``: run the local emulator of the Ambra v3 API."""

from __future__ import annotations

import click

from ambraconf.config.errors import UserError


@click.command("sandbox")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; anything but loopback lets other machines in (a warning says so).",
)
@click.option(
    "--port",
    default=8765,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to listen on.",
)
@click.option(
    "--db", type=click.Path(dir_okay=False), help="SQLite file to keep state in across restarts."
)
@click.option(
    "--seed",
    type=click.Path(exists=True, dir_okay=False),
    help="YAML or JSON seed to load into a fresh sandbox.",
)
@click.option(
    "--admin-login", default="admin@sandbox.local", show_default=True, help="The sysadmin's login."
)
@click.option(
    "--admin-password", default="sandbox", show_default=True, help="The sysadmin's password."
)
@click.option(
    "--admin-token",
    envvar="AMBRACONF_SANDBOX_TOKEN",
    help="Token the /_sandbox endpoints require (default: a random one, printed at start).",
)
@click.option(
    "--latency", "latency_ms", default=0.0, type=float, help="Milliseconds added to every request."
)
@click.option(
    "--rate-limit",
    default=0.0,
    type=float,
    help="Requests per second per session; 429 past it (0: off).",
)
@click.option(
    "--rate-limit-bundle-items", is_flag=True, help="A bundle counts as one request per item."
)
@click.option("--fault-rate", default=0.0, type=float, help="Fraction (0-1) of requests that fail.")
@click.option(
    "--fault-seed", default=0, type=int, help="Seed of the fault generator (repeatable runs)."
)
@click.option(
    "--fault-kinds", default="500,503,drop", show_default=True, help="Failures to inject."
)
@click.option(
    "--fault-timings",
    default="before,after",
    show_default=True,
    help="Fail before the call runs, after it committed, or both.",
)
def sandbox_command(**options: object) -> int:
    """Run a local emulator of the Ambra v3 API (for trying ambraconf and for tests).

    Prints the URL and credentials; Ctrl-C stops it. See docs/sandbox.md.
    """
    from ambraconf.sandbox.runner import SandboxStartError, config_from_options, run

    try:
        run(config_from_options(options), click.echo, lambda text: click.echo(text, err=True))
    except SandboxStartError as error:
        raise UserError(str(error)) from None
    return 0
