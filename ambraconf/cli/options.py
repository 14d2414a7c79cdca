"""Options several commands share, and the connection they describe."""

from __future__ import annotations

import dataclasses
import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ambraconf.api.client import DEFAULT_CONCURRENCY, MAX_CONCURRENCY
from ambraconf.api.deadline import DEFAULT_COMMAND_SECONDS
from ambraconf.cli.completion import complete_accounts, complete_targets
from ambraconf.kinds.danger import CHANGES
from ambraconf.reports.registry import formats

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
            "--concurrency",
            type=click.IntRange(1, MAX_CONCURRENCY),
            default=DEFAULT_CONCURRENCY,
            show_default=True,
            help="Most bundles of reads in flight at once (the API documents no limit; "
            "--rate still governs). Changes are always sent one bundle at a time.",
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
        click.option(
            "-v",
            "--verbose",
            count=True,
            help="-v: print how many requests were made; -vv: also log each request "
            "(method, endpoint, status, ms, parameters with secrets masked) to stderr.",
        ),
    ]
)
"""Where to connect: options win over AMBRA_URL / AMBRA_LOGIN; the password only ever
comes from AMBRA_PASSWORD (or AMBRA_SID), never from the command line."""

plan_options = _stack(
    [
        click.option(
            "--account",
            multiple=True,
            shell_complete=complete_accounts,
            help="Only this account (repeatable).",
        ),
        click.option(
            "--target",
            multiple=True,
            metavar="KIND/NAME",
            shell_complete=complete_targets,
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


def nothing_in_shard(shard: str) -> str:
    """What a run of a shard that holds no accounts says before it ends with exit 0, here and
    in the GitHub Action (a matrix written by hand may list more shards than accounts)."""
    return f"Shard {shard} holds no accounts of this config: nothing to do."


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
        click.echo(nothing_in_shard(shard), err=True)
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


quiet_option = click.option(
    "-q",
    "--quiet",
    is_flag=True,
    help="Print only errors and the closing result line (text format; "
    "other formats print their whole document).",
)
"""validate, plan, apply, drift and export: what -q keeps is ``reports.quiet``'s table."""


force_option = click.option(
    "--force",
    is_flag=True,
    help="Apply even if it updates or deletes more than 30% of a kind's live objects.",
)
"""apply and clone: past the safety thresholds (``engine.safety``)."""

allow_dangerous_option = click.option(
    "--allow-dangerous",
    "allow_dangerous",
    multiple=True,
    type=click.Choice(list(CHANGES)),
    metavar="CLASS",
    help="Apply dangerous changes of this class (repeatable): "
    + "; ".join(f"{change}: {what}" for change, what in CHANGES.items())
    + " (--force does not let them through).",
)
"""apply and clone: the classes of ``kinds.danger`` a run lets through."""


def second_ambra_options(where: str) -> Callable[[F], F]:
    """compare and clone: ``--url2``/``--login2`` for when ``where`` (account B) is on
    another Ambra; ``second_connection`` reads them."""
    return _stack(
        [
            click.option(
                "--url2",
                help=f"{where} on this other Ambra (default: $AMBRA_URL2; credentials from "
                "AMBRA_LOGIN2 and AMBRA_PASSWORD2, or AMBRA_SID2).",
            ),
            click.option("--login2", help="User login on --url2 (default: $AMBRA_LOGIN2)."),
        ]
    )


def second_connection(first: Connection, url2: str | None, login2: str | None) -> Connection | None:
    """The connection to the other Ambra, like ``first`` but with the settings of suffix 2
    (``AMBRA_URL2``...); None when neither option nor ``AMBRA_URL2`` names one."""
    if url2 or login2 or os.environ.get("AMBRA_URL2", "").strip():
        return dataclasses.replace(first, url=url2, login=login2, env_suffix="2")
    return None


@contextmanager
def connection(
    *,
    url: str | None,
    login: str | None,
    rate: float,
    bundle_size: int,
    concurrency: int,
    timeout: float,
    verbose: int,
) -> Iterator[Connection]:
    """The connection the options describe; with -v, the requests made are printed
    when the block ends (after what the command said during the session, before its
    report), also when it ends with an error; with -vv each request is also logged to
    stderr as it is answered (``api.transport.requests_log``)."""
    from ambraconf.engine.session import Connection

    made: list[RequestCounts] = []
    try:
        with _request_log(verbose >= REQUEST_LOG_LEVEL):
            yield Connection(
                url,
                login,
                rate,
                bundle_size,
                on_requests=made.append,
                timeout=timeout,
                concurrency=concurrency,
            )
    finally:
        if verbose:
            for counts in made:
                detail = ", ".join(f"{path} {n}" for path, n in sorted(counts.by_endpoint.items()))
                click.echo(f"HTTP requests: {counts.total} ({detail})", err=True)


REQUEST_LOG_LEVEL = 2
"""How many -v ask for a line per request."""


@contextmanager
def _request_log(on: bool) -> Iterator[None]:
    """Print the transport's request records to stderr while the block runs, then stop
    (several commands may run in one process, as they do in tests)."""
    if not on:
        yield
        return
    from ambraconf.api.transport import requests_log

    handler = _Echo()
    handler.setFormatter(logging.Formatter("HTTP %(message)s"))
    level = requests_log.level
    requests_log.addHandler(handler)
    requests_log.setLevel(logging.DEBUG)
    try:
        yield
    finally:
        requests_log.removeHandler(handler)
        requests_log.setLevel(level)


class _Echo(logging.Handler):
    """A log record as one line on stderr, through click like everything the CLI prints."""

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(self.format(record), err=True)


def format_option(result: type, help: str) -> Callable[[F], F]:
    """``--format``: the formats the report registry renders ``result`` in, text first, so
    a renderer registered for a result is offered by its command without more code."""
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(formats(result)),
        default="text",
        show_default=True,
        help=help,
    )
