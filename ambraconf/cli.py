"""Command line: parse options, call the library, set exit codes. Nothing else lives here."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from ambraconf import __version__
from ambraconf.config.errors import UserError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ambraconf")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors (for bug reports).")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Keep Ambra Health account configuration as code.

    Describe roles, groups, locations, routes, webhooks, custom fields,
    templates and settings in YAML; validate them, plan the change against
    live state, apply it, and report drift.
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


@cli.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people, json for machines.",
)
def validate(path: Path, output_format: str) -> int:
    """Check a config file or directory without contacting Ambra.

    Reports every problem at once with file:line:column: YAML syntax, unknown
    keys, wrong types, duplicate names, references to objects no file defines,
    cycles, and permissions, settings, route conditions and webhook events
    checked against the API documentation. Exit code 0 when valid, 1 when not.
    """
    from ambraconf.config.report import render_json, render_text
    from ambraconf.config.validate import validate_path

    result = validate_path(path)
    if output_format == "json":
        click.echo(json.dumps(render_json(result), indent=2))
    else:
        click.echo(render_text(result))
    return 0 if result.ok else 1


@cli.command()
@click.option(
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("schemas"),
    show_default=True,
    help="Directory to write the JSON Schema files into.",
)
@click.option("--check", is_flag=True, help="Only report whether the files are up to date.")
def schema(output: Path, check: bool) -> int:
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


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8765, show_default=True, type=int, help="Port to listen on.")
@click.option(
    "--db", type=click.Path(dir_okay=False), help="SQLite file to keep state in across restarts."
)
@click.option(
    "--seed",
    type=click.Path(exists=True, dir_okay=False),
    help="YAML or JSON seed to load into a fresh sandbox.",
)
@click.option(
    "--admin-login", default="admin@sandbox.local", show_default=True, help="The sysadmin's login."
)
@click.option(
    "--admin-password", default="sandbox", show_default=True, help="The sysadmin's password."
)
@click.option(
    "--latency", "latency_ms", default=0.0, type=float, help="Milliseconds added to every request."
)
@click.option(
    "--rate-limit",
    default=0.0,
    type=float,
    help="Requests per second per session; 429 past it (0: off).",
)
@click.option(
    "--rate-limit-bundle-items", is_flag=True, help="A bundle counts as one request per item."
)
@click.option(
    "--fault-rate", default=0.0, type=click.FloatRange(0, 1), help="Fraction of requests that fail."
)
@click.option(
    "--fault-seed", default=0, type=int, help="Seed of the fault generator (repeatable runs)."
)
@click.option(
    "--fault-kinds", default="500,503,drop", show_default=True, help="Failures to inject."
)
@click.option(
    "--fault-timings",
    default="before,after",
    show_default=True,
    help="Fail before the call runs, after it committed, or both.",
)
def sandbox(**options: object) -> int:
    """Run a local emulator of the Ambra v3 API (for trying ambraconf and for tests).

    Prints the URL and credentials; Ctrl-C stops it. See docs/sandbox.md.
    """
    from ambraconf.sandbox.runner import SandboxStartError, config_from_options, run

    try:
        run(config_from_options(options), click.echo)
    except SandboxStartError as error:
        raise UserError(str(error)) from None
    return 0


def connection_options(command):  # noqa: ANN001, ANN201 - a click decorator
    """Where to connect: options win over AMBRA_URL / AMBRA_LOGIN; the password only ever
    comes from AMBRA_PASSWORD (or AMBRA_SID), never from the command line."""
    for option in reversed(
        [
            click.option("--url", help="API address (default: $AMBRA_URL)."),
            click.option("--login", help="User login (default: $AMBRA_LOGIN)."),
            click.option(
                "--rate",
                type=float,
                default=5.0,
                show_default=True,
                help="Most requests per second to send.",
            ),
            click.option(
                "--bundle-size",
                type=click.IntRange(1, 1000),
                default=50,
                show_default=True,
                help="Calls per /bundle request.",
            ),
            click.option("-v", "--verbose", is_flag=True, help="Print the requests made."),
        ]
    ):
        command = option(command)
    return command


def plan_options(command):  # noqa: ANN001, ANN201 - a click decorator
    for option in reversed(
        [
            click.option("--account", multiple=True, help="Only this account (repeatable)."),
            click.option(
                "--target",
                multiple=True,
                metavar="KIND/NAME",
                help="Only this object and what it needs, e.g. route/CT to PACS (repeatable).",
            ),
        ]
    ):
        command = option(command)
    return command


@cli.command()
@click.argument("path", type=click.Path(path_type=Path))
@plan_options
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    show_default=True,
    help="text for terminals, markdown for pull requests, json for machines.",
)
@click.option("--out", type=click.Path(path_type=Path), help="Save the plan (JSON) to apply later.")
@click.option(
    "--detailed-exitcode",
    is_flag=True,
    help="Exit 2 when there are changes (0 none, 1 error), as Terraform does.",
)
@connection_options
def plan(
    path: Path, output_format: str, out: Path | None, detailed_exitcode: bool, **options: Any
) -> int:
    """Show what apply would change in Ambra to match the config at PATH.

    Reads live state through the API (credentials from AMBRA_URL, AMBRA_LOGIN and
    AMBRA_PASSWORD, or AMBRA_SID) and compares it with the files: only the fields the
    files set are managed. Nothing is changed.
    """
    from ambraconf.engine.commands import run_plan

    return run_plan(path, output_format, out, detailed_exitcode, **options)


@cli.command()
@click.argument("path", type=click.Path(path_type=Path))
@plan_options
@click.option("--auto-approve", is_flag=True, help="Do not ask for confirmation (for CI).")
@click.option(
    "--force",
    is_flag=True,
    help="Apply even if it updates or deletes more than 30% of a kind's live objects.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json prints the outcome of every action.",
)
@connection_options
def apply(path: Path, auto_approve: bool, force: bool, output_format: str, **options: Any) -> int:
    """Change Ambra to match the config at PATH (or a plan saved with plan --out).

    Shows the plan and asks before changing anything (unless --auto-approve).
    Actions run level by level in dependency order; a failure stops only what depends
    on it. A saved plan is applied only if live state has not moved since it was made.
    """
    from ambraconf.engine.commands import run_apply

    return run_apply(path, auto_approve, output_format, force, **options)


@cli.command()
@click.argument("path", type=click.Path(path_type=Path))
@plan_options
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "markdown", "json", "junit"]),
    default="text",
    show_default=True,
    help="text for logs, markdown for GitHub, json for machines, junit for CI dashboards.",
)
@click.option(
    "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the report here."
)
@click.option(
    "--include-unmanaged",
    is_flag=True,
    help="Count live objects that no file mentions as drift.",
)
@connection_options
def drift(
    path: Path, output_format: str, output: Path | None, include_unmanaged: bool, **options: Any
) -> int:
    """Report where live state differs from the config at PATH; changes nothing.

    Lists, per account and kind, objects whose managed fields differ (value in git,
    value live), objects missing live, and live objects no file mentions. Each
    difference says whether it was made outside ambraconf or is pending apply of the
    current revision (from what apply records in Ambra). Exit code 0 no drift, 2 drift,
    1 error.
    """
    from ambraconf.engine.readonly_commands import run_drift

    return run_drift(path, output_format, output, include_unmanaged, **options)


@cli.command()
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
@connection_options
def export(account: str, kinds: str | None, out: Path, force: bool, **options: Any) -> int:
    """Write the live configuration of an account as YAML files ambraconf reads.

    One file per kind, references by name, server defaults left out, secrets as
    ${env:...} placeholders, in a stable order (exporting twice gives the same files).
    Then: ambraconf validate DIR && ambraconf plan DIR shows no changes.
    """
    from ambraconf.engine.readonly_commands import run_export

    return run_export(account, kinds, out, force, **options)


def main(argv: list[str] | None = None) -> None:
    """Entry point: turn user errors into messages and exit code 1, never a traceback."""
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    try:
        result = cli.main(args, prog_name="ambraconf", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(1)  # a usage error is an error: 2 means "changes present" here
    except UserError as exc:
        if debug:
            raise
        click.echo(f"Error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - the last line of defence against tracebacks
        if debug:
            raise
        click.echo(
            f"Internal error: {type(exc).__name__}: {exc}\n"
            "  This is a bug in ambraconf; run again with --debug for the traceback.",
            err=True,
        )
        sys.exit(1)
    sys.exit(result if isinstance(result, int) else 0)
