"""``ambraconf plan``: what apply would change; changes nothing."""

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
from ambraconf.cli.output import emit, errors_as_json
from ambraconf.engine.plan import Plan

EXIT_CHANGES = 2


@click.command("plan")
@click.argument("path", type=click.Path(path_type=Path))
@plan_options
@format_option(
    Plan,
    "text for terminals, markdown for pull requests, json for machines.",
)
@click.option("--out", type=click.Path(path_type=Path), help="Save the plan (JSON) to apply later.")
@click.option(
    "--detailed-exitcode",
    is_flag=True,
    help="Exit 2 when there are changes (0 none, 1 error), as Terraform does.",
)
@click.option(
    "--preview",
    is_flag=True,
    help="Send the dry runs the plan offers for changed objects (see docs/config.md): "
    "nothing is deleted or changed, but each queues a job on Ambra that mails its result.",
)
@color_option
@quiet_option
@connection_options
def plan_command(
    path: Path,
    account: tuple[str, ...],
    target: tuple[str, ...],
    shard: str | None,
    output_format: str,
    out: Path | None,
    detailed_exitcode: bool,
    preview: bool,
    color: str,
    quiet: bool,
    **options: Any,
) -> int:
    """Show what apply would change in Ambra to match the config at PATH.

    Reads live state through the API (credentials from AMBRA_URL, AMBRA_LOGIN and
    AMBRA_PASSWORD, or AMBRA_SID) and compares it with the files: only the fields the
    files set are managed. Nothing is changed. Exit code 1 when the plan breaks a
    policy (docs/policies.md).
    """
    from ambraconf import library

    with errors_as_json(output_format), connection(**options) as to_ambra:
        plan = library.plan(
            path,
            accounts=chosen_accounts(path, account, shard),
            targets=target,
            out=out,
            connection=to_ambra,
            preview=preview,
        )
    emit(plan, output_format, color, quiet=quiet)
    if output_format == "text" and out is not None and not quiet:
        click.echo(f"\nSaved the plan to {out}; apply it with: ambraconf apply {out}")
    if plan.violations:
        return 1  # shown first in every format; apply would refuse this plan
    return EXIT_CHANGES if detailed_exitcode and plan.has_changes else 0
