"""Printing rendered results: each part to its stream, colour only on a terminal (and not
under ``NO_COLOR``) unless ``--color`` says otherwise, and with ``--format json`` an error
as a JSON document too, so programs need not read stderr."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import click

from ambraconf.config.errors import UserError


def emit(result: object, fmt: str, color: str = "auto", *, quiet: bool = False) -> None:
    """Print ``result`` rendered in ``fmt``, coloured as ``color`` (``--color``) decides;
    with ``quiet`` (``-q``) a text report is cut to its errors and closing line."""
    from ambraconf.reports.quiet import render_quiet
    from ambraconf.reports.registry import render

    coloured = colour(color)
    quietly = quiet and fmt == "text"
    rendered = render_quiet(result) if quietly else render(result, fmt, colour=coloured)
    for part in rendered.parts:
        click.echo(part.text, err=part.err, color=coloured)


def colour(
    choice: str = "auto", env: Mapping[str, str] | None = None, terminal: bool | None = None
) -> bool:
    """Whether to print escape codes: ``always`` and ``never`` as said; ``auto`` only on a
    terminal, and never when ``NO_COLOR`` is set to anything but "" (no-color.org: a flag
    asking for colour wins over it, the environment over the default)."""
    if choice != "auto":
        return choice == "always"
    if (os.environ if env is None else env).get("NO_COLOR", ""):
        return False
    return sys.stdout.isatty() if terminal is None else terminal


@contextmanager
def errors_as_json(fmt: str) -> Iterator[None]:
    """Under ``--format json``, a ``UserError`` is also printed on stdout as
    ``{"error": {"code", "message", "hint"}}``; the message still goes to stderr."""
    try:
        yield
    except UserError as error:
        if fmt == "json":
            emit(error, "json")
        raise
