"""``ambraconf drift``: where live state differs from the files; changes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ambraconf.cli.options import (
    chosen_accounts,
    color_option,
    connection,
    connection_options,
    format_option,
    plan_options,
    quiet_option,
)
from ambraconf.cli.output import colour, emit, errors_as_json
from ambraconf.config.errors import UserError
from ambraconf.engine.drift import DriftReport

EXIT_DRIFT = 2


@click.command("drift")
@click.argument("path", type=click.Path(path_type=Path))
@plan_options
@format_option(
    DriftReport,
    "text for logs, markdown for GitHub, json for machines, junit for CI dashboards.",
)
@click.option(
    "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the report here."
)
@click.option(
    "--include-unmanaged",
    is_flag=True,
    help="Count live objects that no file mentions as drift.",
)
@color_option
@quiet_option
@connection_options
def drift_command(
    path: Path,
    account: tuple[str, ...],
    target: tuple[str, ...],
    shard: str | None,
    output_format: str,
    output: Path | None,
    include_unmanaged: bool,
    color: str,
    quiet: bool,
    **options: Any,
) -> int:
    """Report where live state differs from the config at PATH; changes nothing.

    Lists, per account and kind, objects whose managed fields differ (value in git,
    value live), objects missing live, and live objects no file mentions. Each
    difference says whether it was made outside ambraconf or is pending apply of the
    current revision (from what apply records in Ambra). Exit code 0 no drift, 2 drift,
    1 error.
    """
    from ambraconf import library
    from ambraconf.reports.registry import render

    with errors_as_json(output_format), connection(**options) as to_ambra:
        report = library.drift(
            path,
            accounts=chosen_accounts(path, account, shard),
            targets=target,
            include_unmanaged=include_unmanaged,
            connection=to_ambra,
        )
    if output is None and quiet and output_format == "text":
        emit(report, output_format, quiet=True)
    elif output is None:
        coloured = colour(color)
        text = render(report, output_format, colour=coloured).out.rstrip("\n")
        click.echo(text, color=coloured)
    else:
        _write(output, render(report, output_format).out)
        click.echo(f"{report.summary()} Wrote the {output_format} report to {output}.")
    return EXIT_DRIFT if report.has_drift else 0


def _write(output: Path, text: str) -> None:
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UserError(f"cannot write the report to {output}: {exc.strerror}") from None
