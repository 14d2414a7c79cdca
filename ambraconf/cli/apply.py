"""``ambraconf apply``: show the plan, ask, change Ambra."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ambraconf.cli.confirm import INTERRUPTED, asking, ctrl_c_stops
from ambraconf.cli.options import (
    allow_dangerous_option,
    chosen_accounts,
    color_option,
    connection,
    connection_options,
    force_option,
    format_option,
    plan_options,
    quiet_option,
)
from ambraconf.cli.output import emit, errors_as_json
from ambraconf.engine.apply import Stop
from ambraconf.engine.session import ApplyRun


@click.command("apply")
@click.argument("path", type=click.Path(path_type=Path))
@plan_options
@click.option("--auto-approve", is_flag=True, help="Do not ask for confirmation (for CI).")
@force_option
@allow_dangerous_option
@format_option(
    ApplyRun,
    "json prints the outcome of every action.",
)
@color_option
@quiet_option
@connection_options
def apply_command(
    path: Path,
    account: tuple[str, ...],
    target: tuple[str, ...],
    shard: str | None,
    auto_approve: bool,
    force: bool,
    allow_dangerous: tuple[str, ...],
    output_format: str,
    color: str,
    quiet: bool,
    **options: Any,
) -> int:
    """Change Ambra to match the config at PATH (or a plan saved with plan --out).

    Shows the plan and asks before changing anything (unless --auto-approve).
    Actions run level by level in dependency order; a failure stops only what depends
    on it. A saved plan is applied only if live state has not moved since it was made.
    Dangerous changes (purge rules, anonymization, custom code, PHI sharing) are refused
    unless acknowledged: --allow-dangerous CLASS, or dangerous_ok: in the files.
    """
    from ambraconf import library

    text = output_format == "text"
    stop = Stop()
    with errors_as_json(output_format), connection(**options) as to_ambra, ctrl_c_stops(stop):
        run = library.apply(
            path,
            accounts=chosen_accounts(path, account, shard),
            targets=target,
            force=force,
            allow_dangerous=allow_dangerous,
            on_plan=(lambda plan: emit(plan, "text", color)) if text and not quiet else None,
            confirm=None if auto_approve else asking(color, shown=not text or not quiet),
            progress=(lambda line: click.echo(line, err=True)) if text and not quiet else None,
            stop=stop,
            connection=to_ambra,
        )
        for warning in run.warnings:
            click.echo(f"Warning: {warning}", err=True)
    if run.confirmed:
        emit(run, output_format, color, quiet=quiet)
    if run.timed_out is not None:
        click.echo(f"Error: {run.timed_out}", err=True)
        return 1
    if run.result is not None and run.result.interrupted:
        return INTERRUPTED
    return 0 if run.ok else 1
