"""``ambraconf compare``: what would change to make one account like another."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ambraconf.cli.export import parse_kinds
from ambraconf.cli.options import (
    color_option,
    connection,
    connection_options,
    format_option,
    second_ambra_options,
    second_connection,
)
from ambraconf.cli.output import emit, errors_as_json
from ambraconf.cli.plan import EXIT_CHANGES
from ambraconf.config.errors import UserError
from ambraconf.engine.plan import Plan


@click.command("compare")
@click.option("--from", "source", required=True, help="Account A, the model (name or uuid).")
@click.option("--to", "target", required=True, help="Account B, to be made like A.")
@click.option(
    "--config",
    type=click.Path(path_type=Path),
    help="Take A from this config (its account called --from) instead of from Ambra.",
)
@click.option(
    "--kinds",
    metavar="KIND,...",
    help="Compare only these kinds of a live A, e.g. role,group,account (default: all).",
)
@second_ambra_options("B is")
@format_option(
    Plan,
    "text for terminals, markdown for pull requests, json for machines.",
)
@click.option(
    "--detailed-exitcode",
    is_flag=True,
    help="Exit 2 when the accounts differ (0 alike, 1 error).",
)
@color_option
@connection_options
def compare_command(
    source: str,
    target: str,
    config: Path | None,
    kinds: str | None,
    url2: str | None,
    login2: str | None,
    output_format: str,
    detailed_exitcode: bool,
    color: str,
    **options: Any,
) -> int:
    """Show what would change to make account B (--to) like account A (--from).

    A is read from Ambra and compared as `ambraconf export` would write it (objects only
    B has are listed as deletes), or taken from --config. Objects pair up by name, never
    by uuid. The result is a plan of B; nothing is changed.
    """
    from ambraconf import library

    if config is not None and kinds:
        raise UserError("--kinds compares a live account: with --config, the config says")
    chosen = parse_kinds(kinds)
    with errors_as_json(output_format), connection(**options) as to_ambra:
        other = second_connection(to_ambra, url2, login2)
        plan = library.compare(
            source,
            target,
            config=config,
            kinds=chosen,
            connection=to_ambra,
            target_connection=other,
        )
    emit(plan, output_format, color)
    return EXIT_CHANGES if detailed_exitcode and plan.has_changes else 0
