"""``ambraconf adopt``: write live values of drifted objects back into the files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ambraconf.cli.options import (
    chosen_accounts,
    connection,
    connection_options,
    format_option,
    plan_options,
)
from ambraconf.cli.output import emit, errors_as_json
from ambraconf.engine.adopt import Adoption

EXIT_LEFT = 2
"""Some drift was not adopted: what drift's exit code 2 says, for what is left."""


@click.command("adopt")
@click.argument("path", type=click.Path(path_type=Path))
@plan_options
@click.option("--dry-run", is_flag=True, help="Show the diff of the files; write nothing.")
@format_option(
    Adoption,
    "text for people, json for machines (the values, what was left and why, the diffs).",
)
@click.option(
    "--new",
    is_flag=True,
    help="Also add live objects no file defines to the account's own list of their kind.",
)
@connection_options
def adopt_command(
    path: Path,
    account: tuple[str, ...],
    target: tuple[str, ...],
    shard: str | None,
    dry_run: bool,
    output_format: str,
    new: bool,
    **options: Any,
) -> int:
    """Write the live values of drifted objects into the files at PATH that define them.

    When a change made by hand in Ambra was right, adopt edits the YAML instead of apply
    reverting it: each value at the file and line it was read from (an account's own
    fields, a shared block, a list item), comments and formatting kept, and prints the
    diff of each file. A value in a shared block is written only when every account
    that includes it has the same live value; one from ${var:NAME} is written to the
    variable when all its uses agree; secrets never. See docs/adopt.md.
    Exit code 0 all drift adopted (or none), 2 some left (listed, with why), 1 error.
    """
    from ambraconf import library

    with errors_as_json(output_format), connection(**options) as to_ambra:
        adoption = library.adopt(
            path,
            accounts=chosen_accounts(path, account, shard),
            targets=target,
            dry_run=dry_run,
            new=new,
            connection=to_ambra,
        )
    emit(adoption, output_format)
    return 0 if adoption.complete else EXIT_LEFT
