"""What ``plan`` and ``apply`` do, between parsing options and setting the exit code."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from ambraconf.api import AmbraClient, ClientSettings, Transport
from ambraconf.config.validate import load_config
from ambraconf.engine import planfile, records
from ambraconf.engine.apply import Applier, ApplyResult
from ambraconf.engine.safety import check_thresholds
from ambraconf.engine.workflow import PlanRun, make_plan
from ambraconf.kinds import BY_NAME
from ambraconf.reports import plan_markdown, plan_text

EXIT_CHANGES = 2


@contextmanager
def connect(
    url: str | None, login: str | None, rate: float, bundle_size: int, verbose: bool, **_: Any
) -> Iterator[AmbraClient]:
    """One client, one session for the whole run; with --verbose, the requests it made."""
    settings = ClientSettings.from_env(url=url, login=login)
    transport = Transport(settings.url, ca_bundle=settings.ca_bundle, requests_per_second=rate)
    client = AmbraClient(settings, transport=transport, bundle_size=bundle_size)
    try:
        with client:
            yield client
    finally:
        if verbose:
            counts = client.counts()
            detail = ", ".join(f"{path} {n}" for path, n in sorted(counts.by_endpoint.items()))
            click.echo(f"HTTP requests: {counts.total} ({detail})", err=True)


def _plan(
    path: Path, client: AmbraClient, account: Sequence[str], target: Sequence[str]
) -> PlanRun:
    config = load_config(path)
    return make_plan(config, client, accounts=account, targets=target, config_path=path)


def run_plan(
    path: Path,
    output_format: str,
    out: Path | None,
    detailed_exitcode: bool,
    *,
    account: Sequence[str],
    target: Sequence[str],
    **connection: Any,
) -> int:
    with connect(**connection) as client:
        run = _plan(path, client, account, target)
    if out is not None:
        planfile.save(run.plan, out, path)
    if output_format == "json":
        click.echo(json.dumps(run.plan.to_json(), indent=2))
    elif output_format == "markdown":
        click.echo(plan_markdown.render(run.plan))
    else:
        click.echo(plan_text.render(run.plan, colour=_colour()))
        if out is not None:
            click.echo(f"\nSaved the plan to {out}; apply it with: ambraconf apply {out}")
    return EXIT_CHANGES if detailed_exitcode and run.plan.has_changes else 0


def run_apply(
    path: Path,
    auto_approve: bool,
    output_format: str,
    force: bool,
    *,
    account: Sequence[str],
    target: Sequence[str],
    **connection: Any,
) -> int:
    saved = planfile.load(path) if planfile.is_saved_plan(path) else None
    config_path = Path(saved["config_path"]) if saved else path
    with connect(**connection) as client:
        run = _plan(config_path, client, account, target)
        if saved is not None:
            planfile.check_unchanged(saved, run.plan)
        text = output_format == "text"
        if text:
            click.echo(plan_text.render(run.plan, colour=_colour()))
        if not run.plan.has_changes:
            _record(client, run, set(), targeted=bool(target))
            if not text:
                click.echo(json.dumps({"summary": "no changes", "outcomes": []}, indent=2))
            return 0
        if not force:
            check_thresholds(run.plan, run.live)
        if not auto_approve and saved is None and not _confirmed():
            click.echo("Apply cancelled; nothing was changed.", err=True)
            return 1
        applier = Applier(
            client,
            run.live,
            BY_NAME,
            progress=(lambda line: click.echo(line, err=True)) if text else (lambda line: None),
        )
        result = applier.apply(run.plan)
        done = {o.action.address for o in result.outcomes if o.status == "done"}
        _record(client, run, done, targeted=bool(target))
    _report(result, text)
    return 1 if result.failed or result.skipped else 0


def _record(client: AmbraClient, run: PlanRun, done: set[str], *, targeted: bool) -> None:
    """Leave in Ambra what this apply made true, so drift can tell an out-of-band change
    from one pending apply (``records``); a failure to record is a warning, not an error."""
    saved = records.save_after_apply(
        client, run.live, run.plan, done, run.records, targeted=targeted
    )
    for warning in saved:
        click.echo(f"Warning: {warning}", err=True)


def _report(result: ApplyResult, text: bool) -> None:
    if not text:
        document = {"summary": result.summary(), "outcomes": [o.to_json() for o in result.outcomes]}
        click.echo(json.dumps(document, indent=2))
        return
    for outcome in result.failed:
        click.echo(f"  failed: {outcome.action.address}: {outcome.error}", err=True)
    for outcome in result.skipped:
        click.echo(f"  skipped: {outcome.action.address}: {outcome.error}", err=True)
    click.echo(result.summary() + ".")


def _confirmed() -> bool:
    """Ask on a terminal; without one, refuse rather than change production unasked."""
    if not sys.stdin.isatty():
        click.echo(
            "Not a terminal, so no one can confirm: run again with --auto-approve to apply.",
            err=True,
        )
        return False
    return click.confirm("Apply these changes?", default=False)


def _colour() -> bool:
    return sys.stdout.isatty()
