"""The Python API: what the commands do, as functions that return data.

The CLI and the GitHub Action are layers over these functions; they print, prompt and
choose exit codes, these never do. Every problem a user can fix is raised as a
``UserError`` (with a ``code`` for programs, e.g. ``stale_plan``); see docs/python-api.md.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Sequence
from pathlib import Path

from ambraconf.api import AmbraClient
from ambraconf.config.desired import Config
from ambraconf.config.errors import InvalidConfig
from ambraconf.config.validate import ValidationResult, load_config, validate_path
from ambraconf.engine import lock, planfile, records
from ambraconf.engine.adopt import Adoption, decide, read_raw
from ambraconf.engine.adopt_files import check_valid, new_texts, save
from ambraconf.engine.adopt_new import add_new
from ambraconf.engine.apply import Applier, Stop
from ambraconf.engine.clone import (
    DEFAULT_SHARE_CODES,
    CloneRun,
    check_out,
    check_target,
    check_template,
    cloned_kinds,
    default_out,
    make_clone,
    secret_values,
)
from ambraconf.engine.compare import from_config, from_live, quiet_creates
from ambraconf.engine.danger import check_acknowledged
from ambraconf.engine.drift import DriftReport, build_report
from ambraconf.engine.export import Placeholder, export_account
from ambraconf.engine.export_files import other_yaml, write_export
from ambraconf.engine.live import LiveAccount, LiveObject
from ambraconf.engine.plan import Plan
from ambraconf.engine.planner import PlanError
from ambraconf.engine.policy import refuse_violations
from ambraconf.engine.preview import attach_previews
from ambraconf.engine.read import AccountRead, find_account, read_accounts, read_snapshot
from ambraconf.engine.safety import check_thresholds
from ambraconf.engine.session import ApplyRun, Connection, ExportRun, connect
from ambraconf.engine.shard_results import ShardSummary, collect
from ambraconf.engine.shards import Shard, ShardPlan, accounts_of, split
from ambraconf.engine.workflow import PlanRun, catalogue, choose_accounts, make_plan
from ambraconf.kinds import ACCOUNT, BY_NAME, KINDS

__all__ = [
    "EXPORTABLE",
    "Connection",
    "adopt",
    "apply",
    "clone",
    "compare",
    "drift",
    "export",
    "force_unlock",
    "load",
    "plan",
    "shard_summary",
]

EXPORTABLE = (ACCOUNT.name, *(k.name for k in KINDS))
"""What ``export`` can write: the account's own fields and settings, then every kind."""


def load(path: str | Path) -> ValidationResult:
    """Validate the config at ``path`` without contacting Ambra. Problems in the files are
    diagnostics of the result (``result.ok``, ``result.config``), all of them at once, not
    exceptions; only a path that cannot be read at all raises ``UserError``."""
    return validate_path(path)


def shards(path: str | Path, count: int) -> list[ShardPlan]:
    """The accounts of the config at ``path`` in ``count`` shards balanced by objects, the
    same in every CI job that asks (``engine.shards``); the files must be valid."""
    return split(_valid(path).accounts, count)


def shard_accounts(path: str | Path, shard: str) -> list[str]:
    """The accounts of ``shard`` (``2/5``) of the config at ``path``: what ``--shard``
    plans, applies or checks."""
    return accounts_of(_valid(path).accounts, Shard.parse(shard))


def shard_summary(directory: str | Path, *, path: str | None = None) -> ShardSummary:
    """The results the jobs of a sharded run saved under ``directory``, one row per shard
    (missing ones included), in shard order; with ``path``, all of the config at that path.
    A file that is not a shard result, or of another run, raises ``UserError``."""
    return collect(Path(directory), path=path)


def _valid(path: str | Path) -> Config:
    result = validate_path(path)
    if result.config is None:
        raise InvalidConfig(result.diagnostics)
    return result.config


def plan(
    path: str | Path,
    *,
    accounts: Sequence[str] = (),
    targets: Sequence[str] = (),
    out: str | Path | None = None,
    connection: Connection | None = None,
    preview: bool = False,
) -> Plan:
    """What apply would change to make Ambra match the config at ``path``; changes nothing.
    With ``out``, the plan is also saved there for ``apply(out)``. Changes of kinds that
    declare a preview get a preview line; with ``preview`` their dry runs are sent (for a
    purge rule, ``/purge/run`` with ``dry_run``: a queued job whose result Ambra mails).
    Changes the config's policies forbid are in ``plan.violations`` (apply refuses them)."""
    with connect(connection or Connection()) as client:
        run = _plan(Path(path), client, accounts, targets)
        attach_previews(run.plan, client, BY_NAME, run=preview)
    if out is not None:
        planfile.save(run.plan, Path(out), Path(path), targets)
    return run.plan


