"""``ambraconf schema``: the JSON Schema of the config files, for editors and CI."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("schema")
@click.option(
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("schemas"),
    show_default=True,
    help="Directory to write the JSON Schema files into.",
)
@click.option("--check", is_flag=True, help="Only report whether the files are up to date.")
def schema_command(output: Path, check: bool) -> int:
    """Write the JSON Schema of the config files (for editors and CI).

    Start each config file with a line pointing at it, so editors complete
    keys and flag mistakes as you type:

    \b
        # yaml-language-server: $schema=../../schemas/ambraconf.schema.json

    With --check (for CI) nothing is written; exit code 1 means the files are
    out of date.
    """
    from ambraconf.config.schema import stale_schemas, write_schemas

    if check:
        stale = stale_schemas(output)
        for name in stale:
            click.echo(f"{output / name}: out of date; run `ambraconf schema`", err=True)
        return 1 if stale else 0
    written = write_schemas(output)
    for target in written:
        click.echo(f"wrote {target}")
    if not written:
        click.echo(f"{output}: already up to date")
    return 0
