"""The steps every live command shares: pick accounts, read live state, make the plan."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ambraconf.api.client import AmbraClient
from ambraconf.config.desired import Config, DesiredAccount
from ambraconf.config.errors import UserError
from ambraconf.engine import policy
from ambraconf.engine.live import LiveAccount
from ambraconf.engine.plan import Action, Plan
from ambraconf.engine.planner import NamedBy, plan_account
from ambraconf.engine.read import Catalogue, read_live
from ambraconf.engine.records import ApplyRecord
from ambraconf.engine.refs import RefIndex
from ambraconf.gc_tuning import collector_paused
from ambraconf.kinds import BY_NAME
from ambraconf.kinds.codec import as_flag


def catalogue() -> Catalogue:
    """The registered kinds: every kind a config can name is one (those it may name without
    defining them are ``nameable_unmanaged``)."""
    return Catalogue(BY_NAME)


@dataclass
class PlanRun:
    """A plan, the live state it was computed from (apply needs both), and the records of
    the last apply to each account (drift needs them)."""

    plan: Plan
    live: dict[str, LiveAccount] = field(default_factory=dict)
    records: dict[str, ApplyRecord | None] = field(default_factory=dict)


def choose_accounts(config: Config, names: Sequence[str]) -> list[DesiredAccount]:
    """The accounts ``--account`` names (all when none), or an error naming the choices."""
    if not names:
        return list(config.accounts)
    chosen = []
    for name in names:
        account = config.account(name)
        if account is None:
            known = ", ".join(repr(a.name) for a in config.accounts)
            raise UserError(f"the config has no account {name!r}", hint=f"accounts: {known}")
        chosen.append(account)
    return chosen


@collector_paused()
def make_plan(
    config: Config,
    client: AmbraClient,
    *,
    accounts: Sequence[str] = (),
    targets: Sequence[str] = (),
    config_path: Path | None = None,
    comparing: bool = False,
) -> PlanRun:
    """The plan of ``config`` against live state. ``comparing`` (compare, which never
    applies) lets references to live-only objects the account lacks through as
    differences (``plan_account``'s ``dangling_ok``), and leaves out the records of the last
    apply: they tell about the account's own config, not about the one compared with it."""
    chosen = choose_accounts(config, accounts)
    cat = catalogue()
    live, applied = read_live(client, chosen, cat, with_records=not comparing)
    missing = [desired for desired in chosen if live[desired.name] is None]
    if missing:
        check_may_create(client, missing[0])
    plan = Plan(
        url=client.settings.url,
        accounts=[a.name for a in chosen],
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        config_revision=config_revision(config_path),
        config_files=config.sources.relative_to(config_path) if config_path else {},
    )
    names = NamedBy(cat.specs)
    for desired in chosen:
        state = live[desired.name]
        if state is None:
            state = live[desired.name] = new_account(desired)
        record = applied.get(desired.name)
        actions, unmanaged, fingerprints = plan_account(
            desired,
            state,
            cat.specs,
            record.merged_keys if record else None,
            frozenset(record.objects) if record else frozenset(),
            record.retiring if record else None,
            record.renamed if record else None,
            dangling_ok=comparing,
            names=names,
        )
        plan.actions.extend(actions)
        if unmanaged:
            plan.unmanaged[desired.name] = {kind: list(keys) for kind, keys in unmanaged.items()}
            plan.unmanaged_keys[desired.name] = unmanaged
        plan.fingerprints.update(fingerprints)
    if targets:
        plan.actions = select_targets(plan.actions, targets)
    policy.check_plan(plan, config)
    return PlanRun(plan, {k: v for k, v in live.items() if v is not None}, applied)


def check_may_create(client: AmbraClient, desired: DesiredAccount) -> None:
    """Only a sysadmin may add accounts, so that is checked before any change, once for
    all the accounts a config asks to create (``desired``, the first, is the one named)."""
    user = client.call("/session/user")
    if not as_flag(user.get("sysadmin")):
        raise UserError(
            f"account {desired.name!r} does not exist and only a sysadmin can create it "
            f"({desired.mark})",
            hint="log in as a sysadmin, or create the account in Ambra first",
        )


def new_account(desired: DesiredAccount) -> LiveAccount:
    """An account the config asks to create (``create: true``): empty live state to plan
    against."""
    return LiveAccount(desired.name, "", {}, RefIndex(desired.name))


def select_targets(actions: list[Action], targets: Sequence[str]) -> list[Action]:
    """``--target KIND/NAME``: those actions and the ones they depend on, as in Terraform."""
    wanted = {t.casefold() for t in targets}
    by_address = {a.address: a for a in actions}
    keep: set[str] = set()
    queue = [a.address for a in actions if f"{a.kind}/{a.name}".casefold() in wanted]
    if not queue:
        known = ", ".join(sorted({f"{a.kind}/{a.name}" for a in actions})[:20])
        raise UserError(
            f"no object matches --target {', '.join(targets)}", hint=f"objects: {known}"
        )
    while queue:
        address = queue.pop()
        if address in keep:
            continue
        keep.add(address)
        queue.extend(d for d in by_address[address].depends_on if d in by_address)
    return [a for a in actions if a.address in keep]


def config_revision(path: Path | None) -> str | None:
    """The git commit of the config, so reports say which revision they compared; with
    ``+dirty`` when the files differ from that commit (a plan of uncommitted edits)."""
    if path is None:
        return None
    folder = path if path.is_dir() else path.parent
    commit = _git(folder, "rev-parse", "--short", "HEAD")
    if not commit:
        return None
    changed = _git(folder, "status", "--porcelain", "--", str(path.resolve()))
    return f"{commit}+dirty" if changed else commit


def _git(folder: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(folder), *args],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None