def apply(
    path: str | Path,
    *,
    accounts: Sequence[str] = (),
    targets: Sequence[str] = (),
    force: bool = False,
    allow_dangerous: Collection[str] = (),
    on_plan: Callable[[Plan], None] | None = None,
    confirm: Callable[[Plan], bool] | None = None,
    progress: Callable[[str], None] | None = None,
    stop: Stop | None = None,
    connection: Connection | None = None,
) -> ApplyRun:
    """Change Ambra to match the config at ``path``, or a plan saved by ``plan(out=...)``
    (applied only if live state and the config still give that plan: ``StalePlan``).

    ``on_plan`` sees the plan before anything changes; ``confirm`` is asked when there are
    changes, unless the plan is a saved one (it was reviewed already); without it the apply
    goes ahead. A plan that breaks a policy (``plan.violations``) it refuses
    (``PolicyViolated``), whatever the flags. Past the safety thresholds it refuses
    (``UnsafePlan``) unless ``force``; a
    dangerous change (``kinds.danger``) it refuses (``DangerousPlan``) unless the files
    acknowledge it (``dangerous_ok:``) or its class is in ``allow_dangerous``, ``force``
    or not.
    ``progress`` gets a line per step of the apply. ``stop`` is active while the apply
    changes things; a request then (``stop.request()``, from a signal handler, say) lets
    the bundle in flight finish, sends nothing more, and returns a result that is
    ``interrupted``, with what was not started; what was done is recorded as usual.
    The command's deadline (``Connection.timeout``) stops it the same way (the call in
    flight is cut, though): the result is then ``interrupted`` and ``timed_out`` says why.
    """
    path = Path(path)
    saved = planfile.load(path) if planfile.is_saved_plan(path) else None
    config_path = planfile.config_of(saved, path) if saved else path
    subset = bool(accounts or targets)
    if saved is not None and not subset:  # what was reviewed: the plan's own selection
        accounts, targets = saved.get("accounts", ()), saved.get("targets", ())
    with connect(connection or Connection()) as client:
        run = _plan(config_path, client, accounts, targets)
        if saved is not None:
            planfile.check_unchanged(saved, run.plan, subset=subset)
        return _carry_out(
            client,
            run,
            targeted=bool(targets),
            reviewed=saved is not None,
            force=force,
            allow_dangerous=allow_dangerous,
            on_plan=on_plan,
            confirm=confirm,
            progress=progress,
            stop=stop,
        )


def _carry_out(
    client: AmbraClient,
    run: PlanRun,
    *,
    targeted: bool,
    reviewed: bool,
    force: bool,
    allow_dangerous: Collection[str],
    on_plan: Callable[[Plan], None] | None,
    confirm: Callable[[Plan], bool] | None,
    progress: Callable[[str], None] | None,
    stop: Stop | None,
) -> ApplyRun:
    """Apply a plan made in this session: what ``apply`` promises once it has its plan
    (policies, acknowledgements, thresholds, confirmation unless ``reviewed``, lock,
    records), shared with ``clone``, which applies the config it wrote."""
    if on_plan is not None:
        on_plan(run.plan)
    refuse_violations(run.plan)
    if not run.plan.has_changes:
        return ApplyRun(run.plan, warnings=_record(client, run, set(), targeted))
    check_acknowledged(run.plan, allow_dangerous)
    if not force:
        check_thresholds(run.plan, run.live)
    if confirm is not None and not reviewed:
        with client.deadline.paused():
            confirmed = confirm(run.plan)
        if not confirmed:
            return ApplyRun(run.plan, confirmed=False)
    stop = stop or Stop()
    applier = Applier(
        client,
        run.live,
        catalogue().specs,
        progress=progress or (lambda line: None),
        stop=stop,
        bundle_size=client.bundle_size,
    )
    locked = [(a.name, a.uuid) for a in run.live.values() if a.uuid]
    token = lock.acquire(client, locked)
    deadline = client.deadline
    timed_out: list[str] = []

    def time_is_up() -> None:
        timed_out.append(f"apply stopped: {deadline.describe()}")
        stop.request()

    try:
        records.save_before_apply(client, run.live, run.plan, run.records)
        with stop.during(), deadline.on_expiry(time_is_up):
            result = applier.apply(run.plan)
            done = {o.action.address for o in result.outcomes if o.status == "done"}
            retired = {o.action.uuid for o in result.outcomes if o.retired and o.action.uuid}
            with deadline.finishing():
                warnings = _record(client, run, done, targeted, retired)
    finally:
        with deadline.finishing():
            unlocked = lock.release(client, locked, token)
    return ApplyRun(
        run.plan,
        result,
        warnings=[*warnings, *unlocked],
        timed_out=timed_out[0] if timed_out else None,
    )


