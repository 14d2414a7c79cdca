"""Shell completion of ``--account`` and ``--target`` from the config the command line
names (click calls these while completing; see docs/cli.md for enabling it).

They read the files only when PATH came before the option being completed, and never
fail: a shell completing a word must not print errors or tracebacks."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import click
from click.shell_completion import CompletionItem

if TYPE_CHECKING:
    from ambraconf.config.desired import DesiredAccount


def complete_accounts(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """The account names of the config."""
    return _matching((a.name for a in _accounts(ctx)), incomplete)


def complete_targets(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """``KIND/NAME`` of every object of the config (of the ``--account``s given, if any),
    as ``--target`` takes them."""
    chosen = {name.casefold() for name in ctx.params.get("account") or ()}
    targets = sorted(
        {
            f"{obj.kind}/{obj.display}"
            for account in _accounts(ctx)
            if not chosen or account.name.casefold() in chosen
            for obj in account.all_objects()
        }
    )
    return _matching(targets, incomplete)


def _accounts(ctx: click.Context) -> list[DesiredAccount]:
    """The accounts of the config at the PATH argument; none if there is no PATH yet or
    it cannot be read (whatever is valid of an invalid config still completes)."""
    path = _config_path(ctx)
    if path is None or not path.exists():
        return []
    from ambraconf.library import load

    try:
        return load(path).accounts
    except Exception:  # noqa: BLE001 - completion must never break the shell
        return []


def _config_path(ctx: click.Context) -> Path | None:
    """PATH as parsed; while an option still lacks its value (the word being completed)
    click stops parsing and leaves the words before it in ``ctx.args``: PATH is the first
    that names a file or directory (an option's value may come before it)."""
    parsed = ctx.params.get("path")
    if parsed is not None:
        return Path(parsed)
    found = (Path(word) for word in ctx.args if not word.startswith("-"))
    return next((path for path in found if path.exists()), None)


def _matching(values: Iterable[str], incomplete: str) -> list[CompletionItem]:
    """Those starting with what was typed so far, in any letter case."""
    folded = incomplete.casefold()
    return [CompletionItem(value) for value in values if value.casefold().startswith(folded)]
