"""``ambraconf summary``: the results of a sharded CI run (one file per shard's job)
gathered into one report."""

from __future__ import annotations

from pathlib import Path

import click

from ambraconf.cli.options import format_option
from ambraconf.cli.output import emit, errors_as_json
from ambraconf.engine.shard_results import ShardSummary


@click.command("summary")
@click.argument("directory", type=click.Path(path_type=Path))
@click.option(
    "--path",
    "config_path",
    help="Only results of the config at this path (as the shard jobs were given it).",
)
@format_option(
    ShardSummary,
    "markdown is the pull request comment the Action posts.",
)
def summary_command(directory: Path, config_path: str | None, output_format: str) -> int:
    """Gather the shard results under DIRECTORY (the files the Action saves as its result
    output, one per job of a sharded matrix) into one report: a row per shard, the totals,
    and each shard's report. Exit code 1 when a shard failed or saved no result, else 0.
    Nothing contacts Ambra."""
    from ambraconf import library

    with errors_as_json(output_format):
        summary = library.shard_summary(directory, path=config_path)
    emit(summary, output_format)
    return 0 if summary.complete else 1
