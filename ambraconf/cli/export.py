"""``ambraconf export``: an account's live configuration as YAML files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ambraconf.cli.options import connection, connection_options, quiet_option
from ambraconf.cli.output import emit
from ambraconf.config.errors import UserError


@click.command("export")
@click.option("--account", required=True, help="The account to export, by name or uuid.")
@click.option(
    "--kinds",
    metavar="KIND,...",
    help="Only these kinds, e.g. role,group,account (default: the account and every kind).",
)
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory to write the YAML files into.",
)
@click.option("--force", is_flag=True, help="Overwrite files that exist and are not empty.")
@quiet_option
@connection_options
def export_command(
    account: str, kinds: str | None, out: Path, force: bool, quiet: bool, **options: Any
) -> int:
    """Write the live configuration of an account as YAML files ambraconf reads.

    One file per kind, references by name, server defaults left out, secrets as
    ${env:...} placeholders, in a stable order (exporting twice gives the same files).
    Then: ambraconf validate DIR && ambraconf plan DIR shows no changes.
    """
    from ambraconf import library

    chosen = parse_kinds(kinds)
    with connection(**options) as to_ambra:
        run = library.export(account, out, kinds=chosen, force=force, connection=to_ambra)
    emit(run, "text", quiet=quiet)
    return 0


def parse_kinds(text: str | None) -> list[str]:
    """``--kinds role,groups,account``: kind names or their YAML keys; default all."""
    from ambraconf.kinds import BY_KEY
    from ambraconf.library import EXPORTABLE
    from ambraconf.suggest import did_you_mean

    if not text:
        return list(EXPORTABLE)
    chosen = []
    for word in (w.strip() for w in text.split(",") if w.strip()):
        kind = word if word in EXPORTABLE else getattr(BY_KEY.get(word), "name", None)
        if kind is None:
            known = [*EXPORTABLE, *BY_KEY]
            raise UserError(
                f"--kinds: unknown kind {word!r}{did_you_mean(word, known)}",
                hint=f"kinds: {', '.join(EXPORTABLE)}",
            )
        chosen.append(kind)
    return chosen
