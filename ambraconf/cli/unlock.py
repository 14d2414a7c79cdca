"""``ambraconf force-unlock``: remove the apply lock an apply that died left behind."""

from __future__ import annotations

from typing import Any

import click

from ambraconf.cli.options import connection, connection_options


@click.command("force-unlock")
@click.option(
    "--account", "accounts", multiple=True, required=True, help="The account (repeatable)."
)
@connection_options
def unlock_command(accounts: tuple[str, ...], **options: Any) -> int:
    """Remove the apply lock of an account, whoever holds it.

    An apply locks the accounts it changes and unlocks them when it ends; one that was
    killed leaves its lock until it expires (an hour). Make sure that apply is not running
    any more, then remove the lock with this command, as with Terraform's force-unlock.
    """
    from ambraconf import library

    with connection(**options) as to_ambra:
        removed = library.force_unlock(accounts, connection=to_ambra)
    for line in removed:
        click.echo(f"removed the lock held by {line}")
    if not removed:
        click.echo("no lock was held")
    return 0
