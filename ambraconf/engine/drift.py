"""Drift: where live state has wandered from the files, and whether git or live moved.

A drift report is a read-only plan read the other way round. An object to create is
*missing live*; one to update or replace *differs*, field by field (value in git, value
live); live objects no file mentions are *not in git*, in a section of their own that
counts as drift only when asked (``include_unmanaged``) or when pruning is on for the kind
(then apply would delete them, so live state is not what the files enforce).

Each drifted object is also given a cause, from the apply record of its account (see
``records``): if the desired values are those last applied, git has not moved since, so the
change was made *outside* ambraconf; if they differ, or the object was never applied, the
difference is *pending* apply of the current revision. With no record at all the cause is
*unknown*. The data here is what every format renders; no format decides anything.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from ambraconf.engine.live import LiveAccount
from ambraconf.engine.plan import Action, FieldChange, Plan
from ambraconf.engine.records import ApplyRecord
from ambraconf.version import __version__

FORMAT_VERSION = 1

Status = Literal["differs", "missing", "not_in_git"]
Cause = Literal["outside", "pending", "unknown"]

STATUS_OF_OP: Mapping[str, Status] = {
    "create": "missing",
    "update": "differs",
    "replace": "differs",
    "delete": "not_in_git",
}
STATUSES: tuple[Status, ...] = ("differs", "missing", "not_in_git")
CAUSE_LABELS: Mapping[Cause, str] = {
    "outside": "changed outside ambraconf",
    "pending": "pending apply",
    "unknown": "no apply recorded",
}


@dataclass
class Difference:
    """One managed field: its value in git and live (secrets already masked)."""

    field: str
    git: Any
    live: Any
    secret: bool = False
    note: str | None = None

    @classmethod
    def of(cls, change: FieldChange) -> Difference:
        masked = change.masked()
        return cls(masked.path, masked.after, masked.before, masked.secret, masked.note)


@dataclass
class DriftItem:
    """One object that is not as the files say (or is live and in no file)."""

    account: str
    kind: str
    name: str
    status: Status
    counted: bool
    uuid: str | None = None
    cause: Cause | None = None
    explanation: str = ""
    differences: list[Difference] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    key: dict[str, str] = field(default_factory=dict)
    """The natural key by field (``Action.key``), for programs."""

    @property
    def address(self) -> str:
        return f"{self.account}/{self.kind}/{self.name}"

    @property
    def cause_label(self) -> str:
        """A few words for titles: ``changed outside ambraconf``, ``pending apply``."""
        if self.cause == "outside" and self.status == "missing":
            return "deleted outside ambraconf"
        return CAUSE_LABELS[self.cause] if self.cause else ""

    def to_json(self) -> dict[str, Any]:
        return {
            "address": self.address,
            "account": self.account,
            "kind": self.kind,
            "key": self.key,
            "name": self.name,
            "uuid": self.uuid,
            "status": self.status,
            "counted": self.counted,
            "cause": self.cause,
            "explanation": self.explanation,
            "differences": [vars(d) for d in self.differences],
            "notes": self.notes,
        }


@dataclass
class LastApply:
    """What the apply record says, without its digests."""

    revision: str | None
    applied_at: str
    complete: bool

    def describe(self) -> str:
        revision = f"revision {self.revision}" if self.revision else "a config outside git"
        partial = "" if self.complete else " (partial)"
        return f"{revision} at {self.applied_at}{partial}"


@dataclass
class AccountDrift:
    name: str
    uuid: str
    last_apply: LastApply | None
    items: list[DriftItem] = field(default_factory=list)
    in_sync: dict[str, list[str]] = field(default_factory=dict)
    """Names of the objects whose managed fields match, by kind."""
    order: list[str] = field(default_factory=list)
    """The kinds with anything to report, in report order."""

    @property
    def drifted(self) -> list[DriftItem]:
        return [i for i in self.items if i.counted]

    def kinds(self) -> list[str]:
        """Kinds with anything to say, in report order."""
        return self.order

    def counts(self, kind: str | None = None) -> dict[str, int]:
        """``in_sync``, ``differs``, ``missing``, ``not_in_git`` and ``drifted`` counts."""
        items = [i for i in self.items if kind is None or i.kind == kind]
        totals = {"in_sync": sum(len(n) for k, n in self.in_sync.items() if kind in (None, k))}
        totals.update({status: sum(1 for i in items if i.status == status) for status in STATUSES})
        totals["drifted"] = sum(1 for i in items if i.counted)
        return totals

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "uuid": self.uuid,
            "last_apply": vars(self.last_apply) if self.last_apply else None,
            "summary": self.counts(),
            "kinds": {kind: self.counts(kind) for kind in self.kinds()},
            "objects": [i.to_json() for i in self.items],
            "in_sync": self.in_sync,
        }


@dataclass
class DriftReport:
    """Everything a drift report says, in every format."""

    url: str
    created_at: str
    login: str | None
    config_path: str
    config_revision: str | None
    include_unmanaged: bool
    accounts: list[AccountDrift] = field(default_factory=list)

    @property
    def drifted(self) -> list[DriftItem]:
        return [i for a in self.accounts for i in a.drifted]

    @property
    def has_drift(self) -> bool:
        return bool(self.drifted)

    def counts(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for account in self.accounts:
            for name, n in account.counts().items():
                totals[name] = totals.get(name, 0) + n
        return totals

    def summary(self) -> str:
        """One line: ``Drift: 3 objects (1 differs, 1 missing live, 1 not in git).``"""
        c = self.counts() or dict.fromkeys(("in_sync", *STATUSES, "drifted"), 0)
        if not self.has_drift:
            extra = f"; {c['not_in_git']} live objects are in no file" if c["not_in_git"] else ""
            return (
                f"No drift: live state matches the configuration ({c['in_sync']} objects{extra})."
            )
        parts = [
            f"{c['differs']} {'differs' if c['differs'] == 1 else 'differ'}",
            f"{c['missing']} missing live",
        ]
        counted_extra = sum(1 for i in self.drifted if i.status == "not_in_git")
        if counted_extra:
            parts.append(f"{counted_extra} not in git")
        noun = "object" if c["drifted"] == 1 else "objects"
        return f"Drift: {c['drifted']} {noun} ({', '.join(parts)})."

    def to_json(self) -> dict[str, Any]:
        return {
            "format_version": FORMAT_VERSION,
            "ambraconf_version": __version__,
            "created_at": self.created_at,
            "url": self.url,
            "login": self.login,
            "config_path": self.config_path,
            "config_revision": self.config_revision,
            "include_unmanaged": self.include_unmanaged,
            "drift": self.has_drift,
            "summary": self.counts(),
            "accounts": [a.to_json() for a in self.accounts],
        }


def build_report(
    plan: Plan,
    live: Mapping[str, LiveAccount],
    records: Mapping[str, ApplyRecord | None],
    *,
    login: str | None,
    config_path: str,
    include_unmanaged: bool = False,
    kind_order: Sequence[str] = (),
) -> DriftReport:
    """The drift report of a plan made (and never applied) against live state; objects are
    listed by kind in ``kind_order`` (others first: the account itself), then by name."""
    report = DriftReport(
        url=plan.url,
        created_at=plan.created_at,
        login=login,
        config_path=config_path,
        config_revision=plan.config_revision,
        include_unmanaged=include_unmanaged,
    )
    rank = {kind: number for number, kind in enumerate(kind_order)}
    for name in plan.accounts:
        record = records.get(name)
        last = LastApply(record.revision, record.applied_at, record.complete) if record else None
        account = AccountDrift(name, live[name].uuid if name in live else "", last)
        for action in (a for a in plan.actions if a.account == name):
            if action.op == "noop":
                account.in_sync.setdefault(action.kind, []).append(action.name)
            else:
                account.items.append(_item(action, record, plan.config_revision))
        for kind, names in plan.unmanaged.get(name, {}).items():
            account.items.extend(
                DriftItem(
                    name,
                    kind,
                    object_name,
                    "not_in_git",
                    counted=include_unmanaged,
                    key=plan.unmanaged_keys.get(name, {}).get(kind, {}).get(object_name, {}),
                )
                for object_name in sorted(names, key=str.casefold)
            )
        account.items.sort(key=lambda i: (rank.get(i.kind, -1), i.status, i.name.casefold()))
        present = {*account.in_sync, *(i.kind for i in account.items)}
        account.order = sorted(present, key=lambda kind: rank.get(kind, -1))
        account.in_sync = {
            k: sorted(account.in_sync[k], key=str.casefold)
            for k in account.order
            if k in account.in_sync
        }
        report.accounts.append(account)
    return report


def _item(action: Action, record: ApplyRecord | None, revision: str | None) -> DriftItem:
    status = STATUS_OF_OP[action.op]
    if status == "not_in_git":
        return DriftItem(
            action.account,
            action.kind,
            action.name,
            status,
            counted=True,
            uuid=action.uuid,
            explanation=f"apply would delete it: {action.reason}",
            key=action.key,
        )
    cause, explanation = _cause(action, record, revision)
    notes = list(action.notes)
    if action.op == "replace":
        notes.append(f"apply would replace it: {action.reason}")
    return DriftItem(
        action.account,
        action.kind,
        action.name,
        status,
        counted=True,
        uuid=action.uuid,
        cause=cause,
        explanation=explanation,
        differences=[Difference.of(c) for c in action.changes if action.op != "create"],
        notes=notes,
        key=action.key,
    )


def _cause(action: Action, record: ApplyRecord | None, revision: str | None) -> tuple[Cause, str]:
    """Whether git or live state moved since the last apply, and how to say so (the
    account's heading says when that apply was, or that there was none)."""
    if record is None:
        return "unknown", ""
    matches = record.matches(action)
    if matches:
        moved = "deleted" if action.op == "create" else "changed"
        return (
            "outside",
            f"{moved} outside ambraconf since the last apply (the config has not changed)",
        )
    current = f"revision {revision}" if revision else "the current config"
    why = "not applied yet" if matches is None else "changed in the config since the last apply"
    return "pending", f"pending apply of {current}: {why}"
