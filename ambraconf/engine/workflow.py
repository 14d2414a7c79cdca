"""The steps every live command shares: pick accounts, read live state, make the plan."""

from __future__ import annotations

import subprocess
from collections.abc import Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ambraconf.api.client import AmbraClient
from ambraconf.config.desired import Config, DesiredAccount
from ambraconf.config.errors import UserError
from ambraconf.engine import policy
from ambraconf.engine.live import LiveAccount, LiveObject
from ambraconf.engine.plan import Action, Plan
from ambraconf.engine.planner import NamedBy, plan_account
from ambraconf.engine.read import Catalogue, read_live_each
from ambraconf.engine.records import ApplyRecord
from ambraconf.engine.refs import RefIndex
from ambraconf.gc_tuning import collector_paused
from ambraconf.kinds import BY_NAME
from ambraconf.kinds.account_user import CREATOR_ROLE
from ambraconf.kinds.account_user import SPEC as ACCOUNT_USER_SPEC
from ambraconf.kinds.codec import as_flag

ACCOUNT_USER = ACCOUNT_USER_SPEC.name


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
    plan = Plan(
        url=client.settings.url,
        accounts=[a.name for a in chosen],
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        config_revision=config_revision(config_path),
        config_files=config.sources.relative_to(config_path) if config_path else {},
    )
    names = NamedBy(cat.specs)
    by_name = {desired.name: desired for desired in chosen}
    live: dict[str, LiveAccount] = {}
    applied: dict[str, ApplyRecord | None] = {}
    planned: dict[str, AccountPlan] = {}
    creator: dict[str, Any] | None = None
    reads = read_live_each(client, chosen, cat, with_records=not comparing)
    with closing(reads):
        for one in reads:
            desired = by_name[one.read.name]
            state = one.live
            if state is None:
                creator = creator or check_may_create(client, desired)
                state = new_account(desired, creator)
            live[desired.name] = state
            if one.has_record:
                applied[desired.name] = one.record
            planned[desired.name] = _plan_one(desired, state, one.record, cat, names, comparing)
            if one.live is None and creator:
                _note_creator(planned[desired.name][0], creator)
    for desired in chosen:
        actions, unmanaged, fingerprints = planned[desired.name]
        plan.actions.extend(actions)
        if unmanaged:
            plan.unmanaged[desired.name] = {kind: list(keys) for kind, keys in unmanaged.items()}
            plan.unmanaged_keys[desired.name] = unmanaged
        plan.fingerprints.update(fingerprints)
    if targets:
        plan.actions = select_targets(plan.actions, targets)
    policy.check_plan(plan, config)
    return PlanRun(plan, {d.name: live[d.name] for d in chosen}, applied)


AccountPlan = tuple[list[Action], dict[str, dict[str, dict[str, str]]], dict[str, str]]
"""What ``plan_account`` gives: actions, unmanaged objects, fingerprints."""


def _plan_one(
    desired: DesiredAccount,
    state: LiveAccount,
    record: ApplyRecord | None,
    cat: Catalogue,
    names: NamedBy,
    comparing: bool,
) -> AccountPlan:
    """One account's plan; then the raw rows of the live objects it leaves alone are
    dropped (only those an action changes are fingerprinted and sent back), so that a plan
    of many accounts holds the rows of the accounts still being read, not of all."""
    planned = plan_account(
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
    state.drop_raw_except({a.uuid for a in planned[0] if a.op != "noop" and a.uuid})
    return planned


def _note_creator(actions: Sequence[Action], creator: Mapping[str, Any]) -> None:
    """Say why an account not yet created has a member: the plan's user, whom its add
    makes one (``new_account``)."""
    for action in actions:
        if action.kind == ACCOUNT_USER and action.uuid == str(creator.get("uuid")):
            then = "" if action.op == "noop" else ": apply sets the membership after its add"
            action.notes.append(
                f"you ({creator.get('email')}) create the account, which makes you a member "
                f"as {CREATOR_ROLE}{then}"
            )


def check_may_create(client: AmbraClient, desired: DesiredAccount) -> dict[str, Any]:
    """Only a sysadmin may add accounts, so that is checked before any change, once for
    all the accounts a config asks to create (``desired``, the first, is the one named).
    Returns the session's user: the creator of those accounts."""
    user = client.call("/session/user")
    if not as_flag(user.get("sysadmin")):
        raise UserError(
            f"account {desired.name!r} does not exist and only a sysadmin can create it "
            f"({desired.mark})",
            hint="log in as a sysadmin, or create the account in Ambra first",
        )
    return user


def new_account(desired: DesiredAccount, creator: Mapping[str, Any] | None = None) -> LiveAccount:
    """An account the config asks to create (``create: true``): the live state it will
    have once added, to plan against. That is nothing but its ``creator`` (the session's
    user) as a member with ``CREATOR_ROLE``: ``/account/add`` makes them one, so a config
    listing them plans a set of their membership, not an add the API would refuse."""
    state = LiveAccount(desired.name, "", {}, RefIndex(desired.name))
    uuid, email = (creator or {}).get("uuid"), (creator or {}).get("email")
    if uuid and email:
        api = ACCOUNT_USER_SPEC.api
        raw = {api.uuid_field: str(uuid), api.name_field: str(email)}
        values = {ACCOUNT_USER_SPEC.name_key: str(email), "role": CREATOR_ROLE}
        state.objects[ACCOUNT_USER] = [LiveObject(ACCOUNT_USER, str(uuid), raw, values)]
        state.names.add(ACCOUNT_USER, str(email), str(uuid))
    return state


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
