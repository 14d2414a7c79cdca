"""Options several commands share, and the connection they describe."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ambraconf.api.deadline import DEFAULT_COMMAND_SECONDS

if TYPE_CHECKING:
    from ambraconf.api.transport import RequestCounts
    from ambraconf.engine.session import Connection

F = TypeVar("F", bound=Callable[..., Any])


def _stack(options: list[Callable[[F], F]]) -> Callable[[F], F]:
    def decorate(command: F) -> F:
        for option in reversed(options):
            command = option(command)
        return command

    return decorate


connection_options = _stack(
    [
        click.option("--url", help="API address (default: $AMBRA_URL)."),
        click.option("--login", help="User login (default: $AMBRA_LOGIN)."),
        click.option(
            "--rate",
            type=float,
            default=5.0,
            show_default=True,
            help="Most requests per second to send.",
        ),
        click.option(
            "--bundle-size",
            type=click.IntRange(1, 1000),
            default=50,
            show_default=True,
            help="Calls per /bundle request.",
        ),
        click.option(
            "--timeout",
            type=click.FloatRange(min=0, min_open=True),
            default=DEFAULT_COMMAND_SECONDS,
            show_default=True,
            metavar="SECONDS",
            help="Most seconds the whole command may take; past it nothing more is sent and "
            "the command fails (apply stops and reports what it did).",
        ),
        click.option("-v", "--verbose", is_flag=True, help="Print the requests made."),
    ]
)
"""Where to connect: options win over AMBRA_URL / AMBRA_LOGIN; the password only ever
comes from AMBRA_PASSWORD (or AMBRA_SID), never from the command line."""

plan_options = _stack(
    [
        click.option("--account", multiple=True, help="Only this account (repeatable)."),
        click.option(
            "--target",
            multiple=True,
            metavar="KIND/NAME",
            help="Only this object and what it needs, e.g. route/CT to PACS (repeatable).",
        ),
        click.option(
            "--shard",
            metavar="I/N",
            help="Only the accounts of shard I of N (see ambraconf accounts --shards), "
            "for one job of a CI matrix.",
        ),
    ]
)


def chosen_accounts(path: Path, account: tuple[str, ...], shard: str | None) -> tuple[str, ...]:
    """``--account`` names, or those of ``--shard`` (not both: which would win is unclear)."""
    if shard is None:
        return account
    if account:
        raise click.UsageError("--shard and --account select accounts two ways: give one")
    from ambraconf import library
    from ambraconf.engine import planfile

    if planfile.is_saved_plan(path):
        raise click.UsageError("--shard selects accounts of a config; a saved plan applies its own")

    chosen = tuple(library.shard_accounts(path, shard))
    if not chosen:  # no accounts would mean all of them to the library: end here instead
        click.echo(f"Shard {shard} holds no accounts of this config: nothing to do.", err=True)
        click.get_current_context().exit(0)
    return chosen


color_option = click.option(
    "--color",
    type=click.Choice(("auto", "always", "never")),
    default="auto",
    show_default=True,
    help="Colour the text output: auto colours on a terminal unless NO_COLOR is set.",
)
"""plan, apply and drift: the reports that colour their text (``output.colour``)."""


@contextmanager
def connection(
    *,
    url: str | None,
    login: str | None,
    rate: float,
    bundle_size: int,
    timeout: float,
    verbose: bool,
) -> Iterator[Connection]:
    """The connection the options describe; with --verbose, the requests made are printed
    when the block ends (after what the command said during the session, before its
    report), also when it ends with an error."""
    from ambraconf.engine.session import Connection

    made: list[RequestCounts] = []
    try:
        yield Connection(url, login, rate, bundle_size, on_requests=made.append, timeout=timeout)
    finally:
        if verbose:
            for counts in made:
                detail = ", ".join(f"{path} {n}" for path, n in sorted(counts.by_endpoint.items()))
                click.echo(f"HTTP requests: {counts.total} ({detail})", err=True)