def force_unlock(accounts: Sequence[str], *, connection: Connection | None = None) -> list[str]:
    """Remove the apply locks of the accounts (by name or uuid) whoever holds them, after
    an apply that died; the holders that were removed, for the record."""
    with connect(connection or Connection()) as client:
        visible = client.list_all("/account/list", "accounts")
        found = []
        for name in accounts:
            raw = find_account(visible, AccountRead(name, (), lambda kind, obj: False))
            if raw is not None:  # an AccountRead that may not be missing finds one or raises
                found.append((name, str(raw["uuid"])))
        return lock.force_unlock(client, found)


def drift(
    path: str | Path,
    *,
    accounts: Sequence[str] = (),
    targets: Sequence[str] = (),
    include_unmanaged: bool = False,
    connection: Connection | None = None,
) -> DriftReport:
    """Where live state differs from the config at ``path``, and why (from the records
    apply leaves in Ambra); changes nothing."""
    path = Path(path)
    config = load_config(path)
    with connect(connection or Connection()) as client:
        run = make_plan(config, client, accounts=accounts, targets=targets, config_path=path)
        login = client.settings.login
    return build_report(
        run.plan,
        run.live,
        run.records,
        login=login,
        config_path=str(path),
        include_unmanaged=include_unmanaged,
        kind_order=[k.name for k in KINDS],
    )


def adopt(
    path: str | Path,
    *,
    accounts: Sequence[str] = (),
    targets: Sequence[str] = (),
    dry_run: bool = False,
    new: bool = False,
    connection: Connection | None = None,
) -> Adoption:
    """Write the live values of drifted objects of ``accounts`` (all when none; only
    ``targets``, ``kind/name``, when given) into the files of the config at ``path`` where
    they are defined, keeping everything else of the files as written (docs/adopt.md);
    with ``dry_run`` nothing is written; with ``new``, live objects no file defines are
    appended to the account's own list of their kind, where it has one. Every account
    is read: a value in a shared block is adopted only when all accounts that include it
    have it live. What cannot be
    adopted is in ``not_adopted``, with why; the new texts are validated before any file
    is written, and either all are written or none."""
    path = Path(path)
    config = load_config(path)
    choose_accounts(config, accounts)
    with connect(connection or Connection()) as client:
        run = make_plan(config, client, config_path=path)
    raw = read_raw(path)
    adoption = decide(
        run.plan, config, raw, accounts=accounts, targets=targets, records=run.records, new=new
    )
    if new:
        add_new(
            run.plan, run.live, raw, catalogue().specs, adoption, accounts=accounts, targets=targets
        )
    adoption.dry_run = dry_run
    adoption.files = new_texts(adoption.writes)
    check_valid(path, adoption.files)
    if not dry_run:
        save(adoption.files)
    return adoption


def export(
    account: str,
    out: str | Path,
    *,
    kinds: Sequence[str] = EXPORTABLE,
    force: bool = False,
    connection: Connection | None = None,
) -> ExportRun:
    """Write the live configuration of ``account`` (name or uuid) as YAML files under
    ``out``, one per kind of ``kinds`` (names from ``EXPORTABLE``); files that exist and
    are not empty are overwritten only with ``force``."""
    cat = catalogue()
    with connect(connection or Connection()) as client:
        live = read_snapshot(client, account, kinds, cat)
        source = client.settings.url
    out = Path(out)
    exported = export_account(live, kinds, cat.specs)
    strays = other_yaml(out, exported)
    written = write_export(exported, out, source=source, force=force)
    return ExportRun(exported, out, written, strays)


def compare(
    source: str,
    target: str,
    *,
    config: str | Path | None = None,
    kinds: Sequence[str] = EXPORTABLE,
    connection: Connection | None = None,
    target_connection: Connection | None = None,
) -> Plan:
    """What would change to make the live account ``target`` like ``source``, as a plan of
    ``target``; changes nothing (docs/compare.md).

    ``source`` is a live account (name or uuid; only its ``kinds``, names from
    ``EXPORTABLE``), compared as ``export`` writes it, objects only ``target`` has to be
    deleted; or, with ``config``, that config's account called ``source``, compared as a
    plan of it would be. ``target_connection`` reaches ``target`` on another Ambra (the
    default: the same session as ``source``).
    """
    path = None if config is None else Path(config)
    if path is not None:
        desired = from_config(load_config(path), source, target)
        with connect(target_connection or connection or Connection()) as client:
            return make_plan(desired, client, config_path=path, comparing=True).plan
    cat = catalogue()
    with connect(connection or Connection()) as client:
        live = read_snapshot(client, source, kinds, cat)
        desired = from_live(live, target, kinds, cat.specs, source=client.settings.url)
        if target_connection is None:
            return quiet_creates(make_plan(desired, client, comparing=True).plan, cat.specs)
    with connect(target_connection) as other:
        return quiet_creates(make_plan(desired, other, comparing=True).plan, cat.specs)


