"""Command line: parse options, call the library, set exit codes. Nothing else lives here."""

from __future__ import annotations

import sys

import click

from ambraconf import __version__
from ambraconf.config.errors import UserError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ambraconf")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors (for bug reports).")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Keep Ambra Health account configuration as code.

    Describe roles, groups, locations, routes, webhooks, custom fields,
    templates and settings in YAML; validate them, plan the change against
    live state, apply it, and report drift.
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


def main() -> None:
    """Entry point: turn user errors into messages and exit code 1, never a traceback."""
    debug = "--debug" in sys.argv[1:]
    try:
        result = cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except UserError as exc:
        if debug:
            raise
        click.echo(f"Error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - the last line of defence against tracebacks
        if debug:
            raise
        click.echo(
            f"Internal error: {type(exc).__name__}: {exc}\n"
            "  This is a bug in ambraconf; run again with --debug for the traceback.",
            err=True,
        )
        sys.exit(1)
    sys.exit(result if isinstance(result, int) else 0)
