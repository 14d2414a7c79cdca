"""``ambraconf apply``: show the plan, ask, change Ambra."""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

import click

from ambraconf.cli.options import (
    allow_dangerous_option,
    chosen_accounts,
    color_option,
    connection,
    connection_options,
    force_option,
    plan_options,
    quiet_option,
)
from ambraconf.cli.output import emit, errors_as_json
from ambraconf.engine.apply import Stop
from ambraconf.engine.session import ApplyRun
from ambraconf.reports.registry import formats

if TYPE_CHECKING:
    from ambraconf.engine.plan import Plan


@click.command("apply")
@click.argument("path", type=click.Path(path_type=Path))
@plan_options
@click.option("--auto-approve", is_flag=True, help="Do not ask for confirmation (for CI).")
@force_option
@allow_dangerous_option
@click.option(
    "--format",
    "output_format",
    type=click.Choice(formats(ApplyRun)),
    default="text",
    show_default=True,
    help="json prints the outcome of every action.",
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
    with errors_as_json(output_format), connection(**options) as to_ambra, _ctrl_c(stop):
        run = library.apply(
            path,
            accounts=chosen_accounts(path, account, shard),
            targets=target,
            force=force,
            allow_dangerous=allow_dangerous,
            on_plan=(lambda plan: emit(plan, "text", color)) if text and not quiet else None,
            confirm=None if auto_approve else _asking(color, shown=not text or not quiet),
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


INTERRUPTED = 130
"""The exit code of a command stopped by Ctrl-C (128 + SIGINT), as shells report it."""


@contextmanager
def _ctrl_c(stop: Stop) -> Iterator[None]:
    """While the apply changes things, Ctrl-C asks it to stop after the bundle in flight
    (so the summary and the apply record say what was done); a second Ctrl-C, or one
    before any change, stops at once as usual. Signals reach only the main thread."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        if not stop.active or stop.requested:
            raise KeyboardInterrupt
        stop.request()
        click.echo(
            "\nInterrupt: finishing the calls in flight and starting nothing more "
            "(Ctrl-C again to stop at once, not knowing what the last calls did).",
            err=True,
        )

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _asking(color: str, *, shown: bool) -> Callable[[Plan], bool]:
    """The confirmation; under ``-q`` (the plan not ``shown`` yet) it shows the plan first
    to whoever is asked: no one can say yes to changes they were not shown."""

    def ask(plan: Plan) -> bool:
        if not shown and _terminal():
            emit(plan, "text", color)
        return _confirmed(plan)

    return ask


def _confirmed(plan: Plan) -> bool:
    """Ask on a terminal, naming where the changes go (UAT and production credentials are
    often both at hand), and take only ``yes``, as Terraform does: a ``y`` typed out of
    habit cancels. Without a terminal, refuse rather than change production unasked."""
    if not _terminal():
        click.echo(
            "Not a terminal, so no one can confirm: run again with --auto-approve to apply.",
            err=True,
        )
    else:
        accounts = ", ".join(plan.accounts)
        noun = "account" if len(plan.accounts) == 1 else "accounts"
        click.echo(f"\nApply these changes to {noun} {accounts} at {plan.url}?", err=True)
        click.echo("  Only 'yes' applies; anything else cancels.", err=True)
        answer = click.prompt("  Enter a value", default="", show_default=False, err=True)
        if answer.strip() == "yes":
            return True
    click.echo("Apply cancelled; nothing was changed.", err=True)
    return False


def _terminal() -> bool:
    """Whether someone at a terminal can answer the prompt."""
    return sys.stdin.isatty()
