"""Printing rendered results: each part to its stream, colour only on a terminal, and with
``--format json`` an error as a JSON document too, so programs need not read stderr."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click

from ambraconf.config.errors import UserError


def emit(result: object, fmt: str) -> None:
    from ambraconf.reports.registry import render

    for part in render(result, fmt, colour=colour()).parts:
        click.echo(part.text, err=part.err)


def colour() -> bool:
    return sys.stdout.isatty()


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
