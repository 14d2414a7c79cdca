"""Apply: carry out a plan level by level, each level's calls bundled together.

What apply promises: it does what the plan says and no more; a failed action stops the
actions that depend on it and nothing else; a create whose answer was lost is looked up by
its natural key before it is sent again, so a lost response never makes a duplicate.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from ambraconf.api.client import DEFAULT_BUNDLE_SIZE, AmbraClient
from ambraconf.api.errors import ApiError, ResponseLost, TransportError
from ambraconf.config.errors import UserError
from ambraconf.engine.exact import laid_under
from ambraconf.engine.live import LiveAccount, LiveObject
from ambraconf.engine.plan import Action, Plan
from ambraconf.gc_tuning import bulk_allocations
from ambraconf.kinds.apimap import ApiMap, Lock
from ambraconf.kinds.spec import KindSpec, Outside

MAX_ATTEMPTS = 3


class MissingOutside(UserError):
    """Objects the config links into an account that exist nowhere to link (grid users no
    one has created): found by the adds apply sends first, and undone, so nothing changed."""


class Stop:
    """A request from outside the apply (the CLI, on Ctrl-C) to stop it between bundles:
    the bundle in flight finishes, nothing more is sent, and the result says what was not
    started, so that the run can be recorded and reported instead of cut off mid-call.

    ``active`` is true only while an apply runs (``during``): before that there is nothing
    to finish, and whoever holds the stop can end the command at once instead."""

    def __init__(self) -> None:
        self._requested = threading.Event()
        self._active = threading.Event()

    def request(self) -> None:
        self._requested.set()

    @property
    def requested(self) -> bool:
        return self._requested.is_set()

    @property
    def active(self) -> bool:
        return self._active.is_set()

    @contextmanager
    def during(self) -> Iterator[None]:
        self._active.set()
        try:
            yield
        finally:
            self._active.clear()


NOT_STARTED = "not started"
"""The status of an action an interrupted apply never sent."""


@dataclass
class Outcome:
    """What happened to one action: ``pending`` until it is ``done``, ``failed``,
    ``skipped`` (something it depends on did not apply) or ``not started`` (interrupted)."""

    action: Action
    status: str = "pending"
    uuid: str | None = None
    error: str | None = None
    error_type: str | None = None
    error_subtype: Any = None
    reply: dict[str, Any] = field(default_factory=dict)
    retired: bool = False
    """The object the action deleted (a delete's, or a replace's old one) is known gone."""

    def to_json(self) -> dict[str, Any]:
        return {
            **self.action.names(),
            "name": self.action.name,
            "op": self.action.op,
            "status": self.status,
            "uuid": self.uuid,
            "error": self.error,
            "error_type": self.error_type,
            "error_subtype": self.error_subtype,
        }


@dataclass
class ApplyResult:
    outcomes: list[Outcome] = field(default_factory=list)
    interrupted: bool = False
    """Stopped on request (``Stop``) before every action was sent."""

    def count(self, status: str, ops: Sequence[str]) -> int:
        return sum(1 for o in self.outcomes if o.status == status and o.action.op in ops)

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    @property
    def skipped(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "skipped"]

    @property
    def not_started(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == NOT_STARTED]

    def summary(self) -> str:
        done = f"{self.count('done', ('create',))} created, "
        done += f"{self.count('done', ('update',))} updated, "
        if self.count("done", ("replace",)):
            done += f"{self.count('done', ('replace',))} replaced, "
        done += f"{self.count('done', ('delete',))} deleted"
        if self.interrupted:
            return (
                f"Apply interrupted: {done}; {len(self.failed)} failed, "
                f"{len(self.skipped)} skipped, {len(self.not_started)} not started"
            )
        if self.failed or self.skipped:
            return f"Apply failed: {done}; {len(self.failed)} failed, {len(self.skipped)} skipped"
        return f"Apply complete: {done}"


@dataclass
class _Call:
    outcome: Outcome
    path: str
    params: dict[str, str]
    phase: str


class Applier:
    """Sends a plan's actions for the accounts whose live state was read for it."""

    def __init__(
        self,
        client: AmbraClient,
        live: Mapping[str, LiveAccount],
        specs: Mapping[str, KindSpec],
        progress: Callable[[str], None] = lambda line: None,
        stop: Stop | None = None,
        bundle_size: int = DEFAULT_BUNDLE_SIZE,
    ) -> None:
        """``bundle_size`` is the client's: how many calls go to one ``/bundle``, which is
        how often a long step reports its progress."""
        self.client = client
        self.bundle_size = bundle_size
        self.live = live
        self.specs = specs
        self.progress = progress
        self.stop = stop or Stop()
        self._linked: set[int] = set()
        self._released: set[int] = set()

    @bulk_allocations()
    def apply(self, plan: Plan) -> ApplyResult:
        result = ApplyResult()
        outcomes = {a.address: Outcome(a) for a in plan.actions if a.op != "noop"}

        result.outcomes = list(outcomes.values())
        if self.stop.requested:
            return self._interrupted(result)
        self._link_first(result.outcomes, outcomes)
        levels = sorted({o.action.level for o in result.outcomes})
        for number, level in enumerate(levels, start=1):
            if self.stop.requested:
                return self._interrupted(result)
            batch = [
                o for o in result.outcomes if o.action.level == level and o.status == "pending"
            ]
            ready = []
            for outcome in batch:
                blocked = [
                    d
                    for d in outcome.action.depends_on
                    if d in outcomes and outcomes[d].status != "done"
                ]
                if blocked:
                    outcome.status = "skipped"
                    outcome.error = f"depends on {', '.join(blocked)}, which did not apply"
                else:
                    ready.append(outcome)
            self.progress(f"Level {number}/{len(levels)}: {_describe(ready)}")
            self._run_level(ready)
        if self.stop.requested:  # during the last level: said so, though nothing is left
            return self._interrupted(result)
        self._set_deferred(result.outcomes, outcomes)
        self._retire_replaced(result.outcomes)
        return result

    def _set_deferred(self, pending: list[Outcome], by_address: Mapping[str, Outcome]) -> None:
        """The fields creates left out of their adds (``Action.deferred``: a new account's
        default role), in one bundle once every level is done. One whose object it names
        did not apply is not sent, and its create is failed: the object exists, but
        without that field, which the next plan shows as a change to make."""
        calls = []
        for o in pending:
            deferred = o.action.deferred
            if o.status != "done" or not deferred or not o.uuid:
                continue
            missing = [a for w in deferred.values() for a in w if by_address[a].status != "done"]
            if missing:
                _fail(
                    o,
                    f"created without {', '.join(deferred)}, since {', '.join(missing)} did "
                    "not apply: run apply again to set it",
                )
                continue
            desired = laid_under(o.action.resets, o.action.desired or {})
            fields = {k: desired[k] for k in deferred if k in desired}
            names = self.live[o.action.account].names
            params = {
                **self._target(o.action, o.uuid),
                **self._api(o.action.kind).encode(fields, names),
            }
            calls.append(_Call(o, self._api(o.action.kind).set_path, params, "set"))
        if calls:
            self.progress(f"Setting {len(calls)} field(s) left out of adds")
            self._send(calls)

    def _interrupted(self, result: ApplyResult) -> ApplyResult:
        """Stop here: what was never sent is ``not started``; what was linked first is done,
        or half done if its level had more to send. The old objects of replaces already
        done are still deleted (one bundle), or the account would keep two objects with one
        name that the next plan could not tell apart."""
        result.interrupted = True
        linked = [o for o in result.outcomes if id(o) in self._linked and o.status == "pending"]
        self._half_done(linked, self._steps()[1:])
        for outcome in result.outcomes:
            if outcome.status == "pending":
                outcome.status = "done" if id(outcome) in self._linked else NOT_STARTED
            if outcome.status == "done" and outcome.action.deferred:
                fields = ", ".join(outcome.action.deferred)
                _fail(outcome, f"interrupted before {fields} was set: run apply again to set it")
        self._retire_replaced(result.outcomes)
        return result

    def _link_first(self, pending: list[Outcome], by_address: Mapping[str, Outcome]) -> None:
        """Adds that link an identity kept outside the account (``exists_outside``: a grid
        user) go before any other change, all in one bundle, because only the add can tell
        whether the identity exists. If any is refused as missing, the ones that linked are
        unlinked again and apply stops with every missing one named: nothing has changed.
        Those that wait for an object this run creates (a new role) go at their level."""
        first = [
            o
            for o in pending
            if o.action.op == "create"
            and self.specs[o.action.kind].exists_outside
            and not any(d in by_address for d in o.action.depends_on)
        ]
        if not first:
            return
        self.progress(f"Adding {len(first)} object(s) that must exist outside the account")
        self._send([c for c in (self._first_call(o) for o in first) if c is not None])
        missing = [o for o in first if o.error_type == self._outside(o).error]
        linked = [o for o in first if o.status == "pending" and o.uuid]
        if not missing:
            self._linked = {id(o) for o in linked}
            return
        self._send([self._delete(o, o.uuid, "delete") for o in linked])
        stuck = [o.action.address for o in linked if o.status == "failed"]
        named = ", ".join(f"{o.action.name!r} ({o.action.account})" for o in missing)
        kinds = {o.action.kind: self._outside(o) for o in missing}
        what = " or ".join(f"{self.specs[k].title} ({o.error})" for k, o in kinds.items())
        head = (
            f"apply stopped, and could not undo the add of {', '.join(stuck)}"
            if stuck
            else "apply stopped before changing anything"
        )
        raise MissingOutside(
            f"{head}: no such {what} to add: {named}",
            hint=" ".join(o.hint for o in kinds.values()),
        )

    def _outside(self, outcome: Outcome) -> Outside:
        outside = self.specs[outcome.action.kind].exists_outside
        assert outside is not None  # only such outcomes are linked first
        return outside

    def _retire_replaced(self, outcomes: list[Outcome]) -> None:
        """Old objects of replaces go last, and only once everything that named them points
        at the new ones (an API that refused to delete a referenced object would say
        IN_USE). One whose re-pointing did not apply is kept, and the replace is failed:
        the apply record lists the old object as retiring, and the next plan deletes it
        once it has re-pointed what names it."""
        waiting: dict[str, list[str]] = {}
        for o in outcomes:
            for address in o.action.depends_on:
                if o.status != "done":
                    waiting.setdefault(address, []).append(o.action.address)
        calls = []
        for o in outcomes:
            if o.action.op != "replace" or o.status != "done":
                continue
            behind = waiting.get(o.action.address)
            if behind:
                _fail(
                    o,
                    f"the new object was made, but the old one ({o.action.uuid}) is kept "
                    f"until what names it points at the new one ({', '.join(behind)} did not "
                    "apply): run apply again to finish the replace",
                )
                continue
            calls.append(self._delete(o, o.action.uuid, "delete-old"))
        if calls:
            self.progress(f"Removing {len(calls)} replaced object(s)")
            self._send(calls)

    def _run_level(self, outcomes: list[Outcome]) -> None:
        """A level's calls in steps (releasing what locks an object against its write;
        adds, sets, deletes; what an add does not take; restoring what was released;
        companions; children), each one bundle. A stop requested while a step was in
        flight ends the level there: actions that still needed a later step are failed as
        half done (the next apply finishes them), the others are done. What a lock's
        ``restore`` puts back is put back whatever happens."""
        steps = self._steps()
        sent = set(self._linked)
        in_flight = False  # the level has begun once a step sent something
        for number, step in enumerate(steps):
            if in_flight and self.stop.requested:
                self._half_done(outcomes, steps[number:])
                self._restore_failed(outcomes)
                break
            calls = [c for o in outcomes if o.status == "pending" for c in step(o)]
            self._send_in_bundles(calls)
            self._restore_failed(outcomes)
            sent |= {id(c.outcome) for c in calls}
            in_flight = in_flight or bool(calls)
        for outcome in outcomes:
            if outcome.status == "pending" and id(outcome) not in sent:
                _fail(
                    outcome,
                    f"internal error: the plan changes {_changed(outcome.action)} of "
                    f"{outcome.action.address}, but no call carries them; nothing was sent "
                    "(a bug in ambraconf: please report it)",
                )
            elif outcome.status == "pending":
                outcome.status = "done"

    def _steps(self) -> list[Callable[[Outcome], list[_Call]]]:
        """The calls of an action, step by step: releasing what locks its object against
        its write (``ApiMap.locks``); its add, set or delete (unless it was linked first);
        the set after an add; restoring what was released; its companions; its children."""
        return [
            self._release,
            lambda o: [] if id(o) in self._linked else _listed(self._first_call(o)),
            lambda o: _listed(self._second_call(o)),
            self._restore,
            self._companions,
            self._children,
        ]

    def _locked(self, action: Action) -> list[tuple[Lock, list[Any]]]:
        """The locks this action's write must release first, each with the live holders
        (``ApiMap.locked``); none for a create."""
        if action.op == "create" or not action.uuid:
            return []
        changed = None if action.op != "update" else {c.path.split(".")[0] for c in action.changes}
        return self._api(action.kind).locked(self._live_raw(action), changed)

    def _release(self, outcome: Outcome) -> list[_Call]:
        return [
            _Call(outcome, *lock.release(holder), "release")
            for lock, holders in self._locked(outcome.action)
            for holder in holders
        ]

    def _restore(self, outcome: Outcome) -> list[_Call]:
        """The released holders put back (those a lock's ``restore`` brings back): onto the
        object written, or the live one where the write failed."""
        if id(outcome) not in self._released:
            return []
        action = outcome.action
        uuid = (action.uuid if outcome.status == "failed" else outcome.uuid or action.uuid) or ""
        return [
            _Call(outcome, *lock.restore(holder, uuid), "restore")
            for lock, holders in self._locked(action)
            if lock.restore is not None
            for holder in holders
        ]

    def _restore_failed(self, outcomes: list[Outcome]) -> None:
        """A failed (or interrupted) action whose holders were released gets them back at
        once, so nothing is left released (a namespace without its anonymization profile,
        say) by an action that did not happen."""
        self._send([c for o in outcomes if o.status == "failed" for c in self._restore(o)])

    def _half_done(
        self, outcomes: list[Outcome], steps: list[Callable[[Outcome], list[_Call]]]
    ) -> None:
        """Fail the actions of an interrupted apply that still needed a call."""
        for step in steps:
            for outcome in outcomes:
                calls = step(outcome) if outcome.status == "pending" else []
                if calls:
                    _fail(
                        outcome,
                        f"interrupted before its {calls[0].phase} call was sent: run apply "
                        "again to finish it",
                    )

    def _api(self, kind: str) -> ApiMap:
        return self.specs[kind].api

    def _live_object(self, action: Action) -> LiveObject | None:
        live = self.live[action.account]
        return next((o for o in live.of_kind(action.kind) if o.uuid == action.uuid), None)

    def _live_raw(self, action: Action) -> dict[str, Any]:
        found = self._live_object(action)
        return found.raw if found else {}

    def _first_call(self, outcome: Outcome) -> _Call | None:
        action = outcome.action
        api = self._api(action.kind)
        live = self.live[action.account]
        try:
            if action.op == "delete":
                return self._delete(outcome, action.uuid, "delete")
            if action.op in ("create", "replace"):
                desired = laid_under(action.resets, action.desired or {})
                values = {
                    k: v
                    for k, v in desired.items()
                    if k not in api.set_only and k not in action.deferred
                }
                params = {
                    **api.add_defaults(values, live.names),
                    **api.add_scope(values, live.names, live.uuid),
                    **api.encode(values, live.names),
                }
                return _Call(outcome, api.add_path, params, "add")
            params = self._set_params(action, api, action.uuid)
            named = len(self._target(action, action.uuid))
            return _Call(outcome, api.set_path, params, "set") if len(params) > named else None
        except UserError as exc:
            _fail(outcome, str(exc))
            return None

    def _second_call(self, outcome: Outcome) -> _Call | None:
        """After an add: the fields add does not take, in a set."""
        action = outcome.action
        api = self._api(action.kind)
        desired = laid_under(action.resets, action.desired or {})
        set_only = {
            k: v for k, v in desired.items() if k in api.set_only and k not in action.deferred
        }
        if action.op in ("create", "replace") and set_only and outcome.uuid:
            params = {
                **self._target(action, outcome.uuid),
                **api.encode(set_only, self.live[action.account].names),
            }
            return _Call(outcome, api.set_path, params, "set")
        return None

    def _companions(self, outcome: Outcome) -> list[_Call]:
        """Fields kept by a second endpoint (namespace settings), once the object exists."""
        action = outcome.action
        if action.op == "delete":
            return []
        api = self.specs[action.kind].api
        live = self.live[action.account]
        changed = {c.path.split(".")[0] for c in action.changes}
        desired = laid_under(action.resets, action.desired or {})  # exact: what goes off too
        calls = []
        for companion in api.companions:
            value = desired.get(companion.field)
            if not companion.writes or value is None:
                continue  # a companion that only reads: a hook writes its field
            if action.op == "update" and companion.field not in changed:
                continue
            key = str(outcome.reply.get(companion.key) or self._live_key(action, companion.key))
            try:
                if companion.sync is not None:
                    items = [
                        (c.before, c.after)
                        for c in action.changes
                        if c.path.split(".")[0] == companion.field
                    ]
                    if action.op != "update":  # a new object: every item is new
                        items = [(None, item) for item in value]
                    synced = companion.sync(items, key, live.names)
                    calls += [_Call(outcome, p, params, "companion") for p, params in synced]
                elif companion.encode is not None:
                    target = {companion.param: key}
                    cleared = companion.clear(value, live.names) if companion.clear else None
                    if cleared is not None:
                        calls.append(
                            _Call(outcome, companion.path, {**target, **cleared}, "companion")
                        )
                    params = {**target, **companion.encode(value, live.names)}
                    calls.append(_Call(outcome, companion.path, params, "companion"))
            except UserError as exc:
                _fail(outcome, str(exc))
                return []
        return calls

    def _children(self, outcome: Outcome) -> list[_Call]:
        """Sub-objects kept by their own endpoints (custom field mappings)."""
        action = outcome.action
        if action.op == "delete":
            return []
        api = self.specs[action.kind].api
        live = self.live[action.account]
        desired = action.desired or {}
        raw = self._live_raw(action) if action.op == "update" else {}
        managed = [f for lock, _ in self._locked(action) for f in lock.managed]
        if managed:  # restored as on a new object: where the config says, else where it was
            found = self._live_object(action)
            values = found.values if found else {}
            kept = {f: values.get(f) for f in managed}
            desired = {**kept, **{k: v for k, v in desired.items() if v is not None}}
            raw = {}
        uuid = outcome.uuid or action.uuid or ""
        try:
            calls = api.after_write(desired, raw, uuid, live.names)
        except UserError as exc:
            _fail(outcome, str(exc))
            return []
        return [_Call(outcome, path, params, "child") for path, params in calls]

    def _live_key(self, action: Action, key: str) -> str:
        return str(self._live_raw(action).get(key)) if self._live_object(action) else ""

    def _set_params(self, action: Action, api: ApiMap, uuid: str | None) -> dict[str, str]:
        desired = laid_under(action.resets, action.desired or {})
        changed = {c.path.split(".")[0] for c in action.changes}
        fields = {k: desired[k] for k in desired if k in changed or k in api.resent}
        if action.cause == "renamed" and "name" in desired:
            fields["name"] = desired["name"]
        return {**self._target(action, uuid), **api.encode(fields, self.live[action.account].names)}

    def _target(self, action: Action, uuid: str | None) -> dict[str, str]:
        """How a set or delete names the object (its uuid, or its id in the account)."""
        return self._api(action.kind).target(uuid or "", self.live[action.account].uuid)

    def _delete(self, outcome: Outcome, uuid: str | None, phase: str) -> _Call:
        api = self._api(outcome.action.kind)
        target = api.delete_target(uuid or "", self.live[outcome.action.account].uuid)
        return _Call(outcome, api.delete_path, target, phase)

    def _send_in_bundles(self, calls: list[_Call]) -> None:
        """A step's calls a bundle at a time, saying how far it got when it takes more than
        one, so that a long apply shows it moves (a terminal and a CI log alike). The step
        is sent whole, as before: a stop is honoured between steps, never inside one."""
        size = self.bundle_size
        if len(calls) <= size:
            self._send(calls)
            return
        for start in range(0, len(calls), size):
            self._send(calls[start : start + size])
            self.progress(f"  {min(start + size, len(calls))}/{len(calls)} calls sent")

    def _send(self, calls: list[_Call]) -> None:
        pending = calls
        for attempt in range(1, MAX_ATTEMPTS + 1):
            if not pending:
                return
            try:
                replies = self.client.bundle([(c.path, c.params) for c in pending])
            except ResponseLost as lost:
                answered = len(lost.completed)
                for call, reply in zip(pending, lost.completed, strict=False):
                    self._record(call, reply.data, reply.error)
                unknown = pending[answered : answered + len(lost.calls)]
                never_sent = pending[answered + len(lost.calls) :]
                pending = self._read_back(unknown) + never_sent
                if attempt == MAX_ATTEMPTS:
                    for call in pending:
                        _fail(call.outcome, f"{lost}; gave up after {MAX_ATTEMPTS} attempts")
                continue
            except TransportError as exc:
                if attempt == MAX_ATTEMPTS:
                    for call in pending:
                        _fail(call.outcome, str(exc))
                continue
            for call, reply in zip(pending, replies, strict=True):
                self._record(call, reply.data, reply.error)
            return

    def _record(self, call: _Call, data: dict[str, Any] | None, error: ApiError | None) -> None:
        outcome = call.outcome
        if call.phase == "release":
            self._released.add(id(outcome))
        elif call.phase == "restore":
            self._released.discard(id(outcome))
        if call.phase.startswith("delete") and (error is None or error.error_type == "NOT_FOUND"):
            outcome.retired = True  # gone (already, on NOT_FOUND): what the action wanted
            outcome.uuid = outcome.uuid or outcome.action.uuid
            return
        if error is not None:
            if call.phase == "release" and error.error_type == "NOT_FOUND":
                return  # already released (undeployed): what the release wanted
            if call.phase == "restore" and outcome.status == "failed":
                outcome.error = f"{outcome.error}; and restoring what it released failed: {error}"
                return
            _fail(outcome, str(error), error)
            return
        if call.phase == "add":
            api = self._api(outcome.action.kind)
            uuid = (data or {}).get("uuid") or (
                api.uuid_of(call.params) if api.key_params else None
            )
            if not isinstance(uuid, str) or not uuid:
                _fail(
                    outcome,
                    f"{call.path} answered OK without the new object's uuid, so nothing that "
                    "needs it was sent; run plan to see whether it was created (apply looks "
                    "before creating again)",
                )
                return
            self._created(outcome, uuid, data or {})
        elif outcome.uuid is None:
            outcome.uuid = outcome.action.uuid

    def _created(self, outcome: Outcome, uuid: str, reply: dict[str, Any]) -> None:
        """The add of ``outcome`` made ``uuid`` (as answered, or found after a lost answer).
        The name of a replaced object now means the new one only, so that what is set
        later in the run points at it."""
        outcome.reply = reply
        outcome.uuid = uuid
        if outcome.action.op == "replace" and outcome.action.uuid:
            self.live[outcome.action.account].names.forget(outcome.action.kind, outcome.action.uuid)
        self._remember(outcome.action, uuid, reply.get("namespace_id"))

    def _remember(self, action: Action, uuid: str, namespace_id: Any) -> None:
        """Later calls in this run may name what was just created."""
        if self.specs[action.kind].holds_others:
            self._adopt_account(self.live[action.account], uuid, namespace_id)
            return
        api = self._api(action.kind)
        name = (action.desired or {}).get(self.specs[action.kind].name_key)
        if name and uuid:
            namespace = str(namespace_id) if api.owns_namespace and namespace_id else None
            self.live[action.account].names.add(action.kind, str(name), uuid, namespace)

    def _adopt_account(self, live: LiveAccount, uuid: str, namespace_id: Any) -> None:
        """A new account's objects go into it, and the stock objects it came with (its
        roles) can be named from now on."""
        live.uuid = uuid
        live.names.account_id = uuid
        live.names.account_namespace = str(namespace_id) if namespace_id else None
        for spec in self.specs.values():
            if not spec.builtin:
                continue
            api = spec.api
            for item in self.client.list_all(
                api.list_path, api.list_key, api.list_scope(uuid), paged=api.paged
            ):
                name, found = item.get(api.name_field), item.get(api.uuid_field)
                if name is not None and found not in (None, ""):  # else none can name it
                    live.names.add(spec.name, str(name), str(found))

    def _read_back(self, calls: list[_Call]) -> list[_Call]:
        """The calls of a lost bundle that still need sending.

        Sets and deletes are safe to send again. An add is sent again only if no object
        with its natural key appeared: each kind involved is listed once. If even that read
        fails, the add is reported as failed rather than risk a duplicate; the next apply
        looks again before creating.
        """
        adds = [c for c in calls if c.phase == "add"]
        listed: dict[tuple[str, str], list[dict[str, Any]] | None] = {}
        for call in adds:
            key = (call.outcome.action.account, call.outcome.action.kind)
            if key not in listed:
                listed[key] = self._list_for_read_back(*key)
        resend = []
        for call in calls:
            if call.phase != "add":
                resend.append(call)
                continue
            items = listed[(call.outcome.action.account, call.outcome.action.kind)]
            if items is None:
                _fail(
                    call.outcome,
                    "the answer to this add was lost and live state could not "
                    "be read back; run apply again: it looks before creating",
                )
            elif not self._adopt_if_created(call, items):
                resend.append(call)
        return resend

    def _list_for_read_back(self, account: str, kind: str) -> list[dict[str, Any]] | None:
        api = self._api(kind)
        scope = api.list_scope(self.live[account].uuid)
        try:
            return self.client.list_all(api.list_path, api.list_key, scope, paged=api.paged)
        except TransportError:
            return None

    def _adopt_if_created(self, call: _Call, items: list[dict[str, Any]]) -> bool:
        """Whether an object the lost add would have made is there now (then it is ours)."""
        action = call.outcome.action
        api = self._api(action.kind)
        live = self.live[action.account]
        spec = self.specs[action.kind]
        known = {o.uuid for o in live.of_kind(action.kind)}
        wanted = spec.identity_of(action.desired or {})
        for item in items:
            uuid = api.uuid_of(item)
            if uuid is None or uuid in known or uuid == action.uuid:
                continue
            if not api.owns(item, live.uuid):
                continue
            if spec.identity_of(api.decode(item, live.names)) == wanted:
                self._created(call.outcome, uuid, item)
                return True
        return False


def _fail(outcome: Outcome, message: str, error: ApiError | None = None) -> None:
    outcome.status = "failed"
    outcome.error = message
    if error is not None:
        outcome.error_type = error.error_type
        outcome.error_subtype = error.error_subtype


def _listed(call: _Call | None) -> list[_Call]:
    return [] if call is None else [call]


def _changed(action: Action) -> str:
    return ", ".join(dict.fromkeys(c.path.split(".")[0] for c in action.changes)) or "nothing"


def _describe(outcomes: list[Outcome]) -> str:
    counts: dict[str, int] = {}
    for o in outcomes:
        counts[o.action.op] = counts.get(o.action.op, 0) + 1
    return ", ".join(f"{n} to {op}" for op, n in counts.items()) or "nothing to do"
