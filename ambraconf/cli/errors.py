"""From a command's result or exception to the exit code: user errors are messages with
exit code 1, never tracebacks (those only with --debug)."""

from __future__ import annotations

import sys
from typing import NoReturn

import click

from ambraconf.config.errors import UserError

DEBUG = "--debug"


def run(group: click.Group, args: list[str]) -> NoReturn:
    """Run the command line ``args``; ``--debug`` anywhere before a ``--`` (every command
    takes it) lets tracebacks through."""
    debug = DEBUG in (args[: args.index("--")] if "--" in args else args)
    try:
        result = group.main(args, prog_name="ambraconf", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(1)  # a usage error is an error: 2 means "changes present" here
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - the last line of defence against tracebacks
        if debug:
            raise
        click.echo(describe(exc), err=True)
        sys.exit(exc.exit_code if isinstance(exc, UserError) else 1)
    sys.exit(result if isinstance(result, int) else 0)


def describe(problem: Exception) -> str:
    """What to tell the user: a user error's message, or that it is a bug."""
    if isinstance(problem, UserError):
        return f"Error: {problem}"
    return (
        f"Internal error: {type(problem).__name__}: {problem}\n"
        "  This is a bug in ambraconf; run again with --debug for the traceback."
    )
