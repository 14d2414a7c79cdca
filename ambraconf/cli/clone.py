"""``ambraconf clone``: the config of one account written for another, then applied."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ambraconf.cli import confirm
from ambraconf.cli.options import (
    allow_dangerous_option,
    color_option,
    connection,
    connection_options,
    force_option,
    second_ambra_options,
    second_connection,
)
from ambraconf.cli.output import emit
from ambraconf.engine.apply import Stop
from ambraconf.engine.clone import DEFAULT_SHARE_CODES
from ambraconf.engine.export import Placeholder


@click.command("clone")
@click.option("--from", "source", required=True, help="The account to clone (name or uuid).")
@click.option("--to", "target", required=True, help="The new account's name (created if needed).")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory for the new account's config (default: ./<new account's slug>).",
)
@click.option(
    "--share-codes",
    default=DEFAULT_SHARE_CODES,
    show_default=True,
    help="New share codes from the old ones: {code} is the old code, {account} the new "
    "account's slug (share codes are unique across every account).",
)
@click.option(
    "--into-existing",
    is_flag=True,
    help="Clone into an account that exists and has objects of its own (left alone).",
)
@click.option("--overwrite", is_flag=True, help="Write into a --out directory that is not empty.")
@click.option("--dry-run", is_flag=True, help="Write the config and show the plan; apply nothing.")
@second_ambra_options("The new account is")
@click.option(
    "--auto-approve", "--yes", "auto_approve", is_flag=True, help="Do not ask for confirmation."
)
@force_option
@allow_dangerous_option
@color_option
@connection_options
def clone_command(
    source: str,
    target: str,
    out: Path | None,
    share_codes: str,
    into_existing: bool,
    overwrite: bool,
    dry_run: bool,
    url2: str | None,
    login2: str | None,
    auto_approve: bool,
    force: bool,
    allow_dangerous: tuple[str, ...],
    color: str,
    **options: Any,
) -> int:
    """Clone account --from into a new account --to, in one command.

    Writes the new account's config (the export of --from under the new name, share codes
    rewritten, secrets as ${env:...} placeholders) into --out to review and keep in git,
    then plans and applies it as apply does: asks first (unless --auto-approve), refuses
    dangerous changes unless allowed. Secrets come from the environment, or are asked for
    on a terminal. The new account is created in the same apply.
    """
    from ambraconf import library

    stop = Stop()
    with connection(**options) as to_ambra, confirm.ctrl_c_stops(stop):
        other = second_connection(to_ambra, url2, login2)
        run = library.clone(
            source,
            target,
            out,
            share_codes=share_codes,
            into_existing=into_existing,
            overwrite=overwrite,
            dry_run=dry_run,
            ask_secret=_ask_secret if confirm.on_terminal() else None,
            force=force,
            allow_dangerous=allow_dangerous,
            on_plan=lambda plan: emit(plan, "text", color),
            confirm=None if auto_approve else confirm.asking(color, shown=True),
            progress=lambda line: click.echo(line, err=True),
            stop=stop,
            connection=to_ambra,
            target_connection=other,
        )
        for warning in run.run.warnings:
            click.echo(f"Warning: {warning}", err=True)
    if run.run.confirmed:
        emit(run, "text", color)
    if run.run.timed_out is not None:
        click.echo(f"Error: {run.run.timed_out}", err=True)
        return 1
    return 0 if run.run.ok else 1


def _ask_secret(placeholder: Placeholder) -> str | None:
    """A secret the environment does not give, typed without echo on a terminal."""
    value = click.prompt(
        f"{placeholder.variable} ({placeholder.kind} {placeholder.name!r}, {placeholder.path})",
        default="",
        show_default=False,
        hide_input=True,
        err=True,
    )
    return value or None
