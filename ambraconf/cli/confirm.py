"""Asking before changes, and Ctrl-C during them: what apply and clone share with whoever
runs them at a terminal."""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import TYPE_CHECKING

import click

from ambraconf.cli.output import emit
from ambraconf.engine.apply import Stop

if TYPE_CHECKING:
    from ambraconf.engine.plan import Plan


INTERRUPTED = 130
"""The exit code of a command stopped by Ctrl-C (128 + SIGINT), as shells report it."""


@contextmanager
def ctrl_c_stops(stop: Stop) -> Iterator[None]:
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


def asking(color: str, *, shown: bool) -> Callable[[Plan], bool]:
    """The confirmation; under ``-q`` (the plan not ``shown`` yet) it shows the plan first
    to whoever is asked: no one can say yes to changes they were not shown."""

    def ask(plan: Plan) -> bool:
        if not shown and on_terminal():
            emit(plan, "text", color)
        return _confirmed(plan)

    return ask


def _confirmed(plan: Plan) -> bool:
    """Ask on a terminal, naming where the changes go (UAT and production credentials are
    often both at hand), and take only ``yes``, as Terraform does: a ``y`` typed out of
    habit cancels. Without a terminal, refuse rather than change production unasked."""
    if not on_terminal():
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


def on_terminal() -> bool:
    """Whether someone at a terminal can answer the prompt."""
    return sys.stdin.isatty()
