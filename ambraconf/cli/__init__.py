"""Command line: one module per command parses its options, calls the library
(``ambraconf.library``), renders through the registry (``ambraconf.reports``) and chooses
the exit code. Nothing else prints, prompts or exits."""

from __future__ import annotations

import sys

import click

from ambraconf.cli import errors
from ambraconf.cli.accounts import accounts_command
from ambraconf.cli.adopt import adopt_command
from ambraconf.cli.apply import apply_command
from ambraconf.cli.clone import clone_command
from ambraconf.cli.compare import compare_command
from ambraconf.cli.drift import drift_command
from ambraconf.cli.export import export_command
from ambraconf.cli.plan import plan_command
from ambraconf.cli.sandbox import sandbox_command
from ambraconf.cli.schema import schema_command
from ambraconf.cli.summary import summary_command
from ambraconf.cli.unlock import unlock_command
from ambraconf.cli.validate import validate_command
from ambraconf.version import __version__


def global_options() -> list[click.Option]:
    """Options every command takes, before its name or after it, as people used to
    Terraform type them (``ambraconf plan x --debug``). Their effect is read from the
    command line itself (``errors.run``), so the commands do not receive them."""
    return [
        click.Option(
            [errors.DEBUG],
            is_flag=True,
            expose_value=False,
            help="Show tracebacks for errors (for bug reports).",
        )
    ]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ambraconf")
def cli() -> None:
    """Keep Ambra Health account configuration as code.

    Describe users and members, roles, groups, locations, routes, destinations,
    webhooks, custom fields, templates, dictionaries, anonymization, purge rules,
    custom code and settings in YAML; validate them, plan the change against live
    state, apply it (dangerous changes only when acknowledged), and report drift.
    """


cli.params.extend(global_options())
for _command in (
    validate_command,
    schema_command,
    sandbox_command,
    plan_command,
    apply_command,
    drift_command,
    export_command,
    compare_command,
    clone_command,
    unlock_command,
    accounts_command,
    summary_command,
    adopt_command,
):
    _command.params.extend(global_options())
    cli.add_command(_command)


def main(argv: list[str] | None = None) -> None:
    """Entry point (the ``ambraconf`` console script)."""
    errors.run(cli, sys.argv[1:] if argv is None else argv)
