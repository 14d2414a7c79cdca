"""``ambraconf accounts``: the accounts of a config, in shards for a CI matrix."""

from __future__ import annotations

import json
from pathlib import Path

import click


@click.command("accounts")
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--shards",
    type=click.IntRange(1, 1000),
    default=1,
    show_default=True,
    help="Split the accounts into this many shards, balanced by objects.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(("text", "json")),
    default="text",
    show_default=True,
    help="json is a list a GitHub Actions matrix takes (fromJSON) as its include; it "
    "leaves out shards that hold no account, and names each shard's result artifact.",
)
def accounts_command(path: Path, shards: int, output_format: str) -> int:
    """List the accounts of the config at PATH, split into shards that plan, apply and
    drift take with --shard I/N (one job of a CI matrix each). Every job computes the same
    split from the same files; nothing contacts Ambra."""
    from ambraconf import library
    from ambraconf.engine.shard_results import artifact_name

    split = library.shards(path, shards)
    if output_format == "json":
        # a matrix job per shard that holds accounts (more shards than accounts leaves some
        # empty); the others compute the same split, so their names still agree
        rows = [
            {
                "shard": s.shard,
                "artifact": artifact_name(s.shard),
                "accounts": s.accounts,
                "objects": s.objects,
            }
            for s in split
            if s.accounts
        ]
        click.echo(json.dumps(rows, ensure_ascii=False))
        return 0
    for s in split:
        names = ", ".join(s.accounts) if s.accounts else "(none)"
        noun = "object" if s.objects == 1 else "objects"
        click.echo(f"shard {s.shard}: {names} ({s.objects} {noun})")
    return 0
