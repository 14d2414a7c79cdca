"""``ambraconf apply``: show the plan, ask, change Ambra."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ambraconf.cli.options import connection, connection_options, plan_options
from ambraconf.cli.output import emit, errors_as_json
from ambraconf.engine.session import ApplyRun
from ambraconf.reports.registry import formats

if TYPE_CHECKING:
    from ambraconf.engine.plan import Plan


@click.command("apply")
@click.argument("path", type=click.Path(path_type=Path))
@plan_options
@click.option("--auto-approve", is_flag=True, help="Do not ask for confirmation (for CI).")
@click.option(
    "--force",
    is_flag=True,
    help="Apply even if it updates or deletes more than 30% of a kind's live objects.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(formats(ApplyRun)),
    default="text",
    show_default=True,
    help="json prints the outcome of every action.",
)
@connection_options
def apply_command(
    path: Path,
    account: tuple[str, ...],
    target: tuple[str, ...],
    auto_approve: bool,
    force: bool,
    output_format: str,
    **options: Any,
) -> int:
    """Change Ambra to match the config at PATH (or a plan saved with plan --out).

    Shows the plan and asks before changing anything (unless --auto-approve).
    Actions run level by level in dependency order; a failure stops only what depends
    on it. A saved plan is applied only if live state has not moved since it was made.
    """
    from ambraconf import library

    text = output_format == "text"
    with errors_as_json(output_format), connection(**options) as to_ambra:
        run = library.apply(
            path,
            accounts=account,
            targets=target,
            force=force,
            on_plan=(lambda plan: emit(plan, "text")) if text else None,
            confirm=None if auto_approve else _confirmed,
            progress=(lambda line: click.echo(line, err=True)) if text else None,
            connection=to_ambra,
        )
        for warning in run.warnings:
            click.echo(f"Warning: {warning}", err=True)
    if run.confirmed:
        emit(run, output_format)
    return 0 if run.ok else 1


def _confirmed(plan: Plan) -> bool:
    """Ask on a terminal; without one, refuse rather than change production unasked."""
    if not sys.stdin.isatty():
        click.echo(
            "Not a terminal, so no one can confirm: run again with --auto-approve to apply.",
            err=True,
        )
    elif click.confirm("Apply these changes?", default=False):
        return True
    click.echo("Apply cancelled; nothing was changed.", err=True)
    return False
