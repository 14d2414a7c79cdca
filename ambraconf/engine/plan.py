"""The plan: data first (a versioned JSON document), text second.

A plan is what a reviewer reads and what a saved-plan apply re-checks, so it carries
everything needed to act on it later: each action's account, kind, name and uuid, the
field-level changes, the reason, its dependency level, and a fingerprint of the live
objects it was computed from.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from ambraconf.version import __version__

FORMAT_VERSION = 1
SECRET_MASK = "(sensitive value)"

Op = Literal["create", "update", "replace", "delete", "noop"]
OPS: tuple[Op, ...] = ("create", "update", "replace", "delete", "noop")
Cause = Literal[
    "created",
    "recreated",
    "changed",
    "renamed",
    "replaced",
    "repointed",
    "retired",
    "pruned",
    "matches",
]
"""Why an action is in the plan, for code to act on; ``reason`` says it for people.

created: not live; recreated: not live, though the last apply made or matched it (deleted
outside ambraconf); changed: managed fields differ; renamed: ``renamed_from`` names it;
replaced: an add-only field changed; repointed: it names an object being replaced;
retired: the old object of a replace an earlier apply did not finish, deleted now;
pruned: live, in no file, and pruning is on; matches: nothing to do.
"""


@dataclass(slots=True)
class FieldChange:
    """One managed field whose live value differs from the desired one."""

    path: str
    before: Any
    after: Any
    secret: bool = False
    note: str | None = None

    def masked(self) -> FieldChange:
        """The change as it may be shown or saved: secrets never leave."""
        if not self.secret:
            return self
        before = SECRET_MASK if self.before is not None else None
        return FieldChange(self.path, before, SECRET_MASK, True, self.note)


@dataclass
class Hazard:
    """A dangerous change an action makes (``kinds.danger``): its class, why, the values
    that make it so, and the reason the files give for it when they acknowledge it
    (``dangerous_ok:``)."""

    change: str
    what: str
    paths: list[str] = field(default_factory=list)
    acknowledged: str | None = None


@dataclass
class Violation:
    """A planned action a policy forbids (``engine.policy``): the policy, where it is
    written, the action, and where the object is written when a file defines it."""

    policy: str
    policy_at: str
    address: str
    op: str
    message: str
    object_at: str | None = None


@dataclass(slots=True)
class Action:
    """One thing apply would do to one object; slots, since a plan of many accounts holds
    100,000 of them."""

    op: Op
    account: str
    kind: str
    name: str
    reason: str
    uuid: str | None = None
    level: int = 0
    changes: list[FieldChange] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    depends_on: list[str] = field(default_factory=list)
    desired: dict[str, Any] | None = None
    secret_fields: tuple[str, ...] = ()
    cause: Cause = "changed"
    key: dict[str, str] = field(default_factory=dict)
    """The natural key by field, as ``KindSpec.key_parts`` gives it (for programs)."""
    resets: dict[str, Any] = field(default_factory=dict)
    """Under ``exact``: keys of merged hashes the files do not list, at their off value."""
    hazards: list[Hazard] = field(default_factory=list)
    preview: str | None = None
    """What a dry run of the object says (or why there is none), for kinds that declare one
    (``KindSpec.preview``); reported apart from the changes, as a preview."""
    renamed_from: str | None = None
    """The name the config says the object had (``renamed_from:``): apply records which
    live object it is, so that later plans recognise the rename as done (``records``)."""
    deferred: dict[str, list[str]] = field(default_factory=dict)
    """Fields of a create left out of its add and sent in a set at the end of the apply,
    each with the addresses of the objects it names that are made later in the run
    (``Reference.deferrable``: a new account's default role, made inside the account)."""

    def __post_init__(self) -> None:
        # a kind declares secrets by path (auth.basic.password, auth.bearer), and an
        # action names the top-level fields they sit in: each once
        self.secret_fields = tuple(dict.fromkeys(self.secret_fields))

    @property
    def address(self) -> str:
        """A stable, human-readable handle: ``account/kind/name``."""
        return f"{self.account}/{self.kind}/{self.name}"

    def names(self) -> dict[str, Any]:
        """The object in parts next to its joined ``address``, as every JSON document that
        names an action's object gives it: the address alone is ambiguous when a name (or
        the account's) holds a ``/``."""
        return {
            "address": self.address,
            "account": self.account,
            "kind": self.kind,
            "key": self.key,
        }

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["address"] = self.address
        data["changes"] = [asdict(c.masked()) for c in self.changes]
        if self.desired is not None:
            data["desired"] = {
                k: SECRET_MASK if k in self.secret_fields else v for k, v in self.desired.items()
            }
        return data


@dataclass
class Plan:
    """Every action for every account, in apply order, with what they were computed from."""

    url: str
    actions: list[Action] = field(default_factory=list)
    unmanaged: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    unmanaged_keys: dict[str, dict[str, dict[str, dict[str, str]]]] = field(default_factory=dict)
    """The natural key by field of each unmanaged object (account, kind, name): what a
    drift report names it by for programs, as ``Action.key`` does for the others."""
    fingerprints: dict[str, str] = field(default_factory=dict)
    accounts: list[str] = field(default_factory=list)
    created_at: str = ""
    config_revision: str | None = None
    config_files: dict[str, str] = field(default_factory=dict)
    """The SHA-256 of every file the config was read from, by path relative to the config
    (``config.sources``): what a saved plan checks the files against when it is applied."""
    violations: list[Violation] = field(default_factory=list)
    """Actions the config's policies forbid: such a plan is shown but never applied."""

    def counts(self) -> dict[str, int]:
        totals: dict[str, int] = dict.fromkeys(OPS, 0)
        for action in self.actions:
            totals[action.op] += 1
        return totals

    @property
    def has_changes(self) -> bool:
        return any(a.op != "noop" for a in self.actions)

    @property
    def dangerous(self) -> list[Action]:
        """The actions making dangerous changes, in apply order: what a reviewer reads first."""
        return [a for a in self.actions if a.hazards]

    def summary(self) -> str:
        """Terraform's closing line: ``3 to create, 2 to update, 0 to delete``."""
        c = self.counts()
        parts = [f"{c['create']} to create", f"{c['update']} to update"]
        if c["replace"]:
            parts.append(f"{c['replace']} to replace")
        parts.append(f"{c['delete']} to delete")
        return ", ".join(parts)

    def to_json(self) -> dict[str, Any]:
        return {
            "format_version": FORMAT_VERSION,
            "ambraconf_version": __version__,
            "created_at": self.created_at,
            "url": self.url,
            "accounts": self.accounts,
            "config_revision": self.config_revision,
            "config_files": self.config_files,
            "summary": self.counts(),
            "dangerous": [
                {**a.names(), **asdict(hazard)} for a in self.dangerous for hazard in a.hazards
            ],
            "violations": [asdict(v) for v in self.violations],
            "actions": [a.to_json() for a in self.actions],
            "unmanaged": self.unmanaged,
            "fingerprints": self.fingerprints,
        }


def fingerprint(live_object: dict[str, Any]) -> str:
    """A digest of one live object as read, so a saved plan can tell whether it moved."""
    text = json.dumps(live_object, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]
