"""What ``drift`` and ``export`` do, between parsing options and setting the exit code.

Both only read from Ambra (drift also reads the apply records); neither changes anything.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import click

from ambraconf.config.errors import UserError
from ambraconf.config.validate import load_config
from ambraconf.engine.commands import connect
from ambraconf.engine.drift import DriftReport, build_report
from ambraconf.engine.export import Export, export_account
from ambraconf.engine.export_files import other_yaml, write_export
from ambraconf.engine.read import read_snapshot
from ambraconf.engine.workflow import catalogue, make_plan
from ambraconf.kinds import ACCOUNT, BY_KEY, KINDS
from ambraconf.reports import drift_junit, drift_markdown, drift_text

EXIT_DRIFT = 2

RENDERERS: Mapping[str, Callable[[DriftReport], str]] = {
    "text": drift_text.render,
    "markdown": drift_markdown.render,
    "json": lambda report: json.dumps(report.to_json(), indent=2) + "\n",
    "junit": drift_junit.render,
}
EXPORTABLE = (ACCOUNT.name, *(k.name for k in KINDS))


def run_drift(
    path: Path,
    output_format: str,
    output: Path | None,
    include_unmanaged: bool,
    *,
    account: Sequence[str],
    target: Sequence[str],
    **connection: Any,
) -> int:
    """Exit 0 without drift, 2 with drift (1, through ``UserError``, on errors)."""
    config = load_config(path)
    with connect(**connection) as client:
        run = make_plan(config, client, accounts=account, targets=target, config_path=path)
        login = client.settings.login
    report = build_report(
        run.plan,
        run.live,
        run.records,
        login=login,
        config_path=str(path),
        include_unmanaged=include_unmanaged,
        kind_order=[k.name for k in KINDS],
    )
    if output is None:
        text = (
            drift_text.render(report, colour=sys.stdout.isatty())
            if output_format == "text"
            else RENDERERS[output_format](report)
        )
        click.echo(text.rstrip("\n"))
    else:
        _write(output, RENDERERS[output_format](report))
        click.echo(f"{report.summary()} Wrote the {output_format} report to {output}.")
    return EXIT_DRIFT if report.has_drift else 0


def run_export(account: str, kinds: str | None, out: Path, force: bool, **connection: Any) -> int:
    chosen = parse_kinds(kinds)
    cat = catalogue()
    with connect(**connection) as client:
        live = read_snapshot(client, account, chosen, cat)
        source = client.settings.url
    export = export_account(live, chosen, cat.specs)
    strays = other_yaml(out, export)
    written = write_export(export, out, source=source, force=force)
    _report_export(export, written, strays, out)
    return 0


def parse_kinds(text: str | None) -> list[str]:
    """``--kinds role,groups,account``: kind names or their YAML keys; default all."""
    if not text:
        return list(EXPORTABLE)
    chosen = []
    for word in (w.strip() for w in text.split(",") if w.strip()):
        kind = word if word in EXPORTABLE else getattr(BY_KEY.get(word), "name", None)
        if kind is None:
            raise UserError(
                f"--kinds: unknown kind {word!r}", hint=f"kinds: {', '.join(EXPORTABLE)}"
            )
        chosen.append(kind)
    return chosen


def _report_export(export: Export, written: list[Path], strays: list[Path], out: Path) -> None:
    for path, exported in zip(written, export.files, strict=True):
        noun = "object" if exported.objects == 1 else "objects"
        click.echo(f"wrote {path} ({exported.objects} {noun})")
    if not written:
        click.echo(f"{export.account}: nothing to export (only server defaults and stock roles)")
    for note in export.notes:
        click.echo(f"note: {note}", err=True)
    for path in strays:
        click.echo(f"note: {path} was there before; validate and plan read it too", err=True)
    if export.placeholders:
        click.echo("\nSecrets are placeholders; set these before plan or apply:")
        for p in export.placeholders:
            click.echo(f"  {p.variable}  ({p.kind} {p.name!r}, {p.path})")
    click.echo(f"\nNext: ambraconf validate {out} && ambraconf plan {out}")


def _write(output: Path, text: str) -> None:
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UserError(f"cannot write the report to {output}: {exc.strerror}") from None
