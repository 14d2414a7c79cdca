"""``ambraconf compare``: what would change to make one account like another."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any

import click

from ambraconf.cli.export import parse_kinds
from ambraconf.cli.options import color_option, connection, connection_options
from ambraconf.cli.output import emit, errors_as_json
from ambraconf.cli.plan import EXIT_CHANGES
from ambraconf.config.errors import UserError
from ambraconf.engine.plan import Plan
from ambraconf.reports.registry import formats


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
@click.option(
    "--url2",
    help="B is on this other Ambra (default: $AMBRA_URL2; credentials from AMBRA_LOGIN2 "
    "and AMBRA_PASSWORD2, or AMBRA_SID2).",
)
@click.option("--login2", help="User login on --url2 (default: $AMBRA_LOGIN2).")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(formats(Plan)),
    default="text",
    show_default=True,
    help="text for terminals, markdown for pull requests, json for machines.",
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
        other = None
        if url2 or login2 or os.environ.get("AMBRA_URL2", "").strip():
            other = dataclasses.replace(to_ambra, url=url2, login=login2, env_suffix="2")
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
