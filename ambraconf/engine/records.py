"""Apply records: what ambraconf last wrote to each account, kept in Ambra itself.

Without them a drift report cannot tell a change made in the web UI from a change merged in
git and not applied yet: both are a difference between the files and live state. So apply
leaves, per account, the config revision it applied, when, and a digest of the desired
values of every object it wrote or found matching. Drift compares the digest of today's
desired values with the recorded one: equal means git has not moved, so live state did.

The record lives in the API's per-user key-value store (``/setting/set``, ``/setting/get``),
under one key per account uuid, as JSON text. No state file to keep, and nothing secret in
it: digests are keyed hashes (HMAC-SHA256 with a random per-account salt, cut to 64 bits)
of the desired values, so a secret cannot be read back from them.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Collection, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from ambraconf.api.client import AmbraClient, BundleResult
from ambraconf.api.errors import AmbraError
from ambraconf.config.errors import UserError
from ambraconf.engine.live import LiveAccount
from ambraconf.engine.plan import Action, Plan
from ambraconf.kinds import BY_NAME

RECORD_VERSION = 1
KEY_PREFIX = "ambraconf.applied."
"""The store's key is this plus the account uuid (names change; uuids do not)."""

WRITTEN = ("create", "update", "replace")


@dataclass
class ApplyRecord:
    """The last apply to one account: revision, time, and a digest per object.

    ``objects`` maps ``kind/name`` (the action's address inside the account) to the digest
    of the desired values that live state was made to match. ``merged_keys`` keeps, per
    object, the keys it set in hashes the API merges (settings, permissions): names only,
    so a later plan can say when a key left the config but keeps its live value.
    ``complete`` is false when the apply was targeted or some actions failed: then only
    the objects done were updated. ``retiring`` maps the uuid of each old object of a
    replace that is not known to be deleted yet to its ``kind/name``: written before the
    replace's add is sent, so that a plan after an apply that died between the add and the
    delete can tell the old object from its replacement (both have one name) and finish
    the replace (``planner``), instead of stopping at two live objects with one name.
    ``renamed`` maps the ``kind/name`` of each object the config renames (``renamed_from``)
    to the uuid of the live object it names: written before the rename is sent and kept
    while the config declares it, so that a plan after a chain of renames or a swap (done,
    or cut short) matches each object by uuid, where names alone cannot tell done from
    not done.
    """

    revision: str | None
    applied_at: str
    complete: bool
    salt: str
    objects: dict[str, str] = field(default_factory=dict)
    merged_keys: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    retiring: dict[str, str] = field(default_factory=dict)
    renamed: dict[str, str] = field(default_factory=dict)
    version: int = RECORD_VERSION

    def digest(self, values: Mapping[str, Any] | None) -> str:
        return digest(self.salt, values)

    def matches(self, action: Action) -> bool | None:
        """Whether ``action``'s desired values are those last applied (None: never applied)."""
        recorded = self.objects.get(local_address(action))
        if recorded is None:
            return None
        return hmac.compare_digest(recorded, self.digest(action.desired))

    def to_text(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"), sort_keys=True)

    @classmethod
    def from_text(cls, text: str | None) -> ApplyRecord | None:
        """The record in the store's value; None when there is none or it is not ours."""
        try:
            data = json.loads(text or "")
        except ValueError:
            return None
        if not isinstance(data, dict) or data.get("version") != RECORD_VERSION:
            return None
        try:
            return cls(**data)
        except TypeError:
            return None


def key(account_uuid: str) -> str:
    return KEY_PREFIX + account_uuid


def local_address(action: Action) -> str:
    """An object's address inside its account (the record is per account)."""
    return f"{action.kind}/{action.name}"


def merged_keys(action: Action) -> dict[str, list[str]]:
    """The keys ``action`` sets in each hash its kind's API merges on set."""
    spec = BY_NAME.get(action.kind)
    hashes = spec.api.merged_hashes if spec and spec.api else frozenset()
    desired = action.desired or {}
    return {
        name: sorted(desired[name])
        for name in sorted(hashes)
        if isinstance(desired.get(name), dict)
    }


def digest(salt: str, values: Mapping[str, Any] | None) -> str:
    """A keyed hash of desired values: equal values, equal digest; the values stay unreadable."""
    text = json.dumps(values or {}, sort_keys=True, separators=(",", ":"), default=str)
    mac = hmac.new(salt.encode(), text.encode(), hashlib.sha256)
    return mac.hexdigest()[:16]


def get_call(account_uuid: str) -> tuple[str, dict[str, str]]:
    """The read of one account's record: it rides in the round of live-state lists
    (``engine.read``), so reading records costs no request of its own."""
    return ("/setting/get", {"key": key(account_uuid)})


def from_result(result: BundleResult) -> ApplyRecord | None:
    """The record a ``get_call`` read; None where apply never recorded one (the store
    refuses a key never set) or the value is not ours."""
    return ApplyRecord.from_text(result.data.get("value")) if result.ok and result.data else None


RETIRING = ("replace", "delete")
"""The ops whose ``uuid`` is an object on its way out."""


def retiring(
    previous: ApplyRecord | None,
    actions: Sequence[Action],
    retired: Collection[str],
    *,
    targeted: bool,
) -> dict[str, str]:
    """The old objects of replaces still to delete after an apply of ``actions``, of which
    the objects with uuids ``retired`` are known to be gone.

    The old objects of this plan's replaces, and those the plan set aside as left by an
    earlier replace (cause ``retired``). Earlier entries the plan did not set aside are
    gone already, or their replacement never appeared (then that object is simply the
    one the config manages again): an untargeted plan drops them; a targeted one, which
    may not have looked, keeps them.
    """
    kept = dict(previous.retiring) if previous else {}
    if not targeted:
        aside = {a.uuid for a in actions if a.cause == "retired"}
        kept = {uuid: address for uuid, address in kept.items() if uuid in aside}
    for action in actions:
        if action.uuid and (action.op == "replace" or action.cause == "retired"):
            kept[action.uuid] = local_address(action)
    return {uuid: address for uuid, address in kept.items() if uuid not in retired}


def renamed(
    previous: ApplyRecord | None, actions: Sequence[Action], *, targeted: bool
) -> dict[str, str]:
    """The live object of each object the config renames, by address: this plan's (the
    uuid it matched), and, after a targeted apply, the earlier ones it did not cover."""
    kept = dict(previous.renamed) if previous and targeted else {}
    kept.update(pinned(actions))
    return kept


def pinned(actions: Sequence[Action]) -> dict[str, str]:
    """``kind/name`` to uuid of the actions that rename, or keep renamed, a live object (a
    replace gives it a new uuid, which its name then finds)."""
    return {
        local_address(a): a.uuid
        for a in actions
        if a.renamed_from and a.uuid and a.op in ("update", "noop")
    }


def updated(
    previous: ApplyRecord | None,
    actions: Sequence[Action],
    done: set[str],
    *,
    revision: str | None,
    targeted: bool,
    retired: Collection[str] = (),
) -> ApplyRecord:
    """The record after an apply of ``actions`` (one account's), of which ``done`` (addresses)
    succeeded; noops count as done, since live state already matched them. ``retired``
    are the uuids of objects the apply deleted (see ``retiring``).

    Objects whose action failed or was skipped keep their previous digest. An untargeted
    plan covers every object the config holds, so entries for objects it no longer holds
    are dropped; a targeted one leaves them.
    """
    salt = previous.salt if previous else secrets.token_hex(8)
    objects = dict(previous.objects) if previous else {}
    merged = dict(previous.merged_keys) if previous else {}
    if not targeted:
        kept = {local_address(a) for a in actions if a.op != "delete"}
        objects = {address: d for address, d in objects.items() if address in kept}
        merged = {address: k for address, k in merged.items() if address in kept}
    for action in actions:
        if action.op != "noop" and action.address not in done:
            continue
        if action.op in (*WRITTEN, "noop"):
            objects[local_address(action)] = digest(salt, action.desired)
            merged[local_address(action)] = merged_keys(action)
        elif action.op == "delete":
            objects.pop(local_address(action), None)
            merged.pop(local_address(action), None)
    complete = not targeted and all(a.op == "noop" or a.address in done for a in actions)
    return ApplyRecord(
        revision=revision,
        applied_at=datetime.now(UTC).isoformat(timespec="seconds"),
        complete=complete,
        salt=salt,
        objects=objects,
        merged_keys={address: keys for address, keys in merged.items() if keys},
        retiring=retiring(previous, actions, retired, targeted=targeted),
        renamed=renamed(previous, actions, targeted=targeted),
    )


def save_before_apply(
    client: AmbraClient,
    live: Mapping[str, LiveAccount],
    plan: Plan,
    previous: Mapping[str, ApplyRecord | None],
) -> None:
    """Before a plan's first replace or rename is sent, record the old objects it will
    retire and the live objects it renames, so that an apply killed between an add and its
    delete, or in the middle of a swap, is finished by the next one.

    Nothing else in the record changes. If this cannot be written, the apply stops before
    changing anything: what an interrupted apply left could not be told apart.
    """
    calls = []
    for account in [live[name] for name in plan.accounts if name in live and live[name].uuid]:
        actions = [a for a in plan.actions if a.account == account.name]
        replaces = {a.uuid: local_address(a) for a in actions if a.op == "replace" and a.uuid}
        renames = pinned([a for a in actions if a.cause == "renamed"])
        if not replaces and not renames:
            continue
        before = previous.get(account.name)
        record = replace(before) if before else ApplyRecord(None, "", False, secrets.token_hex(8))
        record.retiring = {**record.retiring, **replaces}
        record.renamed = {**record.renamed, **renames}
        calls.append(("/setting/set", {"key": key(account.uuid), "value": record.to_text()}))
    if not calls:
        return
    try:
        for result in client.bundle(calls, idempotent=True):
            result.unwrap()
    except AmbraError as exc:
        raise UserError(
            f"could not record the replaces and renames this apply is about to make ({exc}); "
            "nothing was changed",
            hint="run apply again",
        ) from None


def save_after_apply(
    client: AmbraClient,
    live: Mapping[str, LiveAccount],
    plan: Plan,
    done: set[str],
    previous: Mapping[str, ApplyRecord | None],
    *,
    targeted: bool,
    retired: Collection[str] = (),
) -> list[str]:
    """Record what an apply made true, per account; returns warnings instead of raising.

    The apply has happened by now: failing to record it must not turn a good apply into an
    error. A missing record only makes later drift reports less precise. ``previous`` are
    the records read with the plan (none for accounts the apply created).
    """
    accounts = [live[name] for name in plan.accounts if name in live and live[name].uuid]
    try:
        calls = []
        for account in accounts:
            actions = [a for a in plan.actions if a.account == account.name]
            record = updated(
                previous.get(account.name),
                actions,
                done,
                revision=plan.config_revision,
                targeted=targeted,
                retired=retired,
            )
            calls.append(("/setting/set", {"key": key(account.uuid), "value": record.to_text()}))
        replies = client.bundle(calls, idempotent=True)  # the same value twice is harmless
        failed = [
            f"{a.name}: {r.error}" for a, r in zip(accounts, replies, strict=True) if not r.ok
        ]
    except AmbraError as exc:
        failed = [str(exc)]
    return [
        f"could not record the apply ({problem}); drift reports will not tell changes made "
        "outside ambraconf from changes pending apply"
        for problem in failed
    ]