def clone(
    source: str,
    target: str,
    out: str | Path | None = None,
    *,
    share_codes: str = DEFAULT_SHARE_CODES,
    into_existing: bool = False,
    overwrite: bool = False,
    dry_run: bool = False,
    ask_secret: Callable[[Placeholder], str | None] | None = None,
    force: bool = False,
    allow_dangerous: Collection[str] = (),
    on_plan: Callable[[Plan], None] | None = None,
    confirm: Callable[[Plan], bool] | None = None,
    progress: Callable[[str], None] | None = None,
    stop: Stop | None = None,
    connection: Connection | None = None,
    target_connection: Connection | None = None,
) -> CloneRun:
    """Clone the live account ``source`` into ``target`` (docs/clone.md): write the config
    of ``target`` into ``out`` (default ``./<target slug>``), then plan and apply it as
    ``apply`` would (``force``, ``allow_dangerous``, ``on_plan``, ``confirm``...), in one
    apply even when ``target`` is to be created. With ``dry_run`` it writes and plans only.

    Share codes are rewritten by the ``share_codes`` template (``{code}``, ``{account}``);
    secrets come from the environment or ``ask_secret`` (``MissingSecrets`` otherwise,
    before anything is written). Refused before anything is written: an ``out`` that is
    not empty (unless ``overwrite``), a ``target`` that exists and holds objects of its
    own (unless ``into_existing``), and ``target`` being ``source``.
    ``target_connection`` reaches ``target`` on another Ambra."""
    cat = catalogue()
    folder = Path(out) if out is not None else default_out(target)
    check_template(share_codes)
    check_out(folder, overwrite=overwrite)

    def into(client: AmbraClient, live: LiveAccount, origin: str) -> CloneRun:
        existing = read_accounts(
            client,
            [AccountRead(target, cloned_kinds(EXPORTABLE, cat.specs), _no_companions, create=True)],
            cat,
        )[target]
        check_target(
            existing,
            live,
            cat.specs,
            into_existing=into_existing,
            other_server=target_connection is not None,
        )
        made = make_clone(
            live,
            target,
            EXPORTABLE,
            cat.specs,
            template=share_codes,
            create=existing is None,
            creator=client.settings.login,
        )
        secrets = secret_values(made, os.environ, ask_secret)
        strays = other_yaml(folder, made.export)
        written = write_export(
            made.export, folder, source=origin, force=overwrite, command="ambraconf clone"
        )
        config = load_config(folder, env={**os.environ, **secrets})
        try:
            run = make_plan(config, client, config_path=folder)
        except PlanError as exc:
            raise PlanError(exc.message, hint=_unplanned_clone(folder, target)) from exc
        if dry_run:
            if on_plan is not None:
                on_plan(run.plan)
            return CloneRun(made, folder, written, strays, ApplyRun(run.plan), dry_run=True)
        applied = _carry_out(
            client,
            run,
            targeted=False,
            reviewed=False,
            force=force,
            allow_dangerous=allow_dangerous,
            on_plan=on_plan,
            confirm=confirm,
            progress=progress,
            stop=stop,
        )
        return CloneRun(made, folder, written, strays, applied)

    with connect(connection or Connection()) as client:
        live = read_snapshot(client, source, EXPORTABLE, cat)
        origin = f"{live.name} at {client.settings.url}"
        if target_connection is None:
            return into(client, live, origin)
    with connect(target_connection) as other:
        return into(other, live, origin)


def _unplanned_clone(folder: Path, target: str) -> str:
    """What to do when the clone's files name what the target lacks (most often a gateway,
    which is installed on site, never by ambraconf): the files are written, nothing made."""
    return (
        f"the config is written to {folder} and nothing was changed: make what it names in "
        f"{target} (install the gateway under that name), or delete what names it from the "
        f"files to clone the rest now; then run: ambraconf apply {folder}"
    )


def _no_companions(kind: str, obj: LiveObject) -> bool:
    """Whether to read an object's companion fields: a look at a clone's target needs
    only which objects it has."""
    return False


def _plan(
    path: Path, client: AmbraClient, accounts: Sequence[str], targets: Sequence[str]
) -> PlanRun:
    config = load_config(path)
    return make_plan(config, client, accounts=accounts, targets=targets, config_path=path)


def _record(
    client: AmbraClient,
    run: PlanRun,
    done: set[str],
    targeted: bool,
    retired: set[str] | None = None,
) -> list[str]:
    """Leave in Ambra what this apply made true, so drift can tell an out-of-band change
    from one pending apply, and which old objects of replaces are still to delete
    (``records``); ``retired`` are the uuids of the objects it deleted."""
    return records.save_after_apply(
        client, run.live, run.plan, done, run.records, targeted=targeted, retired=retired or ()
    )
