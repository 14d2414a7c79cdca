"""``ambraconf validate``: check the files without contacting Ambra."""

from __future__ import annotations

from pathlib import Path

import click

from ambraconf.cli.options import format_option, quiet_option
from ambraconf.cli.output import emit, errors_as_json
from ambraconf.config.validate import ValidationResult


@click.command("validate")
@click.argument("path", type=click.Path(path_type=Path))
@format_option(
    ValidationResult,
    "text for people, json for machines.",
)
@quiet_option
def validate_command(path: Path, output_format: str, quiet: bool) -> int:
    """Check a config file or directory without contacting Ambra.

    Reports every problem at once with file:line:column: YAML syntax, unknown
    keys, wrong types, duplicate names, references to objects no file defines,
    cycles, and permissions, settings, route conditions and webhook events
    checked against the API documentation. Exit code 0 when valid, 1 when not.
    """
    from ambraconf import library

    with errors_as_json(output_format):
        result = library.load(path)
    emit(result, output_format, quiet=quiet)
    return 0 if result.ok else 1
